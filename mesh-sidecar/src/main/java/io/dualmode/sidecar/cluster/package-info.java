/**
 * Upstream clusters: {@link io.dualmode.sidecar.cluster.ClusterManager} (feed endpoints here, e.g. from
 * registry subscriptions), {@link io.dualmode.sidecar.cluster.Endpoint}, load balancing, health and
 * outlier state.
 */
package io.dualmode.sidecar.cluster;
