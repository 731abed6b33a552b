package io.dualmode.platform.metrics;

/**
 * Calls from one application to one service in a window, from the egress reports of the caller's sidecars.
 *
 * @param source the calling application (the reporting sidecar's {@code node.application})
 * @param target the service called
 * @param rps requests per second over the window
 * @param errorRate errors / requests
 * @param p99Millis the 99th percentile latency in milliseconds
 */
public record Edge(String source, String target, double rps, double errorRate, double p99Millis) {

    record Ends(String source, String target) {}
}
