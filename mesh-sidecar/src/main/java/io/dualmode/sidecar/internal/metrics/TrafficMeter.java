package io.dualmode.sidecar.internal.metrics;

import io.dualmode.governance.push.LoadReport;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The calls of one direction and service (or of one endpoint of an egress service) for the control plane's load
 * reports: cumulative counts and a latency histogram with the fixed bounds of {@link LoadReport#BUCKET_BOUNDS_MILLIS}.
 * Resolved once per cluster, or once per upstream host when the host joins its cluster; recording allocates nothing
 * and takes no lock.
 */
public final class TrafficMeter {

    private static final long[] BOUNDS_NANOS = LoadReport.BUCKET_BOUNDS_MILLIS.stream()
            .mapToLong(TimeUnit.MILLISECONDS::toNanos)
            .toArray();

    private final String direction;
    private final String service;
    private final String endpoint;
    private final LongAdder requests = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder[] buckets = new LongAdder[LoadReport.BUCKETS];

    /** Set when the endpoint left its cluster: the next load report carries its last counts and forgets it. */
    private volatile boolean retired;

    TrafficMeter(String direction, String service, String endpoint) {
        this.direction = direction;
        this.service = service;
        this.endpoint = endpoint;
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** {@link LoadReport#INGRESS} or {@link LoadReport#EGRESS}. */
    public String direction() {
        return direction;
    }

    /** The service: the local one for ingress, the one called for egress. */
    public String service() {
        return service;
    }

    /** The upstream endpoint ({@code host:port}) of an egress meter of one endpoint; null for a whole service. */
    public String endpoint() {
        return endpoint;
    }

    boolean retired() {
        return retired;
    }

    void retired(boolean retired) {
        this.retired = retired;
    }

    /** Counts one finished call that started at {@code startNanos} ({@link System#nanoTime()}). */
    public void record(boolean error, long startNanos) {
        recordElapsed(error, System.nanoTime() - startNanos);
    }

    /** Counts one finished call that took {@code elapsedNanos}, for a caller that has read the clock already. */
    public void recordElapsed(boolean error, long elapsedNanos) {
        buckets[bucket(elapsedNanos)].increment();
        requests.increment();
        if (error) {
            errors.increment();
        }
    }

    /** The bucket of a latency: the first whose bound it does not exceed, or the last (+inf). */
    static int bucket(long nanos) {
        for (int i = 0; i < BOUNDS_NANOS.length; i++) {
            if (nanos <= BOUNDS_NANOS[i]) {
                return i;
            }
        }
        return BOUNDS_NANOS.length;
    }

    /**
     * The cumulative counts into {@code into}: errors, requests, then the buckets. Errors are read before requests,
     * which are counted first, so a copy never holds more errors than requests.
     */
    void copyTo(long[] into) {
        into[0] = errors.sum();
        into[1] = requests.sum();
        for (int i = 0; i < buckets.length; i++) {
            into[2 + i] = buckets[i].sum();
        }
    }
}
