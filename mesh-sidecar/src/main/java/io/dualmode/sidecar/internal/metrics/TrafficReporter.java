package io.dualmode.sidecar.internal.metrics;

import io.dualmode.governance.push.LoadReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the cumulative {@link TrafficMeter}s into {@link LoadReport}s holding what happened since the previous
 * report. Called from one thread at a time (the sidecar's timer).
 */
public final class TrafficReporter {

    private static final int SLOTS = 2 + LoadReport.BUCKETS;

    private final SidecarMetrics metrics;
    private final Map<TrafficMeter, long[]> previous = new HashMap<>();
    private long lastNanos = System.nanoTime();

    public TrafficReporter(SidecarMetrics metrics) {
        this.metrics = metrics;
    }

    /** The traffic since the previous call, or null when there was none. */
    public synchronized LoadReport next() {
        long now = System.nanoTime();
        long intervalMillis = Math.max(1, (now - lastNanos) / 1_000_000);
        lastNanos = now;
        List<LoadReport.Entry> entries = new ArrayList<>();
        long[] current = new long[SLOTS];
        for (TrafficMeter meter : metrics.traffic()) {
            meter.copyTo(current);
            long[] before = previous.computeIfAbsent(meter, m -> new long[SLOTS]);
            LoadReport.Entry entry = delta(meter, before, current);
            if (entry != null) {
                entries.add(entry);
            }
            System.arraycopy(current, 0, before, 0, SLOTS);
            if (meter.retired() && metrics.forget(meter)) {
                previous.remove(meter);
            }
        }
        return entries.isEmpty() ? null : new LoadReport(intervalMillis, entries);
    }

    private static LoadReport.Entry delta(TrafficMeter meter, long[] before, long[] current) {
        long requests = current[1] - before[1];
        if (requests <= 0) {
            return null;
        }
        long errors = Math.min(requests, current[0] - before[0]);
        List<Long> buckets = new ArrayList<>(LoadReport.BUCKETS);
        for (int i = 2; i < SLOTS; i++) {
            buckets.add(current[i] - before[i]);
        }
        return new LoadReport.Entry(meter.direction(), meter.service(), requests, errors, buckets, meter.endpoint());
    }
}
