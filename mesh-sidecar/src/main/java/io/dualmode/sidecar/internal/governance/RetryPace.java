package io.dualmode.sidecar.internal.governance;

import io.dualmode.governance.rule.RetryBudget;
import io.dualmode.governance.rule.RetryPolicy;
import io.dualmode.sidecar.cluster.Cluster;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A retry rule's own budget and back-off, shared by every call of one compiled service policy (a new push starts
 * afresh). The budget replaces the cluster's: a retry may start while the retries in flight stay within {@code
 * budgetPercent} of the cluster's active requests, or while fewer than {@code minRetriesPerSecond} retries started
 * in the current second. The back-off is jittered exponential: before retry {@code n} (1-based) the proxy waits a
 * random time in {@code [base * 2^(n-1), base * 2^n)}, capped at 10 s, so the gap is never below the base.
 */
final class RetryPace {

    private static final long MAX_BACKOFF_MILLIS = 10_000;

    /** The budget percentage, or -1 when the rule has no budget (the cluster's applies). */
    private final double budgetPercent;

    private final int minPerSecond;
    private final long backoffMillis;
    private final AtomicLong second = new AtomicLong();
    private final AtomicInteger inSecond = new AtomicInteger();

    private RetryPace(double budgetPercent, int minPerSecond, long backoffMillis) {
        this.budgetPercent = budgetPercent;
        this.minPerSecond = minPerSecond;
        this.backoffMillis = backoffMillis;
    }

    /** The pace of {@code retry}, or null when it sets neither a budget nor a back-off. */
    static RetryPace of(RetryPolicy retry) {
        if (retry == null
                || (retry.budget() == null && (retry.backoffMillis() == null || retry.backoffMillis() <= 0))) {
            return null;
        }
        RetryBudget b = retry.budget();
        return new RetryPace(
                b == null || b.budgetPercent() == null ? -1 : b.budgetPercent(),
                b == null || b.minRetriesPerSecond() == null ? 0 : b.minRetriesPerSecond(),
                retry.backoffMillis() == null ? 0 : retry.backoffMillis());
    }

    boolean tryRetry(Cluster cluster) {
        return budgetPercent < 0 ? cluster.tryRetry() : cluster.tryRetry(budgetPercent, this::floor);
    }

    /** Whether the per-second minimum still has room in the current second; takes one if so. */
    private boolean floor() {
        if (minPerSecond <= 0) {
            return false;
        }
        long now = System.nanoTime() / 1_000_000_000L;
        long current = second.get();
        if (current != now && second.compareAndSet(current, now)) {
            inSecond.set(0);
        }
        return inSecond.incrementAndGet() <= minPerSecond;
    }

    long backoffMillis(int retry) {
        if (backoffMillis <= 0) {
            return 0;
        }
        long low = Math.min(MAX_BACKOFF_MILLIS, backoffMillis << Math.min(Math.max(retry - 1, 0), 20));
        long high = Math.min(MAX_BACKOFF_MILLIS, low * 2);
        return high > low ? ThreadLocalRandom.current().nextLong(low, high) : low;
    }
}
