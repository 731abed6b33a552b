package io.dualmode.governance.validation;

import java.util.Objects;

/**
 * One problem in a rule document.
 *
 * @param code the stable code, e.g. {@code GOV-0007} (see {@link ViolationCode})
 * @param path where in the document, as a JSON path from the root {@code $}, e.g. {@code $.routes[1].destinations}
 * @param message what is wrong and what to do about it
 */
public record Violation(String code, String path, String message) {

    public Violation {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /** A violation with a code from {@link ViolationCode}. */
    public static Violation of(ViolationCode code, String path, String message) {
        return new Violation(code.code(), path, message);
    }
}
