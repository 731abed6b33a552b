package io.dualmode.platform.web;

import java.util.List;

/** An error answered to the client with a {@link PlatformError} code; never logged as a failure of the platform. */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final PlatformError error;
    private final transient List<ErrorBody.FieldError> errors;

    public ApiException(PlatformError error, String message) {
        this(error, message, List.of());
    }

    public ApiException(PlatformError error, String message, List<ErrorBody.FieldError> errors) {
        super(message, null, false, false);
        this.error = error;
        this.errors = List.copyOf(errors);
    }

    /** The code and status. */
    public PlatformError error() {
        return error;
    }

    /** The body answered. */
    public ErrorBody body() {
        return new ErrorBody(error.code(), error.status().value(), getMessage(), errors);
    }
}
