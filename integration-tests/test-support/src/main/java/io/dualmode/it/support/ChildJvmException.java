package io.dualmode.it.support;

/** A child JVM did not answer as expected: it replied with an error, died, or stayed silent too long. */
public final class ChildJvmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ChildJvmException(String message) {
        super(message);
    }

    ChildJvmException(String message, Throwable cause) {
        super(message, cause);
    }
}
