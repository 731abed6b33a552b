package io.dualmode.platform.metrics;

import java.time.Duration;
import java.util.Collection;

/**
 * Live traffic as the connected sidecars report it on their push streams. Only traffic that passes through a sidecar
 * is seen: calls between two SDK-mode instances never are.
 */
public interface TrafficMetrics {

    /**
     * What one sidecar's ingress served in the last {@code window}: the calls the instances behind it received while in
     * mesh mode. Empty counts (not null) when the sidecar reported nothing in that window.
     */
    NodeTraffic ingress(String nodeId, Duration window);

    /**
     * The calls every reporting sidecar's egress made to {@code service} in the last {@code window}: what the
     * mesh-mode consumers saw of the whole service, all its instances together. Empty counts (not null) when none was
     * reported.
     */
    NodeTraffic egressTo(String service, Duration window);

    /**
     * The calls every reporting sidecar's egress made to the instances of {@code service} at {@code endpoints}
     * ({@code host:port}, as the registry lists them) in the last {@code window}. Empty counts (not null) when none
     * was reported, which includes consumers' sidecars that predate per-endpoint figures.
     */
    NodeTraffic egressTo(String service, Collection<String> endpoints, Duration window);
}
