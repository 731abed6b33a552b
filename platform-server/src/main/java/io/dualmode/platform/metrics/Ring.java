package io.dualmode.platform.metrics;

import io.dualmode.governance.push.LoadReport;
import java.util.ArrayDeque;

/**
 * The calls of one node, direction and service in one-second slots over the last {@link #SECONDS} seconds, oldest
 * first. A report is put in the second it arrived; only seconds that had calls take memory (a sidecar reporting every
 * 5 s fills 120 slots), and slots older than ten minutes are dropped as new ones come.
 */
final class Ring {

    /** How far back the ring reaches: ten minutes. */
    static final int SECONDS = 600;

    private final ArrayDeque<Slot> slots = new ArrayDeque<>();

    synchronized void add(long epochSecond, LoadReport.Entry entry) {
        while (!slots.isEmpty() && slots.peekFirst().second <= epochSecond - SECONDS) {
            slots.removeFirst();
        }
        Slot last = slots.peekLast();
        if (last == null || last.second < epochSecond) {
            last = new Slot(epochSecond);
            slots.addLast(last);
        }
        last.counts.add(entry.requests(), entry.errors(), entry.latencyBuckets());
    }

    /** The second of the newest slot, or -1 when there is none. */
    synchronized long newest() {
        Slot last = slots.peekLast();
        return last == null ? -1 : last.second;
    }

    /**
     * Adds the seconds after {@code from} up to and including {@code to} to {@code total}, and each of them to its
     * step of {@code steps} ({@code step} seconds each, the first starting after {@code from}); {@code steps} may be
     * null.
     */
    synchronized void addTo(long from, long to, Counts total, Counts[] steps, int step) {
        for (Slot s : slots) {
            if (s.second > from && s.second <= to) {
                total.add(s.counts);
                if (steps != null) {
                    steps[(int) Math.min(steps.length - 1, (s.second - from - 1) / step)].add(s.counts);
                }
            }
        }
    }

    private static final class Slot {
        final long second;
        final Counts counts = new Counts();

        Slot(long second) {
            this.second = second;
        }
    }
}
