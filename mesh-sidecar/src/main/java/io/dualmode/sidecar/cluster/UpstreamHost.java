package io.dualmode.sidecar.cluster;

import io.dualmode.sidecar.internal.metrics.TrafficMeter;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An endpoint of a cluster with its live state: requests in flight, active-health verdict and
 * passive outlier ejection. Shared by all event loops, so its counters are atomic.
 */
public final class UpstreamHost {
    private final Endpoint endpoint;
    private final InetSocketAddress address;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    /** This endpoint's calls in the load reports; null in a local service's cluster. */
    private final TrafficMeter traffic;

    private volatile boolean healthy = true;
    private volatile boolean ejected;
    private int checkStreak;
    /** Ejections counted for a rule's growing ejection time; guarded by the cluster's lock. */
    private int ejections;
    /** When the host last returned from an ejection (nanoTime); guarded by the cluster's lock. */
    private long returnedAt;

    UpstreamHost(Endpoint endpoint) {
        this(endpoint, null);
    }

    UpstreamHost(Endpoint endpoint, TrafficMeter traffic) {
        this.endpoint = endpoint;
        this.address = new InetSocketAddress(endpoint.host(), endpoint.port());
        this.traffic = traffic;
    }

    /** This endpoint's load-report meter, or null. */
    TrafficMeter traffic() {
        return traffic;
    }

    /** The registry endpoint. */
    public Endpoint endpoint() {
        return endpoint;
    }

    /** The resolved socket address, resolved once when the endpoint arrived. */
    public InetSocketAddress address() {
        return address;
    }

    /** Requests in flight to this host. */
    public int activeRequests() {
        return active.get();
    }

    /** Whether the last active health checks passed (always true without health checks). */
    public boolean healthy() {
        return healthy;
    }

    /** Whether passive outlier detection currently ejects this host. */
    public boolean ejected() {
        return ejected;
    }

    /** Counts a request starting on this host. */
    public void requestStarted() {
        active.incrementAndGet();
    }

    /**
     * Counts a connection or request ending on this host without counting it in the load reports: plain TCP, or a call
     * that ended for the caller's reasons before the host answered.
     */
    public void requestFinished() {
        active.decrementAndGet();
    }

    /**
     * Counts a call ending on this host that started at {@code startNanos}, and counts it (as an error when {@code
     * failed}) among this endpoint's calls in the load reports.
     */
    public void requestFinished(boolean failed, long startNanos) {
        active.decrementAndGet();
        TrafficMeter t = traffic;
        if (t != null) {
            t.record(failed, startNanos);
        }
    }

    int recordFailure() {
        return consecutiveFailures.incrementAndGet();
    }

    void recordSuccess() {
        if (consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
        }
    }

    /**
     * Counts one more ejection under a rule's outlier detection and returns the count: the previous count less one
     * for every {@code intervalNanos} spent back in service since the last return, plus one.
     */
    int countEjection(long now, long intervalNanos) {
        if (ejections > 0 && intervalNanos > 0) {
            long clean = (now - returnedAt) / intervalNanos;
            ejections = (int) Math.max(0, ejections - clean);
        }
        return ++ejections;
    }

    void returned(long now) {
        returnedAt = now;
    }

    boolean available() {
        return healthy && !ejected;
    }

    void ejected(boolean value) {
        ejected = value;
        if (!value) {
            consecutiveFailures.set(0);
        }
    }

    /** Applies one health-check result; true when the verdict changed. Called by one thread. */
    boolean checked(boolean passed, int healthyThreshold, int unhealthyThreshold) {
        if (passed == healthy) {
            checkStreak = 0;
            return false;
        }
        checkStreak++;
        if (checkStreak >= (passed ? healthyThreshold : unhealthyThreshold)) {
            healthy = passed;
            checkStreak = 0;
            return true;
        }
        return false;
    }

    @Override
    public String toString() {
        return endpoint.toString();
    }
}
