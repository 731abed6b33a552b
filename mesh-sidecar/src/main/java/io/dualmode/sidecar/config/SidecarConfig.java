package io.dualmode.sidecar.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;
import java.time.Duration;
import java.util.List;

/**
 * The whole configuration of one sidecar, immutable. A change builds a new instance, which
 * replaces the old one whole.
 */
@JsonDeserialize(builder = SidecarConfig.Builder.class)
public record SidecarConfig(
        int workers,
        Duration drainTimeout,
        AdminConfig admin,
        LimitsConfig limits,
        List<ListenerConfig> listeners,
        List<ClusterConfig> clusters,
        List<LocalServiceConfig> services,
        ClusterConfig clusterDefaults,
        ControlPlaneConfig controlPlane,
        GovernanceConfig governance) {

    public SidecarConfig {
        listeners = List.copyOf(listeners);
        clusters = List.copyOf(clusters);
        services = List.copyOf(services);
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration. */
    public Builder toBuilder() {
        return new Builder()
                .workers(workers)
                .drainTimeout(drainTimeout)
                .admin(admin)
                .limits(limits)
                .listeners(listeners)
                .clusters(clusters)
                .services(services)
                .clusterDefaults(clusterDefaults)
                .controlPlane(controlPlane)
                .governance(governance);
    }

    /**
     * Builds a {@link SidecarConfig} and validates it; defaults: one worker per available core,
     * 10 s drain, admin on 127.0.0.1:15000.
     */
    @JsonPOJOBuilder(withPrefix = "")
    public static final class Builder {
        private int workers = Runtime.getRuntime().availableProcessors();
        private Duration drainTimeout = Duration.ofSeconds(10);
        private AdminConfig admin = AdminConfig.defaults();
        private LimitsConfig limits = LimitsConfig.defaults();
        private List<ListenerConfig> listeners = List.of();
        private List<ClusterConfig> clusters = List.of();
        private List<LocalServiceConfig> services = List.of();
        private ClusterConfig clusterDefaults =
                ClusterConfig.builder().name("defaults").build();
        private ControlPlaneConfig controlPlane = ControlPlaneConfig.disabled();
        private GovernanceConfig governance = GovernanceConfig.defaults();

        Builder() {}

        public Builder controlPlane(ControlPlaneConfig controlPlane) {
            this.controlPlane = controlPlane;
            return this;
        }

        public Builder governance(GovernanceConfig governance) {
            this.governance = governance;
            return this;
        }

        public Builder workers(int workers) {
            this.workers = workers;
            return this;
        }

        public Builder drainTimeout(Duration drainTimeout) {
            this.drainTimeout = drainTimeout;
            return this;
        }

        public Builder admin(AdminConfig admin) {
            this.admin = admin;
            return this;
        }

        public Builder limits(LimitsConfig limits) {
            this.limits = limits;
            return this;
        }

        public Builder listeners(List<ListenerConfig> listeners) {
            this.listeners = listeners;
            return this;
        }

        public Builder clusters(List<ClusterConfig> clusters) {
            this.clusters = clusters;
            return this;
        }

        public Builder services(List<LocalServiceConfig> services) {
            this.services = services;
            return this;
        }

        public Builder clusterDefaults(ClusterConfig clusterDefaults) {
            this.clusterDefaults = clusterDefaults;
            return this;
        }

        /** Builds and validates; a mistake throws {@link SidecarException} with its code. */
        public SidecarConfig build() {
            SidecarConfig config = new SidecarConfig(
                    workers,
                    drainTimeout,
                    admin,
                    limits,
                    nonNull(listeners),
                    nonNull(clusters),
                    nonNull(services),
                    clusterDefaults,
                    controlPlane == null ? ControlPlaneConfig.disabled() : controlPlane,
                    governance == null ? GovernanceConfig.defaults() : governance);
            ConfigValidator.validate(config);
            return config;
        }

        private static <T> List<T> nonNull(List<T> list) {
            return list == null ? List.of() : list;
        }
    }
}
