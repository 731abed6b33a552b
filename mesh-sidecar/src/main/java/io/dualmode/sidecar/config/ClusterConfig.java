package io.dualmode.sidecar.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;
import io.dualmode.sidecar.cluster.Endpoint;
import java.time.Duration;
import java.util.List;

/** A named set of upstream endpoints and how to balance, time out, retry and health-check them. */
@JsonDeserialize(builder = ClusterConfig.Builder.class)
public record ClusterConfig(
        String name,
        LbPolicy lbPolicy,
        String hashHeader,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxIdlePerEndpoint,
        Duration idleTimeout,
        List<Endpoint> endpoints,
        HealthCheckConfig healthCheck,
        OutlierConfig outlier,
        RetryConfig retry) {

    /** How an endpoint is chosen for a request. */
    public enum LbPolicy {
        ROUND_ROBIN,
        WEIGHTED,
        LEAST_REQUEST,
        RANDOM,
        CONSISTENT_HASH
    }

    public ClusterConfig {
        endpoints = List.copyOf(endpoints);
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this cluster's settings. */
    public Builder toBuilder() {
        return new Builder()
                .name(name)
                .lbPolicy(lbPolicy)
                .hashHeader(hashHeader)
                .connectTimeout(connectTimeout)
                .requestTimeout(requestTimeout)
                .maxIdlePerEndpoint(maxIdlePerEndpoint)
                .idleTimeout(idleTimeout)
                .endpoints(endpoints)
                .healthCheck(healthCheck)
                .outlier(outlier)
                .retry(retry);
    }

    /**
     * Builds a {@link ClusterConfig}; defaults: round robin, 1 s connect timeout, 15 s request
     * timeout, 64 idle connections per endpoint and event loop closed after 30 s unused, no health
     * check, default outlier
     * ejection and retries.
     */
    @JsonPOJOBuilder(withPrefix = "")
    public static final class Builder {
        private String name;
        private LbPolicy lbPolicy = LbPolicy.ROUND_ROBIN;
        private String hashHeader;
        private Duration connectTimeout = Duration.ofSeconds(1);
        private Duration requestTimeout = Duration.ofSeconds(15);
        private int maxIdlePerEndpoint = 64;
        private Duration idleTimeout = Duration.ofSeconds(30);
        private List<Endpoint> endpoints = List.of();
        private HealthCheckConfig healthCheck = HealthCheckConfig.none();
        private OutlierConfig outlier = OutlierConfig.defaults();
        private RetryConfig retry = RetryConfig.defaults();

        Builder() {}

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder lbPolicy(LbPolicy lbPolicy) {
            this.lbPolicy = lbPolicy;
            return this;
        }

        public Builder hashHeader(String hashHeader) {
            this.hashHeader = hashHeader;
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        public Builder maxIdlePerEndpoint(int maxIdlePerEndpoint) {
            this.maxIdlePerEndpoint = maxIdlePerEndpoint;
            return this;
        }

        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        public Builder endpoints(List<Endpoint> endpoints) {
            this.endpoints = endpoints;
            return this;
        }

        public Builder healthCheck(HealthCheckConfig healthCheck) {
            this.healthCheck = healthCheck;
            return this;
        }

        public Builder outlier(OutlierConfig outlier) {
            this.outlier = outlier;
            return this;
        }

        public Builder retry(RetryConfig retry) {
            this.retry = retry;
            return this;
        }

        public ClusterConfig build() {
            return new ClusterConfig(
                    name,
                    lbPolicy,
                    hashHeader,
                    connectTimeout,
                    requestTimeout,
                    maxIdlePerEndpoint,
                    idleTimeout,
                    endpoints == null ? List.of() : endpoints,
                    healthCheck,
                    outlier,
                    retry);
        }
    }
}
