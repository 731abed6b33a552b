package io.dualmode.platform.metrics;

/**
 * Calls seen by one sidecar in a window.
 *
 * @param requests calls completed
 * @param errors calls that failed: HTTP 5xx, gRPC/Dubbo/Bolt error statuses, local 5xx replies, resets and timeouts
 * @param p99Millis the 99th percentile of their latency in milliseconds, 0 when there were none
 */
public record NodeTraffic(long requests, long errors, double p99Millis) {

    /** No calls. */
    public static final NodeTraffic NONE = new NodeTraffic(0, 0, 0);

    /** errors / requests, 0 when there were no calls. */
    public double errorRate() {
        return requests == 0 ? 0 : (double) errors / requests;
    }
}
