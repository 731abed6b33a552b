package io.dualmode.bench.dubbo;

import io.dualmode.bench.rpc.RpcLoad;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
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
 *   DubboBench rate HOST:PORT[,...] RPS WARMUP_S MEASURE_S   # prints: RESULT requests rps p50_us p99_us errors
 *                                                           #         p999_us max_us lag_p50_us lag_max_us
 *                                                           #         (a line per address, interleaved)
 * </pre>
 *
 * <p>The loops and their output: {@link RpcLoad}.
 */
public final class DubboBench {

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
                    + " | rate HOST:PORT[,HOST:PORT] RPS WARMUP_S MEASURE_S");
            System.exit(2);
        }
    }

    private static ApplicationConfig application(String name) {
        ApplicationConfig application = new ApplicationConfig(name);
        application.setQosEnable(false);
        return application;
    }

    /** How many paths a fixed-rate run can load together: the backend exports the echo in that many groups too. */
    private static final int RATE_PATHS = 2;

    private static void server(int port) throws InterruptedException {
        ProtocolConfig protocol = new ProtocolConfig("dubbo", port);
        protocol.setHost("127.0.0.1");
        DubboBootstrap bootstrap = DubboBootstrap.getInstance()
                .application(application("dubbo-bench-server"))
                .registry(new RegistryConfig(RegistryConfig.NO_AVAILABLE))
                .protocol(protocol)
                .service(service(null));
        for (int j = 0; j < RATE_PATHS; j++) {
            bootstrap.service(service(rateGroup(j)));
        }
        bootstrap.start(); // throws when it cannot listen
        System.out.println("ready " + port);
        new CountDownLatch(1).await();
    }

    private static ServiceConfig<Echo> service(String group) {
        ServiceConfig<Echo> service = new ServiceConfig<>();
        service.setInterface(Echo.class);
        service.setGroup(group);
        service.setRef(new EchoImpl());
        // Dubbo's profiler filter records the caller's address, and for a loopback caller it looks up this host's own
        // address instead; with every other interface ignored (as the script runs it) that lookup fails and Dubbo logs
        // a stack trace for every call, which made the backend, not the paths under test, the bottleneck.
        service.setFilter("-profiler-server");
        return service;
    }

    /**
     * The group of a fixed-rate run's {@code j}th path. Dubbo allows one reference per interface, group and version in
     * an application, so paths loaded together differ by group, all of them: references in separate applications are
     * not set up alike (two references to one address measured 0.4 ms apart at the median that way).
     */
    private static String rateGroup(int j) {
        return "rate" + j;
    }

    private static ReferenceConfig<Echo> reference(String address) {
        ReferenceConfig<Echo> reference = new ReferenceConfig<>();
        reference.setInterface(Echo.class);
        reference.setUrl("dubbo://" + address + "/" + Echo.class.getName());
        reference.setTimeout(RpcLoad.TIMEOUT_MS);
        reference.setRetries(0);
        reference.setCheck(false);
        return reference;
    }

    private static DubboBootstrap start(ReferenceConfig<Echo> reference) {
        return start(List.of(reference));
    }

    private static DubboBootstrap start(List<ReferenceConfig<Echo>> references) {
        // Dubbo's metrics collector tags its samples with this host's address, which it cannot find with every other
        // interface ignored: a few seconds after start it logs ~90 stack traces at once, inside the measured window.
        MetricsConfig metrics = new MetricsConfig();
        metrics.setEnableCollectorSync(false);
        return DubboBootstrap.getInstance()
                .application(application("dubbo-bench-client"))
                .metrics(metrics)
                .registry(new RegistryConfig(RegistryConfig.NO_AVAILABLE))
                .references(new ArrayList<>(references))
                .start();
    }

    private static void client(String address, int threads, int warmupSeconds, int measureSeconds)
            throws InterruptedException {
        ReferenceConfig<Echo> reference = reference(address);
        DubboBootstrap bootstrap = start(reference);
        Echo echo = reference.get();
        System.out.println(RpcLoad.closedLoop(echo::echo, "dubbo-bench", threads, warmupSeconds, measureSeconds));
        stop(bootstrap);
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

    /**
     * {@link RpcLoad#openLoop} with {@link Echo#echoAsync} over one or more comma-separated addresses (paths run
     * together, their calls interleaved; path {@code j} calls the echo of group {@link #rateGroup}): Dubbo completes the
     * future on its own thread.
     */
    private static void rate(String addresses, int rps, int warmupSeconds, int measureSeconds)
            throws InterruptedException {
        String[] each = addresses.split(",");
        if (each.length > RATE_PATHS) {
            throw new IllegalArgumentException("at most " + RATE_PATHS + " addresses");
        }
        List<ReferenceConfig<Echo>> references = new ArrayList<>();
        for (int j = 0; j < each.length; j++) {
            ReferenceConfig<Echo> reference = reference(each[j]);
            reference.setGroup(rateGroup(j));
            references.add(reference);
        }
        DubboBootstrap bootstrap = start(references);
        List<RpcLoad.AsyncCall> calls = new ArrayList<>();
        for (ReferenceConfig<Echo> reference : references) {
            Echo echo = reference.get();
            calls.add(echo::echoAsync);
        }
        System.out.println(RpcLoad.openLoop(calls, rps, warmupSeconds, measureSeconds));
        stop(bootstrap);
    }

    private static void stop(DubboBootstrap bootstrap) {
        try {
            bootstrap.stop();
        } finally {
            System.exit(0); // Dubbo leaves non-daemon threads behind
        }
    }
}
