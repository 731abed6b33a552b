package io.dualmode.governance.push;

import java.util.ArrayList;
import java.util.List;

/**
 * Sidecar to control plane, inside a {@link DiscoveryRequest}: the calls that passed through the sidecar since its
 * previous report, per direction and service.
 *
 * <pre>{@code
 * "report": {"intervalMillis": 5000, "entries": [
 *   {"direction": "ingress", "service": "orders", "requests": 120, "errors": 3,
 *    "latencyBuckets": [0, 4, 80, 30, 3, 2, 1, 0, 0, 0, 0, 0, 0]},
 *   {"direction": "egress", "service": "payments", "requests": 40, "errors": 0,
 *    "latencyBuckets": [0, 0, 10, 30, 0, 0, 0, 0, 0, 0, 0, 0, 0]}]}
 * }</pre>
 *
 * @param intervalMillis how long the report covers, in milliseconds
 * @param entries one per direction and service that saw calls in the interval
 */
public record LoadReport(long intervalMillis, List<Entry> entries) {

    /** Ingress: calls the local application received through the sidecar. */
    public static final String INGRESS = "ingress";

    /** Egress: calls the local application made through the sidecar. */
    public static final String EGRESS = "egress";

    /**
     * The upper bounds of the latency buckets in milliseconds (inclusive); a last bucket above the highest bound
     * (+inf) follows, so an entry has {@link #BUCKETS} counts.
     */
    public static final List<Long> BUCKET_BOUNDS_MILLIS =
            List.of(1L, 2L, 5L, 10L, 25L, 50L, 100L, 250L, 500L, 1000L, 2500L, 5000L);

    /** The number of latency buckets of an entry: one per bound and the +inf bucket. */
    public static final int BUCKETS = BUCKET_BOUNDS_MILLIS.size() + 1;

    public LoadReport {
        entries = entries == null ? List.of() : List.copyOf(entries);
    }

    /**
     * What is wrong with this report, one line per problem with its path (e.g. {@code entries[0].errors: 5 is more
     * than requests 3}); empty when it is well-formed.
     */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (intervalMillis <= 0) {
            out.add("intervalMillis: must be positive, got " + intervalMillis);
        }
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            String at = "entries[" + i + "]";
            if (e == null) {
                out.add(at + ": must not be null");
            } else {
                e.problems(at, out);
            }
        }
        return out;
    }

    /**
     * The calls of one direction and service in the interval.
     *
     * @param direction {@link #INGRESS} or {@link #EGRESS}
     * @param service for ingress the local service called; for egress the service (cluster) called
     * @param requests calls completed
     * @param errors calls that failed: HTTP 5xx, gRPC/Dubbo/Bolt error statuses, local 5xx replies, resets, timeouts
     * @param latencyBuckets {@link #BUCKETS} counts of calls by latency, bucket {@code i} holding those above bound
     *     {@code i-1} and at most bound {@code i} of {@link #BUCKET_BOUNDS_MILLIS}
     * @param endpoint for egress, the one upstream endpoint ({@code host:port}, as the registry lists it) these calls
     *     went to; null for the whole service. A report holds both: the service's entry counts every call once, its
     *     endpoints' entries split the same calls by endpoint (a sidecar that predates them sends none).
     */
    public record Entry(
            String direction, String service, long requests, long errors, List<Long> latencyBuckets, String endpoint) {

        public Entry {
            latencyBuckets = latencyBuckets == null ? List.of() : List.copyOf(latencyBuckets);
        }

        /** The calls of a whole service. */
        public Entry(String direction, String service, long requests, long errors, List<Long> latencyBuckets) {
            this(direction, service, requests, errors, latencyBuckets, null);
        }

        private void problems(String at, List<String> out) {
            if (!INGRESS.equals(direction) && !EGRESS.equals(direction)) {
                out.add(at + ".direction: must be ingress or egress, got " + direction);
            }
            if (service == null || service.isBlank()) {
                out.add(at + ".service: must not be blank");
            }
            if (endpoint != null && !EGRESS.equals(direction)) {
                out.add(at + ".endpoint: only egress entries name an endpoint");
            } else if (endpoint != null && (endpoint.isBlank() || endpoint.lastIndexOf(':') < 1)) {
                out.add(at + ".endpoint: must be host:port, got " + endpoint);
            }
            if (requests < 0) {
                out.add(at + ".requests: must not be negative, got " + requests);
            }
            if (errors < 0 || errors > requests) {
                out.add(at + ".errors: must be between 0 and requests " + requests + ", got " + errors);
            }
            if (latencyBuckets.size() != BUCKETS) {
                out.add(at + ".latencyBuckets: " + BUCKETS + " counts expected, got " + latencyBuckets.size());
            } else if (latencyBuckets.stream().anyMatch(c -> c < 0)) {
                out.add(at + ".latencyBuckets: counts must not be negative");
            }
        }
    }
}
