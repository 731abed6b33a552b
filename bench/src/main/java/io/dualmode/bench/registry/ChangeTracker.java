package io.dualmode.bench.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * Matches pushes to changes. A change of a service has a version: odd versions register the changer's instance with
 * metadata {@code v=<version>}, even ones deregister it. A subscriber that sees the state the latest change of a
 * service produced is credited once for that change, with the time from the change request being sent to the push
 * reaching it. Changes of one service are far enough apart that only the latest one is in flight.
 */
final class ChangeTracker {

    /** Who received a push. */
    enum Kind {
        LIGHT,
        NACOS
    }

    /** One change request and who got it. */
    static final class Change {
        final int service;
        final int version;
        final long sentNanos;
        final boolean measured;
        final boolean broadcast;
        final int[] expected;
        final AtomicIntegerArray delivered = new AtomicIntegerArray(Kind.values().length);

        Change(int service, int version, long sentNanos, boolean measured, boolean broadcast, int[] expected) {
            this.service = service;
            this.version = version;
            this.sentNanos = sentNanos;
            this.measured = measured;
            this.broadcast = broadcast;
            this.expected = expected;
        }

        boolean register() {
            return (version & 1) == 1;
        }

        int missing(Kind kind) {
            return expected[kind.ordinal()] - delivered.get(kind.ordinal());
        }
    }

    private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(2);

    private final AtomicReferenceArray<Change> latest;
    private final ConcurrentLinkedQueue<Change> changes = new ConcurrentLinkedQueue<>();
    private final Map<Long, Change> byVersion = new ConcurrentHashMap<>();
    private final AtomicLong[] superseded = {new AtomicLong(), new AtomicLong()};
    private final Histogram[][] latency = new Histogram[Kind.values().length][2];

    ChangeTracker(int services) {
        latest = new AtomicReferenceArray<>(services);
        for (Histogram[] byKind : latency) {
            byKind[0] = new SynchronizedHistogram(MAX_MICROS, 3);
            byKind[1] = new SynchronizedHistogram(MAX_MICROS, 3);
        }
    }

    /** Publishes a change just before its request is sent. */
    Change begin(int service, int version, boolean measured, boolean broadcast, int[] expected) {
        Change change = new Change(service, version, System.nanoTime(), measured, broadcast, expected);
        changes.add(change);
        byVersion.put(((long) service << 32) | version, change);
        latest.set(service, change);
        return change;
    }

    /**
     * A subscriber saw {@code service} with the changer's instance at {@code observedVersion} (-1: absent) at
     * {@code nanos}; {@code credited} is that subscriber's last credited version per service.
     */
    void observed(Kind kind, Map<Integer, Integer> credited, int service, int observedVersion, long nanos) {
        Change change = service < 0 || service >= latest.length() ? null : latest.get(service);
        if (change == null) {
            return;
        }
        boolean matches = change.register() ? observedVersion == change.version : observedVersion < 0;
        Integer previous = credited.get(service);
        if (!matches || (previous != null && previous >= change.version)) {
            return;
        }
        credited.put(service, change.version);
        change.delivered.incrementAndGet(kind.ordinal());
        for (int v = previous == null ? 1 : previous + 1; v < change.version; v++) {
            Change skipped = byVersion.get(((long) service << 32) | v);
            if (skipped != null && skipped.measured) {
                superseded[kind.ordinal()].incrementAndGet();
            }
        }
        if (change.measured) {
            long micros = Math.max(0, TimeUnit.NANOSECONDS.toMicros(nanos - change.sentNanos));
            latency[kind.ordinal()][change.broadcast ? 1 : 0].recordValue(Math.min(micros, MAX_MICROS));
        }
    }

    /** The measured changes. */
    List<Change> measured() {
        List<Change> list = new ArrayList<>();
        for (Change c : changes) {
            if (c.measured) {
                list.add(c);
            }
        }
        return list;
    }

    /**
     * Measured changes a subscriber of {@code kind} never saw because a push carrying a later change of the same
     * service reached it first (coalesced, or overtaken): not lost, the subscriber's list is newer.
     */
    long superseded(Kind kind) {
        return superseded[kind.ordinal()].get();
    }

    /** Whether every measured change reached everyone expected. */
    boolean complete() {
        for (Change c : changes) {
            if (c.measured && (c.missing(Kind.LIGHT) > 0 || c.missing(Kind.NACOS) > 0)) {
                return false;
            }
        }
        return true;
    }

    /** Latencies in microseconds of {@code kind}: broadcast changes, other changes, or both (null). */
    Histogram latency(Kind kind, Boolean broadcast) {
        Histogram[] byKind = latency[kind.ordinal()];
        if (broadcast != null) {
            return byKind[broadcast ? 1 : 0].copy();
        }
        Histogram all = byKind[0].copy();
        all.add(byKind[1]);
        return all;
    }
}
