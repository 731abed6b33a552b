package io.dualmode.sidecar.internal.transport;

import io.dualmode.sidecar.config.LimitsConfig;
import io.dualmode.sidecar.config.ListenerConfig;
import io.dualmode.sidecar.internal.metrics.SidecarMetrics.ListenerMetrics;

/** One listener's settings, router and meters, fixed for the connections it accepts. */
public record ListenerRuntime(
        ListenerConfig config, Router router, ListenerMetrics metrics, LimitsConfig limits, ProxyRuntime proxy) {

    public String name() {
        return config.name();
    }
}
