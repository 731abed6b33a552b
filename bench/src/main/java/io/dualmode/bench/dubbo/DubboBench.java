package io.dualmode.bench.dubbo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.MetricsConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;

/**
 * A Dubbo echo backend and a closed-loop and an open-loop (fixed-rate) Dubbo load generator on real Dubbo 3.3
 * ({@code dubbo} protocol, hessian2), for {@code bench/sidecar-dubbo-bench.sh}. No registry: the client calls the
 * address it is given, as a mesh consumer calls the egress its sidecar hands it; every client thread shares the one
 * connection Dubbo keeps per address (its default, {@code shareconnections=1}). Run both with
 * {@code -Ddubbo.network.interface.ignored=<every non-loopback interface>}, or Dubbo swaps 127.0.0.1 for the machine's
 * address ({@code shared/protocols/dubbo.md} §8).
 *
 * <pre>
 *   DubboBench server PORT                                  # echo byte[] calls until killed
 *   DubboBench client HOST:PORT THREADS WARMUP_S MEASURE_S   # prints: RESULT requests rps p50_us p99_us errors
 *   DubboBench rate HOST:PORT RPS WARMUP_S MEASURE_S         # prints: RESULT requests rps p50_us p99_us errors
 *                                                           #         p999_us max_us lag_p50_us lag_max_us
 * </pre>
 *
 * <p>{@code rate}: see {@link #rate}. {@code requests} are the calls due in the measure window that succeeded (the
 * latencies' count), {@code rps} the successful completions inside the window per second (below RPS when the path or
 * this client falls behind), {@code errors} the failed calls of the whole run (a timeout is one), and {@code lag_*} how
 * late the pacing thread sent its calls (its own share of the latencies).
 */
public final class DubboBench {

    private static final int PAYLOAD = 1024;
    private static final int TIMEOUT_MS = 5000;
    /** Calls of the fixed-rate mode before its clock starts; outside its counts, a few % of its run's requests. */
    private static final int WARM_CALLS = 500;

    private DubboBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("server")) {
            server(Integer.parseInt(args[1]));
        } else if (args.length == 5 && args[0].equals("client")) {
            client(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
        } else if (args.length == 5 && args[0].equals("rate")) {
            rate(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
        } else {
            System.err.println("usage: DubboBench server PORT | client HOST:PORT THREADS WARMUP_S MEASURE_S"
                    + " | rate HOST:PORT RPS WARMUP_S MEASURE_S");
            System.exit(2);
        }
    }

    private static ApplicationConfig application(String name) {
        ApplicationConfig application = new ApplicationConfig(name);
        application.setQosEnable(false);
        return application;
    }

    private static void server(int port) throws InterruptedException {
        ProtocolConfig protocol = new ProtocolConfig("dubbo", port);
        protocol.setHost("127.0.0.1");
        ServiceConfig<Echo> service = new ServiceConfig<>();
        service.setInterface(Echo.class);
        service.setRef(new EchoImpl());
        // Dubbo's profiler filter records the caller's address, and for a loopback caller it looks up this host's own
        // address instead; with every other interface ignored (as the script runs it) that lookup fails and Dubbo logs
        // a stack trace for every call, which made the backend, not the paths under test, the bottleneck.
        service.setFilter("-profiler-server");
        DubboBootstrap.getInstance()
                .application(application("dubbo-bench-server"))
                .registry(new RegistryConfig(RegistryConfig.NO_AVAILABLE))
                .protocol(protocol)
                .service(service)
                .start(); // throws when it cannot listen
        System.out.println("ready " + port);
        new CountDownLatch(1).await();
    }

    private static ReferenceConfig<Echo> reference(String address) {
        ReferenceConfig<Echo> reference = new ReferenceConfig<>();
        reference.setInterface(Echo.class);
        reference.setUrl("dubbo://" + address + "/" + Echo.class.getName());
        reference.setTimeout(TIMEOUT_MS);
        reference.setRetries(0);
        reference.setCheck(false);
        return reference;
    }

    private static DubboBootstrap start(ReferenceConfig<Echo> reference) {
        // Dubbo's metrics collector tags its samples with this host's address, which it cannot find with every other
        // interface ignored: a few seconds after start it logs ~90 stack traces at once, inside the measured window.
        MetricsConfig metrics = new MetricsConfig();
        metrics.setEnableCollectorSync(false);
        return DubboBootstrap.getInstance()
                .application(application("dubbo-bench-client"))
                .metrics(metrics)
                .registry(new RegistryConfig(RegistryConfig.NO_AVAILABLE))
                .reference(reference)
                .start();
    }

    private static void client(String address, int threads, int warmupSeconds, int measureSeconds)
            throws InterruptedException {
        ReferenceConfig<Echo> reference = reference(address);
        DubboBootstrap bootstrap = start(reference);
        Echo echo = reference.get();
        byte[] payload = new byte[PAYLOAD];
        AtomicLong errors = new AtomicLong();
        long warmEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
        long end = warmEnd + measureSeconds * 1_000_000_000L;
        List<Histogram> histograms = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Histogram h = new Histogram(60_000_000_000L, 3);
            histograms.add(h);
            Thread worker = new Thread(() -> loop(echo, payload, warmEnd, end, h, errors), "dubbo-bench-" + t);
            workers.add(worker);
            worker.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        Histogram all = new Histogram(60_000_000_000L, 3);
        histograms.forEach(all::add);
        System.out.printf(
                "RESULT %d %.0f %.1f %.1f %d%n",
                all.getTotalCount(),
                all.getTotalCount() / (double) measureSeconds,
                all.getValueAtPercentile(50) / 1000.0,
                all.getValueAtPercentile(99) / 1000.0,
                errors.get());
        try {
            bootstrap.stop();
        } finally {
            System.exit(0); // Dubbo leaves non-daemon threads behind
        }
    }

    /** A named class, not a lambda: Dubbo generates a wrapper for the implementation's class. */
    public static final class EchoImpl implements Echo {
        @Override
        public byte[] echo(byte[] payload) {
            return payload;
        }

        @Override
        public CompletableFuture<byte[]> echoAsync(byte[] payload) {
            return CompletableFuture.completedFuture(payload);
        }
    }

    private static void loop(Echo echo, byte[] payload, long warmEnd, long end, Histogram h, AtomicLong errors) {
        for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
            try {
                byte[] reply = echo.echo(payload);
                long done = System.nanoTime();
                if (reply.length != payload.length) {
                    errors.incrementAndGet();
                } else if (now >= warmEnd && done <= end) {
                    h.recordValue(done - now);
                }
            } catch (RuntimeException e) {
                if (errors.getAndIncrement() == 0) {
                    System.err.println("first error: " + e);
                }
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
        ReferenceConfig<Echo> reference = reference(address);
        DubboBootstrap bootstrap = start(reference);
        Echo echo = reference.get();
        byte[] payload = new byte[PAYLOAD];
        long total = (long) rps * (warmupSeconds + measureSeconds);
        CountDownLatch outstanding = new CountDownLatch((int) total);
        Recorder latencies = new Recorder(60_000_000_000L, 3); // futures complete on Dubbo's threads
        Histogram lag = new Histogram(60_000_000_000L, 3); // the pacing thread's alone
        AtomicLong errors = new AtomicLong();
        AtomicLong inWindow = new AtomicLong();
        // connect and load the asynchronous path before the clock starts: cold, its first calls take milliseconds each
        // in this thread, and the backlog they leave would still be draining when the measure window opens
        try {
            for (int i = 0; i < WARM_CALLS; i++) {
                echo.echoAsync(payload).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
        } catch (RuntimeException | ExecutionException | TimeoutException e) {
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
            CompletableFuture<byte[]> reply;
            try {
                reply = echo.echoAsync(payload);
            } catch (RuntimeException e) {
                reply = CompletableFuture.failedFuture(e);
            }
            reply.whenComplete((bytes, e) -> {
                long done = System.nanoTime();
                if (e != null || bytes == null || bytes.length != payload.length) {
                    if (errors.getAndIncrement() == 0) {
                        System.err.println("first error: " + (e != null ? e : "a wrong reply"));
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
            });
        }
        if (!outstanding.await(TIMEOUT_MS + 1000L, TimeUnit.MILLISECONDS)) {
            errors.addAndGet(outstanding.getCount()); // never answered, not even with a timeout
        }
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
        try {
            bootstrap.stop();
        } finally {
            System.exit(0); // Dubbo leaves non-daemon threads behind
        }
    }
}
