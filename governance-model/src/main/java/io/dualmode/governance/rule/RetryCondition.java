package io.dualmode.governance.rule;

import com.fasterxml.jackson.annotation.JsonValue;

/** A failure that may be retried. */
public enum RetryCondition {
    /** The upstream connection could not be made. */
    CONNECT_FAILURE("connect-failure"),
    /** The upstream reset the connection or stream before replying. */
    RESET("reset"),
    /** The attempt exceeded its per-try timeout. */
    TIMEOUT("timeout"),
    /** HTTP 502, 503 or 504. */
    GATEWAY_ERROR("gateway-error"),
    /** Any HTTP 5xx. */
    SERVER_ERROR("5xx"),
    /** gRPC UNAVAILABLE, or the RPC protocol's equivalent (provider busy, no provider). */
    UNAVAILABLE("unavailable");

    private final String id;

    RetryCondition(String id) {
        this.id = id;
    }

    /** The identifier on the wire. */
    @JsonValue
    public String id() {
        return id;
    }
}
