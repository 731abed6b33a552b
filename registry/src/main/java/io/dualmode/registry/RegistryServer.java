package io.dualmode.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualmode.registry.config.ConfigService;
import io.dualmode.registry.http.HttpFrontend;
import io.dualmode.registry.metrics.RegistryMetrics;
import io.dualmode.registry.naming.NamingService;
import io.dualmode.registry.remote.ConfigPushService;
import io.dualmode.registry.remote.ConnectionManager;
import io.dualmode.registry.remote.GrpcFrontend;
import io.dualmode.registry.remote.NamingPushService;
import io.dualmode.registry.remote.Payloads;
import io.dualmode.registry.remote.RegistryHandlers;
import io.dualmode.registry.storage.Storage;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry, embeddable: HTTP open API on {@link #port()}, gRPC on {@code port() + 1000} (the offset Nacos clients
 * assume), naming and config held in memory with persistent data under the data directory.
 *
 * <pre>{@code
 * RegistryServer registry = RegistryServer.builder().host("127.0.0.1").port(0).dataDir(dir).build().start();
 * String serverAddr = registry.address(); // for nacos-client
 * registry.close();
 * }</pre>
 */
public final class RegistryServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RegistryServer.class);
    /** The offset from the HTTP port to the gRPC port that Nacos clients assume. */
    public static final int GRPC_PORT_OFFSET = 1000;

    private final Builder settings;
    private final ObjectMapper json = newObjectMapper();
    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RegistryMetrics metrics = new RegistryMetrics(prometheus);
    private Storage storage;
    private NamingService naming;
    private ConfigService config;
    private ConnectionManager connections;
    private NamingPushService push;
    private GrpcFrontend grpc;
    private HttpFrontend http;
    private ScheduledExecutorService scheduler;
    private ExecutorService executor;
    private volatile boolean started;

    private RegistryServer(Builder settings) {
        this.settings = settings;
    }

    /** A builder with the defaults of a standalone registry: {@code 0.0.0.0:8848}, in memory. */
    public static Builder builder() {
        return new Builder();
    }

    /** The JSON mapper the Nacos protocol needs: absent fields left out, unknown fields ignored. */
    public static ObjectMapper newObjectMapper() {
        return new ObjectMapper()
                .setSerializationInclusion(JsonInclude.Include.NON_NULL)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    /** Opens storage, binds both ports and starts serving; returns this server. */
    public synchronized RegistryServer start() {
        if (started) {
            return this;
        }
        storage = settings.dataDir == null ? Storage.inMemory() : Storage.open(settings.dataDir);
        naming = new NamingService(storage, json);
        config = new ConfigService(storage, json);
        scheduler = new ScheduledThreadPoolExecutor(2, daemonThreads("dualmode-registry-timer"));
        executor = new ThreadPoolExecutor(
                settings.workerThreads,
                settings.workerThreads,
                60,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(10_000),
                daemonThreads("dualmode-registry-worker"));
        Payloads payloads = new Payloads(json);
        connections = new ConnectionManager(payloads);
        connections.onClose(c -> naming.connectionClosed(c.id()));
        push = new NamingPushService(
                naming,
                connections,
                payloads,
                metrics,
                scheduler,
                settings.pushDelay,
                Duration.ofSeconds(3),
                Duration.ofSeconds(1));
        naming.addListener(push);
        new ConfigPushService(
                config, connections, payloads, metrics, scheduler, Duration.ofSeconds(3), Duration.ofSeconds(1));
        RegistryHandlers handlers = new RegistryHandlers(naming, push, config, json);
        registerGauges();
        bind(payloads, handlers);
        connections.startDetection(scheduler, settings.detectionIdle, Duration.ofSeconds(5), Duration.ofSeconds(3));
        scheduler.scheduleWithFixedDelay(() -> naming.expireBeats(15_000, 30_000), 5, 5, TimeUnit.SECONDS);
        started = true;
        log.info(
                "Registry listening on {} (HTTP) and {} (gRPC), data {}",
                address(),
                grpc.port(),
                settings.dataDir == null ? "in memory" : settings.dataDir);
        return this;
    }

    private void bind(Payloads payloads, RegistryHandlers handlers) {
        int attempts = settings.port == 0 ? 20 : 1;
        for (int i = 1; ; i++) {
            grpc = new GrpcFrontend(connections, handlers.all(), payloads, metrics, settings.maxRequestBytes);
            try {
                int grpcPort = settings.port == 0 ? 0 : settings.port + GRPC_PORT_OFFSET;
                grpc.start(new InetSocketAddress(settings.host, grpcPort), executor);
                int httpPort = grpc.port() - GRPC_PORT_OFFSET;
                if (httpPort <= 1024) {
                    throw new UncheckedIOException(new java.io.IOException("no HTTP port below " + grpc.port()));
                }
                http = new HttpFrontend(naming, config, prometheus, json, settings.maxRequestBytes)
                        .start(new InetSocketAddress(settings.host, httpPort));
                return;
            } catch (RuntimeException e) {
                grpc.close();
                if (i >= attempts) {
                    throw new IllegalStateException(
                            "REGISTRY-0001: cannot bind ports " + settings.port + " and " + (settings.port + 1000)
                                    + " on " + settings.host + ": " + e.getMessage(),
                            e);
                }
            }
        }
    }

    private void registerGauges() {
        metrics.gauge("registry.connections", "Registered client connections", () -> connections.registeredCount());
        metrics.gauge("registry.services", "Services known", () -> naming.serviceCount());
        metrics.gauge("registry.instances", "Instances held", () -> naming.instanceCount());
        metrics.gauge("registry.subscribers", "Subscriptions", () -> push.subscriberCount());
        metrics.gauge("registry.configs", "Config items stored", () -> config.size());
    }

    /** The HTTP port (the one clients are configured with). */
    public int port() {
        return http.port();
    }

    /** The gRPC port, {@code port() + 1000}. */
    public int grpcPort() {
        return grpc.port();
    }

    /** {@code host:port}, what a Nacos client takes as {@code serverAddr}. */
    public String address() {
        return settings.host + ":" + port();
    }

    /** The naming model, for embedding applications. */
    public NamingService naming() {
        return naming;
    }

    /** The config store, for embedding applications. */
    public ConfigService config() {
        return config;
    }

    /** The client connections. */
    public ConnectionManager connections() {
        return connections;
    }

    /** Subscriptions and pushes. */
    public NamingPushService subscriptions() {
        return push;
    }

    /** The Prometheus registry holding every meter of this server. */
    public PrometheusMeterRegistry meterRegistry() {
        return prometheus;
    }

    /**
     * Stops gracefully: stops pushing (so clients that leave first are not pushed as removed to the others), asks every
     * client to reconnect elsewhere and waits briefly for them to leave, then closes the ports and storage.
     */
    @Override
    public synchronized void close() {
        if (!started) {
            return;
        }
        started = false;
        push.stop();
        connections.resetAll(null, null, settings.drainTimeout);
        http.close();
        grpc.close();
        scheduler.shutdownNow();
        executor.shutdownNow();
        storage.close();
        prometheus.close();
        log.info("Registry on {} stopped", settings.host);
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Settings of a {@link RegistryServer}. */
    public static final class Builder {
        private String host = "0.0.0.0";
        private int port = 8848;
        private Path dataDir;
        private Duration pushDelay = Duration.ofMillis(10);
        private Duration detectionIdle = Duration.ofSeconds(20);
        private Duration drainTimeout = Duration.ofSeconds(3);
        private int maxRequestBytes = 10 * 1024 * 1024;
        private int workerThreads = Math.max(8, Runtime.getRuntime().availableProcessors() * 4);

        private Builder() {}

        /** The address to bind. Default {@code 0.0.0.0}. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The HTTP port; gRPC binds {@code port + 1000}. {@code 0} picks a free pair. Default 8848. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535 - GRPC_PORT_OFFSET) {
                throw new IllegalArgumentException(
                        "REGISTRY-0004: port " + port + " is out of range, expected 0.." + (65_535 - GRPC_PORT_OFFSET));
            }
            this.port = port;
            return this;
        }

        /** Where persistent instances, service metadata and config are kept; none keeps them in memory. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** How long a change waits for more changes before it is pushed. Default 10 ms. */
        public Builder pushDelay(Duration pushDelay) {
            this.pushDelay = Objects.requireNonNull(pushDelay, "pushDelay");
            return this;
        }

        /** How long a connection may be idle before the server checks it is still there. Default 20 s. */
        public Builder detectionIdle(Duration detectionIdle) {
            this.detectionIdle = Objects.requireNonNull(detectionIdle, "detectionIdle");
            return this;
        }

        /** How long {@link #close()} waits for clients to move away. Default 3 s. */
        public Builder drainTimeout(Duration drainTimeout) {
            this.drainTimeout = Objects.requireNonNull(drainTimeout, "drainTimeout");
            return this;
        }

        /** The largest request body accepted, gRPC or HTTP. Default 10 MiB. */
        public Builder maxRequestBytes(int maxRequestBytes) {
            if (maxRequestBytes < 1024) {
                throw new IllegalArgumentException("REGISTRY-0004: maxRequestBytes must be at least 1024");
            }
            this.maxRequestBytes = maxRequestBytes;
            return this;
        }

        /** Threads that run client requests. */
        public Builder workerThreads(int workerThreads) {
            if (workerThreads < 1) {
                throw new IllegalArgumentException("REGISTRY-0004: workerThreads must be at least 1");
            }
            this.workerThreads = workerThreads;
            return this;
        }

        /** A server with these settings, not yet started. */
        public RegistryServer build() {
            return new RegistryServer(this);
        }
    }
}
