package io.dualmode.bench.dubbo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;

/**
 * A Dubbo echo backend and a closed-loop Dubbo load generator on real Dubbo 3.3 ({@code dubbo} protocol, hessian2), for
 * {@code bench/sidecar-dubbo-bench.sh}. No registry: the client calls the address it is given, as a mesh consumer calls
 * the egress its sidecar hands it; every client thread shares the one connection Dubbo keeps per address (its default,
 * {@code shareconnections=1}). Run both with {@code -Ddubbo.network.interface.ignored=<every non-loopback interface>},
 * or Dubbo swaps 127.0.0.1 for the machine's address ({@code shared/protocols/dubbo.md} §8).
 *
 * <pre>
 *   DubboBench server PORT                                  # echo byte[] calls until killed
 *   DubboBench client HOST:PORT THREADS WARMUP_S MEASURE_S   # prints: RESULT requests rps p50_us p99_us errors
 * </pre>
 */
public final class DubboBench {

    private static final int PAYLOAD = 1024;
    private static final int TIMEOUT_MS = 5000;

    private DubboBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("server")) {
            server(Integer.parseInt(args[1]));
        } else if (args.length == 5 && args[0].equals("client")) {
            client(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
        } else {
            System.err.println("usage: DubboBench server PORT | client HOST:PORT THREADS WARMUP_S MEASURE_S");
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

    private static void client(String address, int threads, int warmupSeconds, int measureSeconds)
            throws InterruptedException {
        ReferenceConfig<Echo> reference = new ReferenceConfig<>();
        reference.setInterface(Echo.class);
        reference.setUrl("dubbo://" + address + "/" + Echo.class.getName());
        reference.setTimeout(TIMEOUT_MS);
        reference.setRetries(0);
        reference.setCheck(false);
        DubboBootstrap bootstrap = DubboBootstrap.getInstance()
                .application(application("dubbo-bench-client"))
                .registry(new RegistryConfig(RegistryConfig.NO_AVAILABLE))
                .reference(reference)
                .start();
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
}
