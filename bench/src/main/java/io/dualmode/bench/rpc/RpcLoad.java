package io.dualmode.bench.rpc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The two ways the RPC benches load a path, independent of the framework that makes the call: a closed loop (threads
 * calling back to back) and an open loop at a fixed rate. Both echo a {@value #PAYLOAD}-byte payload and count a reply
 * of another length as an error. Each returns the line the bench scripts parse:
 *
 * <pre>
 *   closed: RESULT requests rps p50_us p99_us errors
 *   open:   RESULT requests rps p50_us p99_us errors p999_us max_us lag_p50_us lag_max_us   (a line per path)
 * </pre>
 *
 * <p>{@code requests} are the calls of the measure window that succeeded (the latencies' count); {@code errors} the
 * failed calls of the whole run (a timeout is one). Open loop: {@code rps} is the successful completions inside the
 * window per second (below the rate when the path or this client falls behind), {@code lag_*} how late the pacing
 * thread sent its calls (its own share of the latencies).
 */
public final class RpcLoad {

    /** Request and reply size. */
    public static final int PAYLOAD = 1024;
    /** Per-call timeout the frameworks are configured with; the open loop waits this long (+1 s) for stragglers. */
    public static final int TIMEOUT_MS = 5000;
    /** Calls of the open loop before its clock starts; outside its counts, a few % of its run's requests. */
    private static final int WARM_CALLS = 500;

    private static final long HIGHEST = 60_000_000_000L;

    /** One blocking call: the reply. */
    @FunctionalInterface
    public interface SyncCall {
        byte[] call(byte[] payload) throws Exception;
    }

    /** One asynchronous call: a future completed (on the framework's thread, with no hand-off) with the reply. */
    @FunctionalInterface
    public interface AsyncCall {
        CompletableFuture<byte[]> call(byte[] payload);
    }

    private RpcLoad() {}

    /** {@code threads} threads call back to back for {@code warmupSeconds + measureSeconds}; the second part counts. */
    public static String closedLoop(SyncCall call, String name, int threads, int warmupSeconds, int measureSeconds)
            throws InterruptedException {
        byte[] payload = new byte[PAYLOAD];
        AtomicLong errors = new AtomicLong();
        long warmEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
        long end = warmEnd + measureSeconds * 1_000_000_000L;
        List<Histogram> histograms = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Histogram h = new Histogram(HIGHEST, 3);
            histograms.add(h);
            Thread worker = new Thread(() -> loop(call, payload, warmEnd, end, h, errors), name + "-" + t);
            workers.add(worker);
            worker.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        Histogram all = new Histogram(HIGHEST, 3);
        histograms.forEach(all::add);
        return String.format(
                "RESULT %d %.0f %.1f %.1f %d",
                all.getTotalCount(),
                all.getTotalCount() / (double) measureSeconds,
                all.getValueAtPercentile(50) / 1000.0,
                all.getValueAtPercentile(99) / 1000.0,
                errors.get());
    }

    private static void loop(SyncCall call, byte[] payload, long warmEnd, long end, Histogram h, AtomicLong errors) {
        for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
            try {
                byte[] reply = call.call(payload);
                long done = System.nanoTime();
                if (reply == null || reply.length != payload.length) {
                    firstError(errors, "a wrong reply");
                } else if (now >= warmEnd && done <= end) {
                    h.recordValue(done - now);
                }
            } catch (Exception e) {
                firstError(errors, e);
            }
        }
    }

    /**
     * Open loop: one pacing thread sends call {@code i} at {@code start + i / rps} without waiting for the replies, and
     * when it is late it sends at once, skipping nothing. A latency runs from the call's due time, not from when it was
     * sent, to its reply: a stall of this client or of the path then shows in the latencies of every call it delayed,
     * where a closed loop would just send fewer calls (coordinated omission). Only calls due in the measure window are
     * recorded; the outstanding ones are awaited for up to the timeout. Before the clock starts, {@value #WARM_CALLS}
     * calls one at a time connect and load the asynchronous path: cold, its first calls take milliseconds each in the
     * pacing thread, and the backlog they would leave would still be draining when the measure window opens. Then one
     * full collection empties the young generation, so that with the young generation the bench scripts give this
     * client (sized for the whole run's garbage) no collection of its own pauses the pacing thread or the replies
     * inside the run: a Dubbo or SOFARPC client allocates tens of KB per call, and one young collection of a large
     * young generation pauses it for 20-30 ms, which would be the p99 of every path alike.
     */
    public static String openLoop(AsyncCall call, int rps, int warmupSeconds, int measureSeconds)
            throws InterruptedException {
        return openLoop(List.of(call), rps, warmupSeconds, measureSeconds);
    }

    /**
     * {@link #openLoop(AsyncCall, int, int, int)} over several paths at once, each at {@code rps}, their calls
     * interleaved evenly (path {@code j}'s call {@code i} is due at {@code start + (i + j / n) / rps}); one RESULT line
     * per path, in order. The bench scripts run each proxied path together with the direct one: a stall of this
     * machine, of the pacing thread or of the shared backend then delays the calls of both alike, so the difference
     * between their percentiles is the path's own, where two separate runs differ by whatever stalls each happened to
     * meet (on a 2-core virtual machine, milliseconds at the p99).
     */
    public static String openLoop(List<AsyncCall> calls, int rps, int warmupSeconds, int measureSeconds)
            throws InterruptedException {
        byte[] payload = new byte[PAYLOAD];
        int n = calls.size();
        long perPath = (long) rps * (warmupSeconds + measureSeconds);
        Histogram lag = new Histogram(HIGHEST, 3); // the pacing thread's alone
        List<Recorder> latencies = new ArrayList<>(); // replies complete on the framework's threads
        List<AtomicLong> errors = new ArrayList<>();
        List<AtomicLong> inWindow = new ArrayList<>();
        List<CountDownLatch> outstanding = new ArrayList<>();
        for (AsyncCall call : calls) {
            AtomicLong failed = new AtomicLong();
            latencies.add(new Recorder(HIGHEST, 3));
            errors.add(failed);
            inWindow.add(new AtomicLong());
            outstanding.add(new CountDownLatch((int) perPath));
            try {
                for (int i = 0; i < WARM_CALLS; i++) {
                    send(call, payload).get(TIMEOUT_MS + 1000L, TimeUnit.MILLISECONDS);
                }
            } catch (Exception e) {
                firstError(failed, e);
            }
        }
        System.gc();
        long start = System.nanoTime() + 10_000_000L;
        long warmEnd = start + warmupSeconds * 1_000_000_000L;
        long end = warmEnd + measureSeconds * 1_000_000_000L;
        long perSecond = (long) rps * n;
        for (long k = 0; k < perPath * n; k++) {
            long due = start + k * 1_000_000_000L / perSecond;
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            lag.recordValue(Math.min(System.nanoTime() - due, HIGHEST));
            boolean counted = due >= warmEnd;
            int j = (int) (k % n);
            Recorder latency = latencies.get(j);
            AtomicLong failed = errors.get(j);
            AtomicLong answered = inWindow.get(j);
            CountDownLatch pending = outstanding.get(j);
            send(calls.get(j), payload).whenComplete((reply, e) -> {
                long done = System.nanoTime();
                if (e != null || reply == null || reply.length != payload.length) {
                    firstError(failed, e != null ? e : "a wrong reply");
                } else {
                    if (counted) {
                        latency.recordValue(Math.min(done - due, HIGHEST));
                    }
                    if (done >= warmEnd && done < end) {
                        answered.incrementAndGet();
                    }
                }
                pending.countDown();
            });
        }
        long deadline = System.nanoTime() + (TIMEOUT_MS + 1000L) * 1_000_000L;
        StringBuilder out = new StringBuilder();
        for (int j = 0; j < n; j++) {
            CountDownLatch pending = outstanding.get(j);
            pending.await(Math.max(deadline - System.nanoTime(), 0), TimeUnit.NANOSECONDS);
            Histogram all = latencies.get(j).getIntervalHistogram();
            out.append(j == 0 ? "" : "\n")
                    .append(String.format(
                            "RESULT %d %.0f %.1f %.1f %d %.1f %.1f %.1f %.1f",
                            all.getTotalCount(),
                            inWindow.get(j).get() / (double) measureSeconds,
                            all.getValueAtPercentile(50) / 1000.0,
                            all.getValueAtPercentile(99) / 1000.0,
                            errors.get(j).get() + pending.getCount(), // + never answered, not even with a timeout
                            all.getValueAtPercentile(99.9) / 1000.0,
                            all.getMaxValue() / 1000.0,
                            lag.getValueAtPercentile(50) / 1000.0,
                            lag.getMaxValue() / 1000.0));
        }
        return out.toString();
    }

    /** The call's future; a call that throws before it is sent is a failed future. */
    private static CompletableFuture<byte[]> send(AsyncCall call, byte[] payload) {
        try {
            return call.call(payload);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Counts an error; the first one of a run is printed. */
    private static void firstError(AtomicLong errors, Object what) {
        if (errors.getAndIncrement() == 0) {
            System.err.println("first error: " + what);
        }
    }
}
