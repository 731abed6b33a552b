package io.dualmode.platform.web;

import org.springframework.http.HttpStatus;

/** Every error code of the platform's API, with its HTTP status. Codes are stable; never reuse one. */
public enum PlatformError {
    /** The request could not be read (malformed JSON, wrong parameter type). */
    BAD_REQUEST("PLATFORM-0001", HttpStatus.BAD_REQUEST),
    /** An unexpected failure; the log has the details. */
    INTERNAL("PLATFORM-0002", HttpStatus.INTERNAL_SERVER_ERROR),
    /** No such endpoint. */
    NOT_FOUND("PLATFORM-0003", HttpStatus.NOT_FOUND),
    /** The rule document is invalid; {@code errors} lists each problem with its path. */
    INVALID_RULE("PLATFORM-0101", HttpStatus.BAD_REQUEST),
    /** The rule kind in the URL does not exist. */
    UNKNOWN_RULE_KIND("PLATFORM-0102", HttpStatus.NOT_FOUND),
    /** The service name in the URL is not valid. */
    INVALID_SERVICE_NAME("PLATFORM-0103", HttpStatus.BAD_REQUEST),
    /** The request body is larger than allowed. */
    DOCUMENT_TOO_LARGE("PLATFORM-0104", HttpStatus.PAYLOAD_TOO_LARGE),
    /** No rule of this kind for this service. */
    RULE_NOT_FOUND("PLATFORM-0201", HttpStatus.NOT_FOUND),
    /** The version given (If-Match or {@code version}) is not the current one: someone changed the rule meanwhile. */
    VERSION_CONFLICT("PLATFORM-0202", HttpStatus.CONFLICT),
    /** Changing or deleting an existing rule needs its current version in If-Match. */
    VERSION_REQUIRED("PLATFORM-0203", HttpStatus.PRECONDITION_REQUIRED),
    /** The rule has no such version. */
    RULE_VERSION_NOT_FOUND("PLATFORM-0204", HttpStatus.NOT_FOUND),
    /** The If-Match header or {@code version} parameter is not a version number. */
    INVALID_VERSION("PLATFORM-0205", HttpStatus.BAD_REQUEST),
    /** No valid token was presented. */
    UNAUTHENTICATED("PLATFORM-0301", HttpStatus.UNAUTHORIZED),
    /** The caller's role does not allow this. */
    FORBIDDEN("PLATFORM-0302", HttpStatus.FORBIDDEN),
    /** Wrong user name or password. */
    BAD_CREDENTIALS("PLATFORM-0303", HttpStatus.UNAUTHORIZED),
    /** A user with this name exists already. */
    USER_EXISTS("PLATFORM-0304", HttpStatus.CONFLICT),
    /** No such user. */
    USER_NOT_FOUND("PLATFORM-0305", HttpStatus.NOT_FOUND),
    /** The user's name, password or role is not acceptable. */
    INVALID_USER("PLATFORM-0306", HttpStatus.BAD_REQUEST),
    /** The change would leave no admin user. */
    LAST_ADMIN("PLATFORM-0307", HttpStatus.CONFLICT),
    /** A query parameter of the audit log or the traffic metrics is invalid. */
    INVALID_QUERY("PLATFORM-0401", HttpStatus.BAD_REQUEST),
    /** The embedded registry is disabled, so the platform has no inventory to show. */
    REGISTRY_DISABLED("PLATFORM-0501", HttpStatus.SERVICE_UNAVAILABLE),
    /** The platform's database cannot be reached: nothing was read or changed. */
    DATABASE_UNAVAILABLE("PLATFORM-0502", HttpStatus.SERVICE_UNAVAILABLE),
    /** No registered instance has the address given. */
    INSTANCE_NOT_FOUND("PLATFORM-0601", HttpStatus.NOT_FOUND),
    /** The instance has no sidecar connected to the control plane, so its mode cannot be switched. */
    NO_SIDECAR("PLATFORM-0602", HttpStatus.CONFLICT),
    /** A migration plan is invalid; the field errors say where. */
    INVALID_MIGRATION("PLATFORM-0603", HttpStatus.BAD_REQUEST),
    /** No migration plan has the id given. */
    MIGRATION_NOT_FOUND("PLATFORM-0604", HttpStatus.NOT_FOUND),
    /** The plan's state does not allow the action asked for. */
    MIGRATION_STATE("PLATFORM-0605", HttpStatus.CONFLICT),
    /** The instance belongs to a migration plan that is not finished; its mode is the plan's to change. */
    INSTANCE_IN_MIGRATION("PLATFORM-0606", HttpStatus.CONFLICT),
    /** No sidecar of this node id is connected or reported traffic in the last ten minutes. */
    NODE_NOT_FOUND("PLATFORM-0701", HttpStatus.NOT_FOUND),
    /** The service asked for has no registered instance (in that namespace and group). */
    SERVICE_NOT_FOUND("PLATFORM-0702", HttpStatus.NOT_FOUND);

    private final String code;
    private final HttpStatus status;

    PlatformError(String code, HttpStatus status) {
        this.code = code;
        this.status = status;
    }

    /** The stable code, e.g. {@code PLATFORM-0202}. */
    public String code() {
        return code;
    }

    /** The HTTP status answered. */
    public HttpStatus status() {
        return status;
    }
}
