package io.dualmode.sidecar.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Retries of a request on another endpoint after a connect failure (always safe: nothing was sent), or after a
 * reset before any response byte of an idempotent request (or of any request when the service's retry rule names
 * {@code reset}). A request body is kept for a retry up to {@code maxBufferedBody} bytes; a larger body streams
 * without being kept, and its request is not retried after a reset. Retries in flight are limited to {@code
 * budgetPercent} of the cluster's active requests, but {@code minRetries} are always allowed.
 */
public record RetryConfig(int maxRetries, int budgetPercent, int minRetries, long maxBufferedBody) {
    @JsonCreator
    static RetryConfig of(
            @JsonProperty("maxRetries") Integer maxRetries,
            @JsonProperty("budgetPercent") Integer budgetPercent,
            @JsonProperty("minRetries") Integer minRetries,
            @JsonProperty("maxBufferedBody") Long maxBufferedBody) {
        return new RetryConfig(
                maxRetries == null ? 2 : maxRetries,
                budgetPercent == null ? 20 : budgetPercent,
                minRetries == null ? 3 : minRetries,
                maxBufferedBody == null ? 64 * 1024 : maxBufferedBody);
    }

    /** The defaults: 2 retries, a 20 % budget, 3 retries always allowed, bodies up to 64 KiB kept for a retry. */
    public static RetryConfig defaults() {
        return of(null, null, null, null);
    }
}
