package io.dualmode.bench.bolt;

import com.alipay.remoting.BizContext;
import com.alipay.remoting.InvokeCallback;
import com.alipay.remoting.config.Configs;
import com.alipay.remoting.rpc.RpcClient;
import com.alipay.remoting.rpc.RpcServer;
import com.alipay.remoting.rpc.protocol.SyncUserProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A Bolt echo backend and a closed-loop and an open-loop (fixed-rate) Bolt load generator on the real SOFA Bolt
 * remoting ({@code com.alipay.sofa:bolt}, the one SOFARPC 5.13 uses), for {@code bench/sidecar-bolt-bench.sh}. Every
 * client thread shares the one connection Bolt keeps per address, as SOFARPC does.
 *
 * <pre>
 *   BoltBench server PORT                                  # echo byte[] requests until killed
 *   BoltBench client HOST:PORT THREADS WARMUP_S MEASURE_S   # prints: RESULT requests rps p50_us p99_us errors
 *   BoltBench rate HOST:PORT RPS WARMUP_S MEASURE_S         # prints: RESULT requests rps p50_us p99_us errors
 *                                                          #         p999_us max_us lag_p50_us lag_max_us
 * </pre>
 *
 * <p>{@code rate}: see {@link #rate}. {@code requests} are the calls due in the measure window that succeeded (the
 * latencies' count), {@code rps} the successful completions inside the window per second (below RPS when the path or
 * this client falls behind), {@code errors} the failed calls of the whole run (a timeout is one), and {@code lag_*} how
 * late the pacing thread sent its calls (its own share of the latencies).
 */
public final class BoltBench {

    private static final int PAYLOAD = 1024;
    private static final int TIMEOUT_MS = 5000;
    /** Calls of the fixed-rate mode before its clock starts; outside its counts, a few % of its run's requests. */
    private static final int WARM_CALLS = 500;

    private BoltBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("server")) {
            server(Integer.parseInt(args[1]));
        } else if (args.length == 5 && args[0].equals("client")) {
            client(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
        } else if (args.length == 5 && args[0].equals("rate")) {
            rate(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
        } else {
            System.err.println("usage: BoltBench server PORT | client HOST:PORT THREADS WARMUP_S MEASURE_S"
                    + " | rate HOST:PORT RPS WARMUP_S MEASURE_S");
            System.exit(2);
        }
    }

    private static void server(int port) throws InterruptedException {
        RpcServer server = new RpcServer("127.0.0.1", port, false);
        server.registerUserProcessor(new SyncUserProcessor<byte[]>() {
            @Override
            public Object handleRequest(BizContext context, byte[] request) {
                return request;
            }

            @Override
            public String interest() {
                return byte[].class.getName();
            }
        });
        server.startup(); // throws when it cannot listen
        System.out.println("ready " + port);
        new CountDownLatch(1).await();
    }

    private static void client(String address, int threads, int warmupSeconds, int measureSeconds)
            throws InterruptedException {
        RpcClient client = new RpcClient();
        client.startup();
        byte[] payload = new byte[PAYLOAD];
        AtomicLong errors = new AtomicLong();
        long warmEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
        long end = warmEnd + measureSeconds * 1_000_000_000L;
        List<Histogram> histograms = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Histogram h = new Histogram(60_000_000_000L, 3);
            histograms.add(h);
            Thread worker =
                    new Thread(() -> loop(client, address, payload, warmEnd, end, h, errors), "bolt-bench-" + t);
            workers.add(worker);
            worker.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        client.shutdown();
        Histogram all = new Histogram(60_000_000_000L, 3);
        histograms.forEach(all::add);
        System.out.printf(
                "RESULT %d %.0f %.1f %.1f %d%n",
                all.getTotalCount(),
                all.getTotalCount() / (double) measureSeconds,
                all.getValueAtPercentile(50) / 1000.0,
                all.getValueAtPercentile(99) / 1000.0,
                errors.get());
    }

    private static void loop(
            RpcClient client, String address, byte[] payload, long warmEnd, long end, Histogram h, AtomicLong errors) {
        for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
            try {
                byte[] reply = (byte[]) client.invokeSync(address, payload, TIMEOUT_MS);
                long done = System.nanoTime();
                if (reply.length != payload.length) {
                    errors.incrementAndGet();
                } else if (now >= warmEnd && done <= end) {
                    h.recordValue(done - now);
                }
            } catch (Exception e) {
                errors.incrementAndGet();
            }
        }
    }

    /**
     * Open loop: one pacing thread sends call {@code i} at {@code start + i / rps} without waiting for the replies, and
     * when it is late it sends at once, skipping nothing. A latency runs from the call's due time, not from when it was
     * sent, to its reply: a stall of this client or of the path then shows in the latencies of every call it delayed,
     * where a closed loop would just send fewer calls (coordinated omission). Only calls due in the measure window are
     * recorded; the outstanding ones are awaited for up to the timeout.
     */
    private static void rate(String address, int rps, int warmupSeconds, int measureSeconds)
            throws InterruptedException {
        // Bolt refuses a call outright ("maybe write overflow") while the connection's outbound buffer is above its
        // high watermark, 64 KiB by default: 64 calls. After a stall the pacing thread sends all the late calls at
        // once, and refusing them would drop exactly the slowest calls from the latencies: let them queue instead
        // (16 MiB, over 3 s of calls at 5000/s). Bolt reads these when the client starts.
        System.setProperty(Configs.NETTY_BUFFER_LOW_WATERMARK, Integer.toString(8 << 20));
        System.setProperty(Configs.NETTY_BUFFER_HIGH_WATERMARK, Integer.toString(16 << 20));
        RpcClient client = new RpcClient();
        client.startup();
        byte[] payload = new byte[PAYLOAD];
        long total = (long) rps * (warmupSeconds + measureSeconds);
        CountDownLatch outstanding = new CountDownLatch((int) total);
        Recorder latencies = new Recorder(60_000_000_000L, 3); // callbacks record from Bolt's threads
        Histogram lag = new Histogram(60_000_000_000L, 3); // the pacing thread's alone
        AtomicLong errors = new AtomicLong();
        AtomicLong inWindow = new AtomicLong();
        // connect and load the callback path before the clock starts: cold, its first calls are slow in this thread,
        // and the backlog they leave would still be draining when the measure window opens
        try {
            for (int i = 0; i < WARM_CALLS; i++) {
                CompletableFuture<Object> reply = new CompletableFuture<>();
                client.invokeWithCallback(
                        address,
                        payload,
                        new InvokeCallback() {
                            @Override
                            public void onResponse(Object result) {
                                reply.complete(result);
                            }

                            @Override
                            public void onException(Throwable e) {
                                reply.completeExceptionally(e);
                            }

                            @Override
                            public Executor getExecutor() {
                                return null;
                            }
                        },
                        TIMEOUT_MS);
                reply.get(TIMEOUT_MS + 1000L, TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            errors.incrementAndGet();
            System.err.println("first error: " + e);
        }
        long start = System.nanoTime() + 10_000_000L;
        long warmEnd = start + warmupSeconds * 1_000_000_000L;
        long end = warmEnd + measureSeconds * 1_000_000_000L;
        for (long i = 0; i < total; i++) {
            long due = start + i * 1_000_000_000L / rps;
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            long sent = System.nanoTime();
            lag.recordValue(Math.min(sent - due, lag.getHighestTrackableValue()));
            boolean counted = due >= warmEnd;
            InvokeCallback callback = new InvokeCallback() {
                @Override
                public void onResponse(Object reply) {
                    long done = System.nanoTime();
                    if (!(reply instanceof byte[] bytes) || bytes.length != payload.length) {
                        if (errors.getAndIncrement() == 0) {
                            System.err.println("first error: a wrong reply");
                        }
                    } else {
                        if (counted) {
                            latencies.recordValue(Math.min(done - due, 60_000_000_000L));
                        }
                        if (done >= warmEnd && done < end) {
                            inWindow.incrementAndGet();
                        }
                    }
                    outstanding.countDown();
                }

                @Override
                public void onException(Throwable e) {
                    if (errors.getAndIncrement() == 0) {
                        System.err.println("first error: " + e);
                    }
                    outstanding.countDown();
                }

                @Override
                public Executor getExecutor() {
                    return null; // run on Bolt's own thread: no hand-off between the reply and its timestamp
                }
            };
            try {
                client.invokeWithCallback(address, payload, callback, TIMEOUT_MS);
            } catch (Exception e) {
                if (errors.getAndIncrement() == 0) {
                    System.err.println("first error: " + e);
                }
                outstanding.countDown();
            }
        }
        if (!outstanding.await(TIMEOUT_MS + 1000L, TimeUnit.MILLISECONDS)) {
            errors.addAndGet(outstanding.getCount()); // never answered, not even with a timeout
        }
        client.shutdown();
        Histogram all = latencies.getIntervalHistogram();
        System.out.printf(
                "RESULT %d %.0f %.1f %.1f %d %.1f %.1f %.1f %.1f%n",
                all.getTotalCount(),
                inWindow.get() / (double) measureSeconds,
                all.getValueAtPercentile(50) / 1000.0,
                all.getValueAtPercentile(99) / 1000.0,
                errors.get(),
                all.getValueAtPercentile(99.9) / 1000.0,
                all.getMaxValue() / 1000.0,
                lag.getValueAtPercentile(50) / 1000.0,
                lag.getMaxValue() / 1000.0);
    }
}
