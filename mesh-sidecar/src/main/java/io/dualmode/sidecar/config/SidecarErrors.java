package io.dualmode.sidecar.config;

/**
 * Every error an operator of the sidecar can see, with its stable code. Codes never change meaning;
 * new errors get new codes.
 */
public enum SidecarErrors {
    CONFIG_FILE_UNREADABLE("SIDECAR-0001", "cannot read configuration file %s: %s"),
    CONFIG_SYNTAX("SIDECAR-0002", "configuration file %s is not valid YAML for the sidecar: %s"),
    CONFIG_INVALID("SIDECAR-0003", "invalid configuration: %s"),
    PORT_OUT_OF_RANGE("SIDECAR-0004", "%s must be a port between 0 and 65535, got %d"),
    DUPLICATE_NAME("SIDECAR-0005", "%s name '%s' is used more than once"),
    UNKNOWN_CLUSTER("SIDECAR-0006", "listener '%s' names cluster '%s', which is not configured"),
    MISSING_FIELD("SIDECAR-0007", "%s is required"),
    BIND_FAILED("SIDECAR-0008", "cannot listen on %s for listener '%s': %s"),
    BAD_DURATION("SIDECAR-0009", "'%s' is not a duration (use e.g. 250ms, 5s, 1m)"),
    BAD_ENDPOINT("SIDECAR-0010", "endpoint %s of cluster '%s' is invalid: %s"),
    NO_ROUTE("SIDECAR-0011", "no route to service '%s'"),
    NO_HEALTHY_UPSTREAM("SIDECAR-0012", "no healthy upstream for service '%s'"),
    UPSTREAM_CONNECT_FAILED("SIDECAR-0013", "upstream connect error for service '%s'"),
    UPSTREAM_RESET("SIDECAR-0014", "upstream reset before response for service '%s'"),
    UPSTREAM_TIMEOUT("SIDECAR-0015", "upstream request timeout for service '%s'"),
    BAD_REQUEST("SIDECAR-0016", "malformed request: %s"),
    HEADERS_TOO_LARGE("SIDECAR-0017", "request header section larger than %d bytes"),
    BODY_TOO_LARGE("SIDECAR-0018", "request body larger than %d bytes"),
    ADMIN_BAD_REQUEST("SIDECAR-0019", "bad admin request: %s"),
    UNPACK_FAILED("SIDECAR-0020", "cannot unpack %s into %s: %s"),
    UPSTREAM_BAD_RESPONSE("SIDECAR-0021", "malformed response from upstream for service '%s'"),
    CONTROL_PLANE_URL("SIDECAR-0040", "controlPlane.url '%s' is not a ws:// or wss:// URL: %s"),
    CONTROL_PLANE_TOKEN("SIDECAR-0041", "controlPlane.token is required with controlPlane.url %s"),
    STATE_DIR("SIDECAR-0042", "controlPlane.stateDir %s cannot be used: %s"),
    RULE_UNSUPPORTED("SIDECAR-0043", "%s: %s is not supported by this sidecar"),
    ACCESS_DENIED("SIDECAR-0044", "caller '%s' may not call service '%s'"),
    RATE_LIMITED("SIDECAR-0045", "rate limit of service '%s' exceeded"),
    ADAPTIVE_SHED("SIDECAR-0260", "service '%s' shed by adaptive limit: %s %s > %s"),
    CIRCUIT_OPEN("SIDECAR-0046", "circuit breaker of service '%s' is open"),
    FAULT_ABORT("SIDECAR-0047", "fault injected for service '%s'"),
    STATE_UNREADABLE("SIDECAR-0048", "saved rules in %s cannot be restored: %s"),
    BAD_CALLER_ADDRESS(
            "SIDECAR-0230",
            "%s: '%s' is not an IP address literal (callers are identified by the peer's address as it connects)"),
    MESH_API_BAD_JSON("SIDECAR-0206", "SOFA mesh API %s: the body is not a JSON object: %s"),
    MESH_API_UNKNOWN_FIELD("SIDECAR-0207", "SOFA mesh API %s: unknown field '%s' (known: %s)"),
    MESH_API_BAD_FIELD("SIDECAR-0208", "SOFA mesh API %s: %s"),
    MESH_API_PROTOCOL(
            "SIDECAR-0209",
            "SOFA mesh API %s: protocolType '%s' is not served; the sidecar's mesh API routes bolt only"),
    MESH_API_REGISTRY("SIDECAR-0210", "SOFA mesh API %s: the registry failed: %s"),
    MESH_API_EGRESS("SIDECAR-0211", "SOFA mesh API %s: cannot open the Bolt egress on %s: %s"),
    MESH_API_INTERNAL("SIDECAR-0213", "SOFA mesh API %s failed: %s"),
    MESH_API_WITHDRAWN(
            "SIDECAR-0214",
            "SOFA mesh API: the application at %s refused connections in %d checks in a row; its %d service(s) are"
                    + " withdrawn from the registry until it answers again"),
    MESH_API_NOT_FOUND(
            "SIDECAR-0212",
            "SOFA mesh API: no endpoint %s %s (POST /configs/application, /services/publish, /services/unpublish, /services/subscribe, /services/unsubscribe)");

    private final String code;
    private final String template;

    SidecarErrors(String code, String template) {
        this.code = code;
        this.template = template;
    }

    /** The stable code, e.g. {@code SIDECAR-0001}. */
    public String code() {
        return code;
    }

    /** The message, prefixed with its code. */
    public String format(Object... args) {
        return code + ": " + String.format(template, args);
    }

    /** An exception carrying this error. */
    public SidecarException exception(Object... args) {
        return new SidecarException(this, format(args));
    }
}
