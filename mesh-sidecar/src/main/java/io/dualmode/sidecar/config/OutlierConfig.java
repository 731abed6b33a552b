package io.dualmode.sidecar.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * Passive outlier ejection: an endpoint with {@code consecutiveFailures} connect failures, resets or
 * 5xx responses in a row is left out of load balancing for {@code ejectionTime}, then tried again.
 * At most {@code maxEjectionPercent} of a cluster is ejected at once. Zero failures disables it.
 */
public record OutlierConfig(int consecutiveFailures, Duration ejectionTime, int maxEjectionPercent) {
    @JsonCreator
    static OutlierConfig of(
            @JsonProperty("consecutiveFailures") Integer consecutiveFailures,
            @JsonProperty("ejectionTime") Duration ejectionTime,
            @JsonProperty("maxEjectionPercent") Integer maxEjectionPercent) {
        return new OutlierConfig(
                consecutiveFailures == null ? 5 : consecutiveFailures,
                ejectionTime == null ? Duration.ofSeconds(30) : ejectionTime,
                maxEjectionPercent == null ? 50 : maxEjectionPercent);
    }

    /** The defaults: 5 failures, 30 s, at most half the cluster. */
    public static OutlierConfig defaults() {
        return of(null, null, null);
    }
}
