package io.dualmode.sidecar.agent;

import io.dualmode.registry.RegistryServer;
import io.dualmode.registry.metrics.RegistryMetrics;
import io.dualmode.registry.naming.Instance;
import io.dualmode.registry.naming.ServiceKey;
import io.dualmode.registry.remote.ConnectionManager;
import io.dualmode.registry.remote.GrpcFrontend;
import io.dualmode.registry.remote.Payloads;
import io.dualmode.sidecar.Mode;
import io.dualmode.sidecar.ModeListener;
import io.dualmode.sidecar.ModeSwitch;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The sidecar's registry agent. The application's framework is pointed at {@link #localAddress()} as its Nacos server;
 * the agent relays to the real registry ({@code upstream}), publishing the sidecar's ingress for the application in
 * mesh mode and its real address in SDK mode, and answering subscriptions with the sidecar's egress in mesh mode and
 * the real providers in SDK mode. A mode switch re-publishes and re-pushes everything, with no restart, make-before-break:
 * subscribers are handed both modes' addresses for {@link Builder#switchOverlap(Duration)}, then the new mode's alone.
 */
public final class MeshAgent implements AutoCloseable, ModeListener {

    private static final Logger log = LoggerFactory.getLogger(MeshAgent.class);

    /** The default {@link Builder#switchOverlap(Duration)}. */
    public static final Duration DEFAULT_SWITCH_OVERLAP = Duration.ofSeconds(2);

    /** The Bolt egress port SOFARPC's mesh registry clients dial ({@code MeshConstants.TCP_PORT}). */
    public static final int DEFAULT_MESH_EGRESS_PORT = 12220;

    /** SOFARPC's default Bolt server port, where the mesh API assumes the application serves. */
    public static final int DEFAULT_SOFA_APPLICATION_PORT = 12200;

    /** SOFARPC's default Nacos namespace, where mesh API services are registered. */
    public static final String DEFAULT_SOFA_NAMESPACE = "sofa-rpc";

    /** How often the application behind the SOFA mesh API is checked, unless the builder says otherwise. */
    public static final Duration DEFAULT_MESH_API_LIVENESS_INTERVAL = Duration.ofSeconds(5);

    /** The largest {@link Builder#switchOverlap(Duration)}, in seconds. */
    public static final long MAX_OVERLAP_SECONDS = 60;

    private final Builder settings;
    private final Upstream upstream;
    private final Publications publications;
    private final Subscriptions subscriptions;
    private final ConnectionManager connections;
    private final GrpcFrontend grpc;
    private final ExecutorService executor;
    private final ScheduledExecutorService timer;
    private final MeshApiRoutes meshApi;
    private final SofaMeshApi sofaMeshApi;
    private DisposableServer http;
    private DisposableServer meshApiHttp;

    private MeshAgent(Builder b) {
        this.settings = b;
        Payloads payloads = new Payloads(RegistryServer.newObjectMapper());
        this.upstream = new Upstream(b.upstream, b.upstreamProperties);
        this.connections = new ConnectionManager(payloads);
        this.subscriptions = new Subscriptions(upstream, b.dataPlane, connections, payloads, b.mode::get);
        this.publications = new Publications(upstream, b.dataPlane, b.mode::get, subscriptions::overlapping);
        ConfigRelay config = new ConfigRelay(upstream, connections, payloads);
        connections.onClose(c -> {
            publications.connectionClosed(c.id());
            subscriptions.connectionClosed(c.id());
            config.connectionClosed(c.id());
        });
        LocalHandlers handlers = new LocalHandlers(publications, subscriptions, config, upstream, payloads.json());
        this.grpc = new GrpcFrontend(
                connections, handlers.all(), payloads, new RegistryMetrics(b.meterRegistry), 10 * 1024 * 1024);
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(4, 4, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(10_000), r -> {
            Thread t = new Thread(r, "dualmode-agent-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dualmode-agent-switch");
            t.setDaemon(true);
            return t;
        });
        SofaMeshApi.Settings sofa =
                new SofaMeshApi.Settings(b.meshApiNamespace, b.meshApiApplication, b.localHost, b.meshApiEgressPort);
        this.sofaMeshApi = new SofaMeshApi(
                publications,
                subscriptions,
                b.dataPlane,
                b.mode::get,
                payloads.json(),
                sofa,
                ns -> upstream.awaitConnected(ns, Duration.ofSeconds(10)),
                b.meterRegistry);
        this.meshApi = new MeshApiRoutes(sofaMeshApi, executor, b.meterRegistry);
    }

    /** A builder; {@code upstream} is the real registry's {@code serverAddr}. */
    public static Builder builder(String upstream, DataPlane dataPlane, ModeSwitch mode) {
        return new Builder(upstream, dataPlane, mode);
    }

    /** Binds the local endpoint and starts listening to mode switches. */
    public MeshAgent start() {
        int attempts = settings.localPort == 0 ? 20 : 1;
        for (int i = 1; ; i++) {
            try {
                int grpcPort = settings.localPort == 0 ? 0 : settings.localPort + RegistryServer.GRPC_PORT_OFFSET;
                grpc.start(new InetSocketAddress(settings.localHost, grpcPort), executor);
                http = HttpServer.create()
                        .host(settings.localHost)
                        .port(grpc.port() - RegistryServer.GRPC_PORT_OFFSET)
                        .route(r -> meshApi.install(r)
                                .get("/nacos/v1/ns/operator/metrics", (req, res) -> res.header(
                                                "Content-Type", "application/json")
                                        .sendString(Mono.just("{\"status\":\"UP\"}")))
                                .post(
                                        "/nacos/v1/auth/users/login",
                                        (req, res) -> res.header("Content-Type", "application/json")
                                                .sendString(
                                                        Mono.just(
                                                                "{\"accessToken\":\"sidecar\",\"tokenTtl\":18000,\"globalAdmin\":false}")))
                                .route(req -> true, (req, res) -> res.status(HttpResponseStatus.NOT_IMPLEMENTED)
                                        .sendString(Mono.just("caused: SIDECAR-0202: " + req.method() + " " + req.path()
                                                + " is not served by the sidecar's local registry endpoint;"
                                                + " call the registry directly"))))
                        .bindNow(Duration.ofSeconds(5));
                break;
            } catch (RuntimeException e) {
                grpc.close();
                if (i >= attempts) {
                    throw new IllegalStateException(
                            "SIDECAR-0203: cannot bind the local registry endpoint on " + settings.localHost + ":"
                                    + settings.localPort + " and +1000: " + e.getMessage(),
                            e);
                }
            }
        }
        if (settings.meshApiPort >= 0) {
            try {
                meshApiHttp = meshApi.bind(settings.localHost, settings.meshApiPort);
            } catch (RuntimeException e) {
                close();
                throw new IllegalStateException(
                        "SIDECAR-0203: cannot bind the SOFA mesh API on " + settings.localHost + ":"
                                + settings.meshApiPort + ": " + e.getMessage(),
                        e);
            }
        }
        settings.mode.addListener(this);
        executor.execute(this::warmUpstream);
        long liveness = settings.meshApiLivenessInterval.toMillis();
        if (liveness > 0) {
            // the check connects (blocking, up to a second): on the agent's workers, not the mode-switch timer
            timer.scheduleWithFixedDelay(
                    () -> executor.execute(sofaMeshApi::checkApplication), liveness, liveness, TimeUnit.MILLISECONDS);
        }
        log.info(
                "local registry endpoint on {} (gRPC {}), relaying to {}; mode switch overlap {} ms",
                localAddress(),
                grpc.port(),
                settings.upstream,
                settings.switchOverlap.toMillis());
        return this;
    }

    /**
     * Creates the upstream client of the default namespace in the background. Otherwise the application's first
     * request pays for loading nacos-client and connecting upstream while its own nacos-client waits (3 s by default):
     * on a busy machine that first registration or subscription timed out.
     */
    private void warmUpstream() {
        try {
            upstream.naming(ServiceKey.DEFAULT_NAMESPACE);
        } catch (RuntimeException e) {
            log.debug("warming the upstream registry client failed: {}", e.toString());
        }
    }

    /** {@code host:port} to give the application as its Nacos {@code serverAddr}. */
    public String localAddress() {
        return settings.localHost + ":" + http.port();
    }

    /**
     * {@code http://host:port} to give SOFARPC's {@code mesh} registry as its address: the dedicated mesh API port
     * when one is configured, else the local endpoint's HTTP port, which serves the mesh API too.
     */
    public String meshApiAddress() {
        return "http://" + settings.localHost + ":" + (meshApiHttp != null ? meshApiHttp.port() : http.port());
    }

    /** The gRPC port of the local endpoint. */
    public int localGrpcPort() {
        return grpc.port();
    }

    @Override
    public void modeChanged(Mode previous, Mode current) {
        executor.execute(() -> {
            // Make-before-break: both modes' addresses to the subscribers and upstream, the new mode's alone once the
            // overlap is over (republished off the timer's thread).
            subscriptions.switched(settings.switchOverlap, timer, () -> executor.execute(() -> republish(current)));
            republish(current);
        });
    }

    private void republish(Mode current) {
        try {
            publications.republishAll();
        } catch (RuntimeException e) {
            log.warn("SIDECAR-0204: republishing after the switch to {} failed", current.wireName(), e);
        }
    }

    /** Whether a switch's overlap is running: subscribers are handed both modes' addresses. */
    public boolean switchOverlapping() {
        return subscriptions.overlapping();
    }

    /** What is published upstream for the application now, by service. */
    public Map<ServiceKey, List<Instance>> published() {
        return publications.published();
    }

    /**
     * Subscribes upstream, once, to the application's own published services named {@code service}, so that the
     * proxy's cluster of that name lists the service's healthy instances (a cluster-scope rate limit is divided by
     * their number). Asynchronous, on the agent's executor; does nothing while the application has not published
     * {@code service} (the caller asks again later).
     */
    public void watchInstances(String service) {
        try {
            executor.execute(() -> {
                try {
                    publications.published().keySet().stream()
                            .filter(k -> k.name().equals(service))
                            .forEach(subscriptions::upstreamList);
                } catch (RuntimeException e) {
                    log.debug("subscribing to the instances of {} failed", service, e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.debug("the agent is closing; not subscribing to {}", service);
        }
    }

    /** How many application connections are set up. */
    public int applicationConnections() {
        return connections.registeredCount();
    }

    /** Whether the upstream registry clients are connected. */
    public boolean upstreamHealthy() {
        return upstream.healthy();
    }

    @Override
    public void close() {
        settings.mode.removeListener(this);
        if (meshApiHttp != null) {
            meshApiHttp.disposeNow(Duration.ofSeconds(3));
        }
        if (http != null) {
            http.disposeNow(Duration.ofSeconds(3));
        }
        grpc.close();
        subscriptions.close();
        timer.shutdownNow();
        upstream.close();
        executor.shutdownNow();
    }

    /** Settings of a {@link MeshAgent}. */
    public static final class Builder {
        private final String upstream;
        private final DataPlane dataPlane;
        private final ModeSwitch mode;
        private String localHost = "127.0.0.1";
        private int localPort = 8848;
        private Properties upstreamProperties = new Properties();
        private MeterRegistry meterRegistry = new SimpleMeterRegistry();
        private Duration switchOverlap = DEFAULT_SWITCH_OVERLAP;
        private int meshApiPort = -1;
        private int meshApiEgressPort = DEFAULT_MESH_EGRESS_PORT;
        private InetSocketAddress meshApiApplication =
                InetSocketAddress.createUnresolved("127.0.0.1", DEFAULT_SOFA_APPLICATION_PORT);
        private String meshApiNamespace = DEFAULT_SOFA_NAMESPACE;
        private Duration meshApiLivenessInterval = DEFAULT_MESH_API_LIVENESS_INTERVAL;

        private Builder(String upstream, DataPlane dataPlane, ModeSwitch mode) {
            this.upstream = Objects.requireNonNull(upstream, "upstream");
            this.dataPlane = Objects.requireNonNull(dataPlane, "dataPlane");
            this.mode = Objects.requireNonNull(mode, "mode");
        }

        /** Address of the local endpoint. Default {@code 127.0.0.1}. */
        public Builder localHost(String host) {
            this.localHost = Objects.requireNonNull(host, "host");
            return this;
        }

        /** HTTP port of the local endpoint; gRPC is this + 1000. {@code 0} picks a free pair. Default 8848. */
        public Builder localPort(int port) {
            this.localPort = port;
            return this;
        }

        /** Extra nacos-client properties for the upstream clients (e.g. {@code username}, {@code password}). */
        public Builder upstreamProperties(Properties properties) {
            this.upstreamProperties = Objects.requireNonNull(properties, "properties");
            return this;
        }

        /** Where the agent's meters go. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * How long after a mode switch subscribers are handed both modes' addresses (the old ones they are connected
         * to and the new ones) before the new ones alone: make-before-break for frameworks that drop a removed
         * address at once. {@code 0} pushes the new list at once. Default 2 s; at most {@value #MAX_OVERLAP_SECONDS} s.
         */
        public Builder switchOverlap(Duration overlap) {
            Objects.requireNonNull(overlap, "overlap");
            if (overlap.isNegative() || overlap.compareTo(Duration.ofSeconds(MAX_OVERLAP_SECONDS)) > 0) {
                throw new IllegalArgumentException("SIDECAR-0205: the switch overlap must be between 0 and "
                        + MAX_OVERLAP_SECONDS + "s, got " + overlap);
            }
            this.switchOverlap = overlap;
            return this;
        }

        /**
         * A port of its own for the SOFA mesh API (13330 by convention; {@code 0} picks one), on the local endpoint's
         * host. The API is served on the local endpoint's HTTP port in any case. Default {@code -1}: no port of its own.
         */
        public Builder meshApiPort(int port) {
            this.meshApiPort = checkPort(port, -1, "the mesh API port");
            return this;
        }

        /**
         * The port of the Bolt egress that SOFARPC's mesh registry clients dial, on the local endpoint's host: they
         * always dial 12220 (the default); {@code 0} picks a free one (tests).
         */
        public Builder meshApiEgressPort(int port) {
            this.meshApiEgressPort = checkPort(port, 0, "the mesh API Bolt egress port");
            return this;
        }

        /**
         * Where the application serves Bolt: mesh API publications carry no address, so ingress goes here and SDK mode
         * registers it. Default {@code 127.0.0.1:12200}, SOFARPC's default port.
         */
        public Builder meshApiApplication(String host, int port) {
            Objects.requireNonNull(host, "host");
            this.meshApiApplication =
                    InetSocketAddress.createUnresolved(host, checkPort(port, 1, "the application port"));
            return this;
        }

        /** The registry namespace of mesh API services; default {@code sofa-rpc}, SOFARPC's Nacos default. */
        public Builder meshApiNamespace(String namespace) {
            this.meshApiNamespace = Objects.requireNonNull(namespace, "namespace");
            return this;
        }

        /**
         * How often the sidecar checks that the application whose services the SOFA mesh API published still accepts
         * connections at its published address. After {@value SofaMeshApi#LIVENESS_FAILURES} failed checks in a row its
         * services are withdrawn from the registry (a killed application never calls {@code unpublish}), and published
         * again when it accepts connections again. Default 5 s; {@code 0} turns the check off.
         */
        public Builder meshApiLivenessInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative()) {
                throw new IllegalArgumentException(
                        "SIDECAR-0003: the mesh API liveness interval must not be negative, got " + interval);
            }
            this.meshApiLivenessInterval = interval;
            return this;
        }

        private static int checkPort(int port, int min, String what) {
            if (port < min || port > 65_535) {
                throw new IllegalArgumentException(
                        "SIDECAR-0003: " + what + " must be between " + min + " and 65535, got " + port);
            }
            return port;
        }

        /** The agent, not yet started. */
        public MeshAgent build() {
            return new MeshAgent(this);
        }
    }
}
