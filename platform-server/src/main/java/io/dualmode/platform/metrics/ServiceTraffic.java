package io.dualmode.platform.metrics;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The calls of one service in a window, as the sidecars reported them.
 *
 * @param service the service: for ingress the local service called, for egress the service the node called
 * @param direction {@code ingress} or {@code egress} in a node's view; absent in the per-service view (all ingress)
 * @param requests calls completed in the window
 * @param rps requests per second over the window
 * @param errors calls that failed
 * @param errorRate errors / requests, 0 without calls
 * @param p50Millis the median latency in milliseconds
 * @param p99Millis the 99th percentile latency in milliseconds
 * @param series the same in steps across the window, oldest first, for charts
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceTraffic(
        String service,
        String direction,
        long requests,
        double rps,
        long errors,
        double errorRate,
        double p50Millis,
        double p99Millis,
        List<Point> series) {

    /**
     * One step of a series.
     *
     * @param at the start of the step, epoch milliseconds
     * @param rps requests per second in the step
     * @param errorRate errors / requests in the step
     * @param p99Millis the 99th percentile latency in the step
     */
    public record Point(long at, double rps, double errorRate, double p99Millis) {}
}
