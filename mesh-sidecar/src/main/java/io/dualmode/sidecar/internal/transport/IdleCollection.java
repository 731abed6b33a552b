package io.dualmode.sidecar.internal.transport;

import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.ref.WeakReference;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Young collections at moments when no request waits: a worker loop about to block for I/O, with no call in flight
 * anywhere in the sidecar, starts the young collection itself when the young generation is nearly full, instead of
 * leaving it to the allocation that fills it, which comes in the middle of requests and holds them all up for the
 * pause (0.4–0.6 ms with the launch script's serial collector: docs/benchmarks.md, "Young collections when idle").
 *
 * <p>Netty asks a loop's {@link SelectStrategy} before every wait for I/O; this one answers as Netty's default does
 * and, when the loop has no tasks left (it is about to block), first checks the young generation. The check costs a
 * read of the thread's allocation counter; the generation's occupancy is read (an MXBean call) only after the loop
 * allocated a step's worth since the last reading, or when the estimate comes near the reserve. Once the eden is
 * three-quarters full and no call is in flight, the loop looks again {@link #QUIET_NANOS} later: if it did nothing
 * meanwhile (its allocation counter did not move) and still no call is in flight, it was not a lull inside a burst of
 * calls, and it starts the collection by allocating small arrays until a weakly held object is cleared, so the next
 * young generation starts empty, as after any collection. It works with the collectors whose young generation is one
 * fixed eden (serial, parallel); with the others (G1, ZGC, Shenandoah) it stays off.
 */
public final class IdleCollection implements SelectStrategyFactory {
    /** Set to {@code false} to leave every young collection to the allocation that fills the young generation. */
    public static final String PROPERTY = "dualmode.sidecar.idleCollection";

    private static final Logger log = LoggerFactory.getLogger(IdleCollection.class);
    private static final SelectStrategy DEFAULT = DefaultSelectStrategyFactory.INSTANCE.newSelectStrategy();
    /** The arrays a collection is started with; they die at once. */
    private static final int CHUNK = 8192;
    /**
     * How long a loop must stay without work (it allocates nothing) and no call in flight before it starts a
     * collection: longer than the gaps inside a burst of calls (the time an upstream takes to answer a call on
     * loopback, or between the callers' requests of one burst), short against the gaps between bursts.
     */
    static final long QUIET_NANOS = TimeUnit.MICROSECONDS.toNanos(250);

    private final MemoryPoolMXBean eden;
    private final com.sun.management.ThreadMXBean threads;
    private final java.util.function.IntSupplier inFlight;
    private final AtomicLong started = new AtomicLong();
    /** Holds the last array {@link #collect} allocated, so that the allocation cannot be optimised away. */
    @SuppressWarnings("unused")
    private volatile Object sink;

    private IdleCollection(
            MemoryPoolMXBean eden, com.sun.management.ThreadMXBean threads, java.util.function.IntSupplier inFlight) {
        this.eden = eden;
        this.threads = threads;
        this.inFlight = inFlight;
    }

    /**
     * Collections when idle for the loops of one group, or null when they are turned off ({@link #PROPERTY}), this
     * JVM's collector has no fixed eden, or the allocation counters cannot be read. {@code inFlight}: the calls in
     * flight in the whole sidecar (a collection stops every loop).
     */
    public static IdleCollection create(java.util.function.IntSupplier inFlight) {
        if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) {
            return null;
        }
        try {
            if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)
                    || !threads.isThreadAllocatedMemorySupported()
                    || !threads.isThreadAllocatedMemoryEnabled()) {
                return null;
            }
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                String name = pool.getName();
                if (pool.getType() == MemoryType.HEAP && (name.equals("Eden Space") || name.equals("PS Eden Space"))) {
                    return new IdleCollection(pool, threads, inFlight);
                }
            }
        } catch (RuntimeException | LinkageError e) {
            log.debug("young collections when idle: off ({})", e.toString());
        }
        return null;
    }

    /** How many young collections the loops started when idle. */
    public long started() {
        return started.get();
    }

    @Override
    public SelectStrategy newSelectStrategy() {
        return new Loop();
    }

    /** The select strategy of one loop, called on that loop only. */
    private final class Loop implements SelectStrategy {
        /** The loop's allocation counter when the occupancy was last read; the free space and reserve read then. */
        private long allocatedAtReading = Long.MIN_VALUE;

        private long free;
        private long reserve;
        private long step;
        private boolean off;
        /** A {@link #quiet} check is scheduled; the loop's allocation counter when it was. */
        private boolean armed;

        private long allocatedAtArming;
        private EventExecutor loop;
        private final Runnable quietTask = this::quiet;

        @Override
        public int calculateStrategy(IntSupplier selectSupplier, boolean hasTasks) throws Exception {
            int strategy = DEFAULT.calculateStrategy(selectSupplier, hasTasks);
            if (strategy == SelectStrategy.SELECT && !off) {
                try {
                    idle();
                } catch (RuntimeException e) { // never fail the loop for this; an MXBean that cannot be read stays off
                    off = true;
                    log.warn("young collections when idle: off on this loop ({})", e.toString());
                }
            }
            return strategy;
        }

        /** The loop is about to wait for I/O. */
        private void idle() {
            long allocated = threads.getCurrentThreadAllocatedBytes();
            long since = allocated - allocatedAtReading;
            if (armed || (allocatedAtReading != Long.MIN_VALUE && since < step && free - since > reserve)) {
                return; // the common case: a counter read and two compares
            }
            read(allocated);
            if (free > reserve || inFlight.getAsInt() != 0) {
                return;
            }
            // not at once: a lull between the calls of one burst looks the same; wait for a quiet spell
            if (loop == null) {
                loop = ThreadExecutorMap.currentExecutor();
            }
            try {
                loop.schedule(quietTask, QUIET_NANOS, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                return; // the loop is shutting down
            }
            armed = true;
            allocatedAtArming = threads.getCurrentThreadAllocatedBytes();
        }

        /** {@link #QUIET_NANOS} after the loop found the eden nearly full with no call in flight. */
        private void quiet() {
            armed = false;
            try {
                long allocated = threads.getCurrentThreadAllocatedBytes();
                if (allocated != allocatedAtArming || inFlight.getAsInt() != 0) {
                    return; // the loop worked meanwhile, or calls came: its next idle moment arms again
                }
                read(allocated);
                if (free > reserve) {
                    return; // another loop collected meanwhile
                }
                collect();
                read(threads.getCurrentThreadAllocatedBytes());
            } catch (RuntimeException e) {
                off = true;
                log.warn("young collections when idle: off on this loop ({})", e.toString());
            }
        }

        private void read(long allocated) {
            MemoryUsage usage = eden.getUsage();
            long committed = usage.getCommitted();
            allocatedAtReading = allocated;
            free = committed - usage.getUsed();
            reserve = committed / 4;
            step = Math.max(CHUNK, committed / 16);
        }
    }

    /** Allocates until the next young collection has run: it clears the weak reference to an object just made. */
    private void collect() {
        WeakReference<Object> young = new WeakReference<>(new Object());
        MemoryUsage usage = eden.getUsage();
        long limit = 2 * Math.max(usage.getCommitted(), usage.getMax()) / CHUNK + 64;
        for (long i = 0; young.get() != null && i < limit; i++) {
            sink = new byte[CHUNK]; // one at a time: the collection finds at most one of them live
        }
        sink = null;
        if (young.get() == null) {
            started.incrementAndGet();
        }
    }
}
