package io.dualmode.sidecar.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Which pushed governance rules the sidecar enforces on HTTP traffic: one switch per filter, all on by default. A
 * switched-off filter ignores its rules (they are still validated, acknowledged and reported in the digest). YAML:
 *
 * <pre>{@code
 * governance:
 *   routing: true          # weighted subsets by instance labels
 *   timeoutRetry: true     # request timeout and retry attempts
 *   rateLimit: true        # local QPS limits (Sentinel)
 *   circuitBreaker: true   # circuit breakers (Sentinel)
 *   faultInjection: true   # injected delays and aborts
 *   accessControl: true    # allow/deny by caller identity
 *   callerHeader: x-dualmode-caller
 *   callerIdentity: web    # set as callerHeader on requests leaving through egress listeners
 * }</pre>
 *
 * @param routing whether routing rules pick subsets
 * @param timeoutRetry whether timeout and retry rules override the cluster's settings
 * @param rateLimit whether rate limits reject the excess with 429
 * @param circuitBreaker whether open breakers reject calls with 503
 * @param faultInjection whether faults are injected
 * @param accessControl whether access rules deny callers with 403
 * @param callerHeader the request header carrying the caller's identity, set by the caller's sidecar
 * @param callerIdentity this application's identity, written as {@code callerHeader} on every request leaving
 *     through an egress listener (placed first, so it wins over one the application set); null sets nothing
 */
public record GovernanceConfig(
        boolean routing,
        boolean timeoutRetry,
        boolean rateLimit,
        boolean circuitBreaker,
        boolean faultInjection,
        boolean accessControl,
        String callerHeader,
        String callerIdentity) {

    /** The header carrying the caller's identity when none is configured. */
    public static final String DEFAULT_CALLER_HEADER = "x-dualmode-caller";

    public GovernanceConfig {
        callerHeader = callerHeader == null ? DEFAULT_CALLER_HEADER : callerHeader.toLowerCase(java.util.Locale.ROOT);
    }

    @JsonCreator
    static GovernanceConfig of(
            @JsonProperty("routing") Boolean routing,
            @JsonProperty("timeoutRetry") Boolean timeoutRetry,
            @JsonProperty("rateLimit") Boolean rateLimit,
            @JsonProperty("circuitBreaker") Boolean circuitBreaker,
            @JsonProperty("faultInjection") Boolean faultInjection,
            @JsonProperty("accessControl") Boolean accessControl,
            @JsonProperty("callerHeader") String callerHeader,
            @JsonProperty("callerIdentity") String callerIdentity) {
        return new GovernanceConfig(
                on(routing),
                on(timeoutRetry),
                on(rateLimit),
                on(circuitBreaker),
                on(faultInjection),
                on(accessControl),
                callerHeader,
                callerIdentity);
    }

    /** Every filter on, caller identity in {@code x-dualmode-caller}. */
    public static GovernanceConfig defaults() {
        return new GovernanceConfig(true, true, true, true, true, true, null, null);
    }

    private static boolean on(Boolean b) {
        return b == null || b;
    }
}
