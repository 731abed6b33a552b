package io.dualmode.governance.rule;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where a rate limit is counted. */
public enum LimitScope {
    /** Each instance's sidecar counts on its own. */
    LOCAL("local"),
    /** The limit is shared by all instances of the service (a cluster token server). */
    CLUSTER("cluster");

    private final String id;

    LimitScope(String id) {
        this.id = id;
    }

    /** The identifier on the wire. */
    @JsonValue
    public String id() {
        return id;
    }
}
