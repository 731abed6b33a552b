package io.dualmode.sidecar.internal.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.dualmode.sidecar.config.Durations;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;

/**
 * The admin endpoint's JSON, with Jackson's streaming layer only (no data binding, so a sidecar loads a few dozen JSON
 * classes on its first admin request rather than several hundred at start-up: docs/benchmarks.md, "Where the memory
 * goes"). Writes maps, collections, strings, numbers, booleans, enums (by name), durations (as the configuration
 * writes them, {@code 5s}) and records (by component, in declaration order), indented; a member named {@code token}
 * is written as {@code "[redacted]"}.
 */
final class AdminJson {
    static final String REDACTED = "[redacted]";

    private static final JsonFactory FACTORY = new JsonFactory();

    private AdminJson() {}

    /** {@code value} as indented JSON. */
    static String write(Object value) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            write(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.append('\n').toString();
    }

    private static void write(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof CharSequence s) {
            g.writeString(s.toString());
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            g.writeNumber(((Number) value).longValue());
        } else if (value instanceof Number n) {
            double d = n.doubleValue();
            if (Double.isFinite(d)) {
                g.writeNumber(d);
            } else {
                g.writeString(Double.toString(d));
            }
        } else if (value instanceof Enum<?> e) {
            g.writeString(e.name());
        } else if (value instanceof Duration d) {
            g.writeString(Durations.format(d));
        } else if (value instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                member(g, String.valueOf(e.getKey()), e.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof Collection<?> c) {
            g.writeStartArray();
            for (Object item : c) {
                write(g, item);
            }
            g.writeEndArray();
        } else if (value instanceof Record r) {
            g.writeStartObject();
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                member(g, c.getName(), component(r, c));
            }
            g.writeEndObject();
        } else {
            g.writeString(value.toString());
        }
    }

    private static Object component(Record r, RecordComponent c) {
        try {
            return c.getAccessor().invoke(r);
        } catch (IllegalAccessException | InvocationTargetException e) {
            return "<" + e.getClass().getSimpleName() + ">";
        }
    }

    private static void member(JsonGenerator g, String name, Object value) throws IOException {
        g.writeFieldName(name);
        write(g, "token".equals(name) && value != null ? REDACTED : value);
    }

    /**
     * The value of the top-level string member {@code name} of a JSON object such as {@code {"mode":"sdk"}}; null when
     * the body is not a JSON object or has no such string member.
     */
    static String stringMember(String body, String name) {
        try (JsonParser p = FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String found = null;
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (name.equals(field) && v == JsonToken.VALUE_STRING) {
                    found = p.getText();
                } else {
                    p.skipChildren();
                }
            }
            return found;
        } catch (IOException e) {
            return null;
        }
    }
}
