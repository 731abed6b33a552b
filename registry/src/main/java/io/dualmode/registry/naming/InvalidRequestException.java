package io.dualmode.registry.naming;

/**
 * A client asked for something the registry refuses: carries the Nacos error code the client understands (400 for a
 * bad parameter, 404, 409, ...) and a message saying what to fix.
 */
public final class InvalidRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Nacos {@code INVALID_PARAM}. */
    public static final int INVALID_PARAM = 400;
    /** Nacos {@code NOT_FOUND}. */
    public static final int NOT_FOUND = 404;
    /** Nacos {@code CONFLICT}. */
    public static final int CONFLICT = 409;

    private final int code;

    public InvalidRequestException(int code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** A bad-parameter error. */
    public static InvalidRequestException invalid(String message) {
        return new InvalidRequestException(INVALID_PARAM, message);
    }

    /** The Nacos error code. */
    public int code() {
        return code;
    }
}
