package io.dualmode.platform.metrics;

/**
 * What the sidecars saw of one registered instance in a window.
 *
 * @param address the instance's address in the registry ({@code ip:port})
 * @param nodeId the sidecar the instance runs behind, null when none is connected
 * @param mode the instance's mode as registered ({@code mesh} or {@code sdk})
 * @param ingress the calls the instance received through its own sidecar (in mesh mode), from any caller
 * @param fromConsumers the calls the mesh-mode consumers' sidecars made to it, at any address its sidecar reports for
 *     it (in SDK mode as well: what a migration towards SDK judges)
 */
public record InstanceTraffic(String address, String nodeId, String mode, Seen ingress, Seen fromConsumers) {

    /**
     * Calls in the window.
     *
     * @param requests calls completed
     * @param errors calls that failed
     * @param errorRate errors / requests, 0 without calls
     * @param p99Millis the 99th percentile latency in milliseconds, 0 without calls
     */
    public record Seen(long requests, long errors, double errorRate, double p99Millis) {

        static Seen of(NodeTraffic t) {
            return new Seen(t.requests(), t.errors(), t.errorRate(), t.p99Millis());
        }
    }
}
