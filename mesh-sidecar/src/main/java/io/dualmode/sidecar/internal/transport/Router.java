package io.dualmode.sidecar.internal.transport;

import io.dualmode.sidecar.cluster.Cluster;
import io.dualmode.sidecar.cluster.ClusterManager;
import io.dualmode.sidecar.config.ListenerConfig;

/**
 * Maps a service name (Host, :authority, gRPC service) to a cluster. Egress listeners use the
 * cluster of that name; ingress listeners the local service's cluster {@code inbound|<name>}; a
 * listener naming a cluster always uses it.
 */
public final class Router {
    /** Prefix of the clusters that reach the local application's services. */
    public static final String INBOUND_PREFIX = "inbound|";

    private final ClusterManager clusters;
    private final String fixedCluster;
    private final String prefix;

    public Router(ClusterManager clusters, ListenerConfig listener) {
        this.clusters = clusters;
        this.fixedCluster = listener.cluster();
        this.prefix = listener.direction() == ListenerConfig.Direction.INGRESS ? INBOUND_PREFIX : "";
    }

    /** The cluster for {@code service}, or null when there is none. */
    public Cluster route(String service) {
        if (fixedCluster != null) {
            return clusters.cluster(fixedCluster);
        }
        if (service == null) {
            return null;
        }
        return clusters.cluster(prefix.isEmpty() ? service : prefix + service);
    }
}
