package io.dualmode.governance.rule;

import com.fasterxml.jackson.annotation.JsonValue;

/** The outcome of an access policy. */
public enum AccessAction {
    /** The call goes through. */
    ALLOW("allow"),
    /** The call is refused with the protocol's permission error. */
    DENY("deny");

    private final String id;

    AccessAction(String id) {
        this.id = id;
    }

    /** The identifier on the wire. */
    @JsonValue
    public String id() {
        return id;
    }
}
