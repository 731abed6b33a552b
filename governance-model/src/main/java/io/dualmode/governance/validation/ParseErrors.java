package io.dualmode.governance.validation;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/** Turns Jackson's reading errors into violations with a JSON path and a message saying what to fix. */
final class ParseErrors {

    private ParseErrors() {}

    static Violation toViolation(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return Violation.of(
                    ViolationCode.UNKNOWN_FIELD,
                    path(u),
                    "'" + u.getPropertyName() + "' is not a field here; remove it or use one of "
                            + new TreeSet<>(u.getKnownPropertyIds().stream()
                                    .map(String::valueOf)
                                    .toList()));
        }
        if (e instanceof MismatchedInputException m
                && m.getTargetType() != null
                && !m.getPath().isEmpty()) {
            return Violation.of(ViolationCode.WRONG_TYPE, path(m), "has the wrong type; expected " + expected(m));
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            return Violation.of(ViolationCode.WRONG_TYPE, path(m), "cannot be read: " + m.getOriginalMessage());
        }
        return malformed(e);
    }

    static Violation malformed(JsonProcessingException e) {
        String where = e.getLocation() == null
                ? ""
                : " at line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr();
        String what =
                e instanceof StreamReadException ? "is not well-formed JSON" : "is not a JSON object of this kind";
        return Violation.of(
                ViolationCode.MALFORMED_DOCUMENT,
                "$",
                what + where + ": " + e.getOriginalMessage() + "; fix the syntax");
    }

    static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder("$");
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append('.').append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String expected(MismatchedInputException m) {
        Class<?> type = m.getTargetType();
        if (type.isEnum()) {
            return "one of " + enumIds(type);
        }
        if (type == Integer.class || type == Long.class || type == int.class || type == long.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class) {
            return "a number";
        }
        if (type == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }

    private static List<String> enumIds(Class<?> type) {
        return Arrays.stream(type.getEnumConstants()).map(ParseErrors::id).toList();
    }

    private static String id(Object constant) {
        for (var method : constant.getClass().getMethods()) {
            if (method.isAnnotationPresent(JsonValue.class)) {
                try {
                    return String.valueOf(method.invoke(constant));
                } catch (ReflectiveOperationException e) {
                    break;
                }
            }
        }
        return ((Enum<?>) constant).name();
    }
}
