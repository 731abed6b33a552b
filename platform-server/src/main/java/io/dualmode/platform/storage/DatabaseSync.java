package io.dualmode.platform.storage;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * A round of work against the shared database, repeated every interval on a daemon thread of its own, by which the
 * platform instances sharing one database keep each other up to date. A round that fails is logged once, with its
 * code, until a round succeeds again (logged too); the next round simply tries again, so a database that comes back
 * needs nothing more.
 */
public final class DatabaseSync implements AutoCloseable {

    private final ScheduledExecutorService thread;
    private final Runnable round;
    private final Logger log;
    private final String failing;
    private final String recovered;
    private boolean down;

    private DatabaseSync(String name, Runnable round, Logger log, String failing, String recovered) {
        this.round = round;
        this.log = log;
        this.failing = failing;
        this.recovered = recovered;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts running {@code round} every {@code interval} (the first after one interval) on a thread named {@code
     * name}.
     *
     * @param failing logged at WARN with the exception appended ({@code ": " + e}) when a round fails after one that
     *     did not; starts with the log code
     * @param recovered logged at INFO when a round succeeds after one that failed
     */
    public static DatabaseSync every(
            Duration interval, String name, Runnable round, Logger log, String failing, String recovered) {
        DatabaseSync sync = new DatabaseSync(name, round, log, failing, recovered);
        long millis = Math.max(1, interval.toMillis());
        sync.thread.scheduleWithFixedDelay(sync::runQuietly, millis, millis, TimeUnit.MILLISECONDS);
        return sync;
    }

    private void runQuietly() {
        try {
            round.run();
            if (down) {
                down = false;
                log.info(recovered);
            }
        } catch (RuntimeException e) {
            if (!down) {
                down = true;
                log.warn("{}: {}", failing, e.toString());
            }
        }
    }

    /** Stops the rounds, interrupting one in progress; returns whether none is still running after {@code wait}. */
    public boolean stop(Duration wait) {
        thread.shutdownNow();
        try {
            return thread.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
