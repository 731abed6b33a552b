package io.dualmode.platform.metrics;

import io.dualmode.governance.push.LoadReport;
import java.util.List;

/** Calls added up: requests, errors and a latency histogram with the bounds of the load reports. Not thread-safe. */
final class Counts {

    private static final long[] BOUNDS =
            LoadReport.BUCKET_BOUNDS_MILLIS.stream().mapToLong(Long::longValue).toArray();

    long requests;
    long errors;
    final long[] buckets = new long[LoadReport.BUCKETS];

    void add(long requests, long errors, List<Long> buckets) {
        this.requests += requests;
        this.errors += errors;
        for (int i = 0; i < this.buckets.length; i++) {
            this.buckets[i] += buckets.get(i);
        }
    }

    void add(long requests, long errors, long[] buckets) {
        this.requests += requests;
        this.errors += errors;
        for (int i = 0; i < this.buckets.length; i++) {
            this.buckets[i] += buckets[i];
        }
    }

    void add(Counts other) {
        add(other.requests, other.errors, other.buckets);
    }

    double errorRate() {
        return requests == 0 ? 0 : (double) errors / requests;
    }

    /**
     * The {@code q} quantile of the latency in milliseconds, interpolated linearly inside its bucket; calls above the
     * highest bound count as that bound. 0 when there were no calls.
     */
    double quantile(double q) {
        long total = 0;
        for (long c : buckets) {
            total += c;
        }
        if (total == 0) {
            return 0;
        }
        double rank = q * total;
        long below = 0;
        for (int i = 0; i < buckets.length; i++) {
            long c = buckets[i];
            if (c > 0 && below + c >= rank) {
                if (i == BOUNDS.length) {
                    return BOUNDS[BOUNDS.length - 1];
                }
                double lower = i == 0 ? 0 : BOUNDS[i - 1];
                return round(lower + (BOUNDS[i] - lower) * Math.max(0, rank - below) / c);
            }
            below += c;
        }
        return BOUNDS[BOUNDS.length - 1];
    }

    private static double round(double millis) {
        return Math.round(millis * 100) / 100.0;
    }
}
