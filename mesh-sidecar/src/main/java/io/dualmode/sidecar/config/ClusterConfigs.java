package io.dualmode.sidecar.config;

import io.dualmode.sidecar.cluster.Endpoint;

/** Validation of clusters that arrive at run time (e.g. from the registry), with the same codes. */
public final class ClusterConfigs {
    private ClusterConfigs() {}

    /** Throws {@link SidecarException} if the cluster is invalid. */
    public static void validate(ClusterConfig config) {
        if (config.name() == null || config.name().isBlank()) {
            throw SidecarErrors.MISSING_FIELD.exception("cluster name");
        }
        ConfigValidator.cluster(config);
    }

    /** Throws {@link SidecarException} if the endpoint is invalid. */
    public static void validateEndpoint(String cluster, Endpoint endpoint) {
        ConfigValidator.endpoint(cluster, endpoint);
    }
}
