package io.dualmode.sidecar.internal.governance;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket for a rate limit with a {@code burst}: it refills at {@code qps} tokens a second up to {@code qps +
 * burst}, so after a quiet spell {@code qps + burst} calls pass at once and then {@code qps} a second. Lock-free
 * (tokens in millionths and the last refill time in two atomics, updated by compare-and-set), so every event loop
 * may take from it at once.
 */
final class BurstBucket {

    private static final long SCALE = 1_000_000L;

    private final long capacity;
    /** Millionths of a token gained per nanosecond. */
    private final double refillPerNano;

    private final AtomicLong tokens;
    private final AtomicLong refilledAt;

    BurstBucket(double qps, int burst) {
        this.capacity = (long) Math.ceil((qps + burst) * SCALE);
        this.refillPerNano = qps * SCALE / 1_000_000_000.0;
        this.tokens = new AtomicLong(capacity);
        this.refilledAt = new AtomicLong(System.nanoTime());
    }

    /** Takes one token if there is one. */
    boolean tryAcquire() {
        refill(System.nanoTime());
        while (true) {
            long t = tokens.get();
            if (t < SCALE) {
                return false;
            }
            if (tokens.compareAndSet(t, t - SCALE)) {
                return true;
            }
        }
    }

    private void refill(long now) {
        long last = refilledAt.get();
        long elapsed = now - last;
        if (elapsed <= 0) {
            return;
        }
        long add = (long) (elapsed * refillPerNano);
        if (add <= 0 || !refilledAt.compareAndSet(last, now)) {
            return; // too soon to add a millionth, or another thread refilled for this interval
        }
        while (true) {
            long t = tokens.get();
            long next = Math.min(capacity, t + add);
            if (next == t || tokens.compareAndSet(t, next)) {
                return;
            }
        }
    }
}
