package io.dualmode.sidecar.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Retries of a request on another endpoint after a connect failure, or after a reset of an
 * idempotent request without body before any response byte. Retries in flight are limited to
 * {@code budgetPercent} of the cluster's active requests, but {@code minRetries} are always allowed.
 */
public record RetryConfig(int maxRetries, int budgetPercent, int minRetries) {
    @JsonCreator
    static RetryConfig of(
            @JsonProperty("maxRetries") Integer maxRetries,
            @JsonProperty("budgetPercent") Integer budgetPercent,
            @JsonProperty("minRetries") Integer minRetries) {
        return new RetryConfig(
                maxRetries == null ? 2 : maxRetries,
                budgetPercent == null ? 20 : budgetPercent,
                minRetries == null ? 3 : minRetries);
    }

    /** The defaults: 2 retries, a 20 % budget, 3 retries always allowed. */
    public static RetryConfig defaults() {
        return of(null, null, null);
    }
}
