package io.dualmode.platform.security;

import java.util.List;

/** The roles of the platform; each user has one, and a token carries it with the roles it implies. */
public enum Role {
    /** Reads everything: rules, history, audit log, inventory. */
    VIEWER,
    /** A viewer that also changes rules, instance modes and migrations. */
    OPERATOR,
    /** An operator that also manages users and issues sidecar tokens. */
    ADMIN,
    /** A sidecar: reads the rules it is pushed, nothing else. */
    SIDECAR;

    /** This role with every role it implies, as written into tokens. */
    public List<String> withImplied() {
        return switch (this) {
            case ADMIN -> List.of("ADMIN", "OPERATOR", "VIEWER");
            case OPERATOR -> List.of("OPERATOR", "VIEWER");
            case VIEWER -> List.of("VIEWER");
            case SIDECAR -> List.of("SIDECAR");
        };
    }

    /** The user roles: those a person can be given (not {@link #SIDECAR}). */
    static Role parseUserRole(String value) {
        for (Role role : List.of(ADMIN, OPERATOR, VIEWER)) {
            if (role.name().equalsIgnoreCase(value)) {
                return role;
            }
        }
        return null;
    }
}
