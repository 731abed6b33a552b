package io.dualmode.starter.core;

import java.util.Locale;

/** How an application instance reaches the registry and its providers. */
public enum DualmodeMode {
    /** The framework talks to the registry and to providers directly, exactly as without the platform. */
    SDK,
    /** The framework registers, subscribes and calls only through the local sidecar. */
    MESH;

    /** The value carried in instance metadata under {@link InstanceMetadata#MODE}. */
    public String metadataValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
