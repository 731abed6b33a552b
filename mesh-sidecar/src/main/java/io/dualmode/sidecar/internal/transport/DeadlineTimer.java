package io.dualmode.sidecar.internal.transport;

import io.netty.channel.EventLoop;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one timer a connection keeps for the deadlines of its requests. {@link #arm} re-arms it only for a deadline
 * earlier than the one it is set for; when it fires, the owner looks at its requests, times out the overdue ones and
 * arms it again for the earliest deadline left. Requests that end before their deadline cost nothing, where a timer
 * each would cost a scheduled task and its cancellation per request. Used only on the connection's event loop.
 */
public final class DeadlineTimer {
    private final Runnable onFire;
    private final Runnable task = this::fire;
    private ScheduledFuture<?> timer;
    /** When {@link #timer} fires ({@link System#nanoTime()}). */
    private long at;

    /** {@code onFire}: runs on the loop once a deadline the timer was armed for has come. */
    public DeadlineTimer(Runnable onFire) {
        this.onFire = onFire;
    }

    /** Makes sure the timer fires on {@code loop} by {@code deadline} ({@link System#nanoTime()}). */
    public void arm(EventLoop loop, long deadline) {
        if (timer != null && at - deadline <= 0) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        at = deadline;
        timer = loop.schedule(task, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Stops the timer (the connection is closed). */
    public void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void fire() {
        timer = null;
        onFire.run();
    }
}
