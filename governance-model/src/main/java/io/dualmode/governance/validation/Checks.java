package io.dualmode.governance.validation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Collects the violations of one document; the small checks every kind's validation is made of. */
final class Checks {

    static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.:@\\-]{0,254}");
    static final Pattern ITEM_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,62}");
    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-/]{0,127}");
    private static final Pattern HEADER_NAME = Pattern.compile(":?[!#$%&'*+\\-.^_`|~0-9A-Za-z]{1,128}");
    private static final int MAX_VALUE_LENGTH = 1024;

    private final List<Violation> violations = new ArrayList<>();
    private final ValidationLimits limits;

    Checks(ValidationLimits limits) {
        this.limits = limits;
    }

    List<Violation> violations() {
        return violations;
    }

    ValidationLimits limits() {
        return limits;
    }

    void add(ViolationCode code, String path, String message) {
        violations.add(Violation.of(code, path, message));
    }

    static String field(String path, String name) {
        return path + "." + name;
    }

    static String index(String path, int i) {
        return path + "[" + i + "]";
    }

    /** Reports a missing value; true when it is present. */
    boolean required(String path, Object value) {
        if (value == null) {
            add(ViolationCode.REQUIRED, path, "is required; add it");
        }
        return value != null;
    }

    void range(String path, Number value, double min, boolean minInclusive, double max) {
        if (value == null) {
            return;
        }
        double v = value.doubleValue();
        boolean low = minInclusive ? v < min : v <= min;
        if (low || v > max || Double.isNaN(v)) {
            String lower = minInclusive ? "at least " + format(min) : "greater than " + format(min);
            add(ViolationCode.OUT_OF_RANGE, path, "is " + value + "; must be " + lower + " and at most " + format(max));
        }
    }

    void range(String path, Number value, double min, double max) {
        range(path, value, min, true, max);
    }

    /** Checks a list's length and that it holds no null; runs {@code each} on every element. */
    <T> void each(String path, List<T> list, BiConsumer<String, T> each) {
        if (list == null) {
            return;
        }
        if (list.size() > limits.maxItems()) {
            add(
                    ViolationCode.TOO_MANY_ITEMS,
                    path,
                    "has " + list.size() + " items; at most " + limits.maxItems() + " are allowed");
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            T item = list.get(i);
            if (required(index(path, i), item)) {
                each.accept(index(path, i), item);
            }
        }
    }

    /** Reports items sharing a name; null names are left to {@link #required}. */
    <T> void unique(String path, List<T> list, Function<T, String> name) {
        if (list == null) {
            return;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String n = list.get(i) == null ? null : name.apply(list.get(i));
            if (n != null && !seen.add(n)) {
                add(
                        ViolationCode.DUPLICATE_NAME,
                        index(path, i) + ".name",
                        "'" + n + "' is already used by an earlier item; give each a distinct name");
            }
        }
    }

    void itemName(String path, String value) {
        pattern(path, value, ITEM_NAME, "letters, digits, '_', '.' and '-', at most 63 characters");
    }

    void serviceName(String path, String value) {
        pattern(path, value, SERVICE_NAME, "letters, digits and '_.:@-', at most 255 characters");
    }

    void labelKey(String path, String value) {
        pattern(path, value, LABEL_KEY, "letters, digits and '_.-/', at most 128 characters");
    }

    void headerName(String path, String value) {
        pattern(path, value, HEADER_NAME, "an HTTP token (optionally a ':' pseudo-header), at most 128 characters");
    }

    void text(String path, String value) {
        if (value != null && (value.isBlank() || value.length() > MAX_VALUE_LENGTH)) {
            add(ViolationCode.INVALID_NAME, path, "must be non-blank and at most " + MAX_VALUE_LENGTH + " characters");
        }
    }

    private void pattern(String path, String value, Pattern pattern, String allowed) {
        if (value != null && !pattern.matcher(value).matches()) {
            add(ViolationCode.INVALID_NAME, path, "'" + value + "' is not valid; use " + allowed);
        }
    }

    private static String format(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
