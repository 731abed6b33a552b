package io.dualmode.sidecar.internal.transport;

import io.dualmode.sidecar.config.LimitsConfig;
import io.dualmode.sidecar.config.ListenerConfig;
import io.dualmode.sidecar.config.SidecarConfig;
import io.dualmode.sidecar.internal.metrics.SidecarMetrics.ListenerMetrics;
import java.util.function.Supplier;

/**
 * One listener's settings, router and meters. Limits are read from the configuration snapshot in
 * force when a connection is accepted, so a reconfiguration applies to new connections.
 */
public record ListenerRuntime(
        ListenerConfig config,
        Router router,
        ListenerMetrics metrics,
        Supplier<SidecarConfig> snapshot,
        ProxyRuntime proxy) {

    public String name() {
        return config.name();
    }

    /** The request limits of the current configuration snapshot. */
    public LimitsConfig limits() {
        return snapshot.get().limits();
    }
}
