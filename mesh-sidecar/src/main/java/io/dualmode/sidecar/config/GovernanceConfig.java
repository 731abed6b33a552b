package io.dualmode.sidecar.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Which pushed governance rules the sidecar enforces on HTTP/1.1, HTTP/2, gRPC, Dubbo and Bolt traffic: one switch per filter, all on by default. A
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
 *   sourceAddress: 10.0.0.5          # egress RPC upstream connections leave from this address
 *   callerAddresses: {10.0.0.5: web} # ingress: the caller of a request carrying no caller identity, by peer IP
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
 * @param sourceAddress the local IP address egress RPC listeners bind their upstream connections to, so the callee's
 *     sidecar can tell this application by its address (Dubbo carries no header the sidecar can extend); null lets
 *     the system choose
 * @param callerAddresses on ingress, the caller identity of a request that carries none in {@code callerHeader}
 *     (every Dubbo call, and Bolt calls that did not come through a caller's sidecar), by the peer's IP address
 */
public record GovernanceConfig(
        boolean routing,
        boolean timeoutRetry,
        boolean rateLimit,
        boolean circuitBreaker,
        boolean faultInjection,
        boolean accessControl,
        String callerHeader,
        String callerIdentity,
        String sourceAddress,
        java.util.Map<String, String> callerAddresses) {

    /** The header carrying the caller's identity when none is configured. */
    public static final String DEFAULT_CALLER_HEADER = "x-dualmode-caller";

    public GovernanceConfig {
        callerHeader = callerHeader == null ? DEFAULT_CALLER_HEADER : callerHeader.toLowerCase(java.util.Locale.ROOT);
        callerAddresses = callerAddresses == null ? java.util.Map.of() : normalised(callerAddresses);
    }

    /** IPv6 keys as {@link java.net.InetAddress#getHostAddress()} prints them, so {@code ::1} finds the peer. */
    private static java.util.Map<String, String> normalised(java.util.Map<String, String> byAddress) {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        byAddress.forEach((address, caller) -> {
            String key = address;
            if (address != null && address.indexOf(':') >= 0 && address.matches("[0-9A-Fa-f:.]+")) {
                try {
                    key = java.net.InetAddress.getByName(address).getHostAddress();
                } catch (java.net.UnknownHostException e) {
                    // left as written; the validator reports it
                }
            }
            out.put(key, caller);
        });
        return java.util.Collections.unmodifiableMap(out);
    }

    /** A configuration with the same switches and caller header, identifying callers as given. */
    public GovernanceConfig(
            boolean routing,
            boolean timeoutRetry,
            boolean rateLimit,
            boolean circuitBreaker,
            boolean faultInjection,
            boolean accessControl,
            String callerHeader,
            String callerIdentity) {
        this(
                routing,
                timeoutRetry,
                rateLimit,
                circuitBreaker,
                faultInjection,
                accessControl,
                callerHeader,
                callerIdentity,
                null,
                null);
    }

    /** The caller identity configured for the peer address {@code ip}, or null. */
    public String callerAt(java.net.InetAddress ip) {
        return callerAddresses.isEmpty() ? null : callerAddresses.get(ip.getHostAddress());
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
            @JsonProperty("callerIdentity") String callerIdentity,
            @JsonProperty("sourceAddress") String sourceAddress,
            @JsonProperty("callerAddresses") java.util.Map<String, String> callerAddresses) {
        return new GovernanceConfig(
                on(routing),
                on(timeoutRetry),
                on(rateLimit),
                on(circuitBreaker),
                on(faultInjection),
                on(accessControl),
                callerHeader,
                callerIdentity,
                sourceAddress,
                callerAddresses);
    }

    /** Every filter on, caller identity in {@code x-dualmode-caller}. */
    public static GovernanceConfig defaults() {
        return new GovernanceConfig(true, true, true, true, true, true, null, null);
    }

    private static boolean on(Boolean b) {
        return b == null || b;
    }
}
