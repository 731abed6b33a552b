package io.dualmode.sidecar.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/** Active health checking of a cluster's endpoints: none, a TCP connect, or an HTTP GET. */
public record HealthCheckConfig(
        Type type, Duration interval, Duration timeout, String path, int healthyThreshold, int unhealthyThreshold) {

    /** How an endpoint is probed. */
    public enum Type {
        NONE,
        TCP,
        HTTP
    }

    @JsonCreator
    static HealthCheckConfig of(
            @JsonProperty("type") Type type,
            @JsonProperty("interval") Duration interval,
            @JsonProperty("timeout") Duration timeout,
            @JsonProperty("path") String path,
            @JsonProperty("healthyThreshold") Integer healthyThreshold,
            @JsonProperty("unhealthyThreshold") Integer unhealthyThreshold) {
        return new HealthCheckConfig(
                type == null ? Type.NONE : type,
                interval == null ? Duration.ofSeconds(5) : interval,
                timeout == null ? Duration.ofSeconds(1) : timeout,
                path == null ? "/" : path,
                healthyThreshold == null ? 1 : healthyThreshold,
                unhealthyThreshold == null ? 2 : unhealthyThreshold);
    }

    /** No active health checks. */
    public static HealthCheckConfig none() {
        return of(null, null, null, null, null, null);
    }

    /** TCP connect checks at the given interval. */
    public static HealthCheckConfig tcp(Duration interval, Duration timeout, int healthy, int unhealthy) {
        return new HealthCheckConfig(Type.TCP, interval, timeout, "/", healthy, unhealthy);
    }

    /** HTTP GET {@code path} checks at the given interval; 2xx and 3xx are healthy. */
    public static HealthCheckConfig http(String path, Duration interval, Duration timeout, int healthy, int unhealthy) {
        return new HealthCheckConfig(Type.HTTP, interval, timeout, path, healthy, unhealthy);
    }
}
