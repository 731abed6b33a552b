package io.dualmode.sidecar;

import io.dualmode.sidecar.cluster.ClusterManager;
import io.dualmode.sidecar.cluster.Endpoint;
import io.dualmode.sidecar.config.ClusterConfig;
import io.dualmode.sidecar.config.ListenerConfig;
import io.dualmode.sidecar.config.LocalServiceConfig;
import io.dualmode.sidecar.config.SidecarConfig;
import io.dualmode.sidecar.control.ControlPlaneClient;
import io.dualmode.sidecar.control.ControlPlanes;
import io.dualmode.sidecar.control.Governance;
import io.dualmode.sidecar.internal.admin.AdminServer;
import io.dualmode.sidecar.internal.h2.H2Listener;
import io.dualmode.sidecar.internal.http1.Http1Listener;
import io.dualmode.sidecar.internal.metrics.SidecarMetrics;
import io.dualmode.sidecar.internal.tcp.TcpListener;
import io.dualmode.sidecar.internal.transport.IdleCollection;
import io.dualmode.sidecar.internal.transport.ListenerRuntime;
import io.dualmode.sidecar.internal.transport.Listeners;
import io.dualmode.sidecar.internal.transport.NettyHealthProber;
import io.dualmode.sidecar.internal.transport.ProxyRuntime;
import io.dualmode.sidecar.internal.transport.Router;
import io.dualmode.sidecar.internal.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.DefaultSelectStrategyFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running sidecar: listeners, clusters and the admin endpoint. Build it from a {@link
 * SidecarConfig}, {@link #start()} it, feed {@link #clusters()} from the registry, watch {@link
 * #mode()}, and {@link #stop()} it (a graceful drain).
 */
public final class Sidecar implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Sidecar.class);

    private final AtomicReference<SidecarConfig> config;
    private final SidecarMetrics metrics = new SidecarMetrics();
    private final io.dualmode.sidecar.internal.metrics.TrafficReporter traffic =
            new io.dualmode.sidecar.internal.metrics.TrafficReporter(metrics);
    private final ModeSwitch mode;
    private final io.dualmode.sidecar.internal.rpc.RouteTable rpcRoutes =
            new io.dualmode.sidecar.internal.rpc.RouteTable();
    private final io.dualmode.sidecar.protocol.ProtocolRegistry protocols =
            io.dualmode.sidecar.protocol.ProtocolRegistry.load(Sidecar.class.getClassLoader());
    private final Map<String, Channel> listeners = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, ListenerConfig> listenerConfigs =
            java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, InetSocketAddress> exposed = new java.util.concurrent.ConcurrentSkipListMap<>();
    private ScheduledExecutorService timers;
    private Transport transport;
    private IdleCollection idleCollection;
    private ClusterManager clusters;
    private ProxyRuntime runtime;
    private AdminServer admin;
    private Governance governance;
    private volatile java.util.function.Consumer<String> instanceWatcher;
    private volatile ControlPlaneClient controlPlane;
    private volatile boolean ready;

    private Sidecar(SidecarConfig config, Mode initialMode) {
        this.config = new AtomicReference<>(config);
        this.mode = new ModeSwitch(initialMode);
    }

    /** A sidecar for {@code config}, in mesh mode, not yet started. */
    public static Sidecar create(SidecarConfig config) {
        return new Sidecar(config, Mode.MESH);
    }

    /** A sidecar for {@code config} starting in {@code mode}, not yet started. */
    public static Sidecar create(SidecarConfig config, Mode mode) {
        return new Sidecar(config, mode);
    }

    /** Binds every listener and the admin endpoint; returns when they accept connections. */
    public synchronized Sidecar start() {
        SidecarConfig c = config.get();
        timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dualmode-sidecar-timer");
            t.setDaemon(true);
            return t;
        });
        idleCollection = IdleCollection.create(this::inFlight);
        transport = Transport.create(
                "dualmode-sidecar",
                c.workers(),
                idleCollection != null ? idleCollection : DefaultSelectStrategyFactory.INSTANCE);
        if (idleCollection != null) {
            metrics.functionCounter("sidecar.jvm.idle_collections", idleCollection, IdleCollection::started);
        }
        clusters = new ClusterManager(metrics, timers, c.clusterDefaults(), new NettyHealthProber(transport));
        governance = new Governance(c.governance(), this::healthyInstances);
        governance.onOutliers(clusters::ruleOutliers);
        Governance g = governance;
        timers.scheduleWithFixedDelay(() -> refreshShares(g), 1, 1, TimeUnit.SECONDS);
        runtime = new ProxyRuntime(transport, clusters, metrics, g::snapshot);
        c.clusters().forEach(clusters::put);
        c.services().forEach(this::addLocalService);
        CompletableFuture<AdminServer> adminStart = startAdmin(c);
        try {
            c.listeners().forEach(this::bind);
            admin = adminStart.join();
        } catch (CompletionException e) {
            shutdown(Duration.ofSeconds(1));
            throw e.getCause() instanceof RuntimeException re ? re : e;
        } catch (RuntimeException e) {
            admin = adminStart.exceptionally(x -> null).join();
            shutdown(Duration.ofSeconds(1));
            throw e;
        }
        ready = true;
        if (c.controlPlane().enabled()) {
            controlPlane = ControlPlanes.client(this, c).start();
            reportTraffic(controlPlane, c.controlPlane().reportInterval());
        }
        log.info(
                "sidecar ready {} ms after JVM start: listeners {}, admin {}, native transport {}",
                java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime(),
                listenerAddresses(),
                adminAddress(),
                transport.nativeTransport());
        return this;
    }

    /**
     * Every {@code interval}, sends the traffic since the previous report on the push stream; what happens while the
     * stream is down is dropped, so each report covers one interval.
     */
    private void reportTraffic(ControlPlaneClient client, Duration interval) {
        long millis = interval.toMillis();
        timers.scheduleAtFixedRate(
                () -> {
                    try {
                        io.dualmode.governance.push.LoadReport report = traffic.next();
                        if (report != null && client.connected()) {
                            client.report(report);
                        }
                    } catch (RuntimeException e) {
                        log.warn("load report failed: {}", e.toString());
                    }
                },
                millis,
                millis,
                TimeUnit.MILLISECONDS);
    }

    /** Starts the admin endpoint on its own thread, so its start-up overlaps binding the listeners. */
    private CompletableFuture<AdminServer> startAdmin(SidecarConfig c) {
        if (c.admin().port() < 0) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<AdminServer> f = new CompletableFuture<>();
        Thread t = new Thread(
                () -> {
                    try {
                        f.complete(AdminServer.start(this, c.admin(), metrics, clusters, runtime));
                    } catch (RuntimeException e) {
                        f.completeExceptionally(e);
                    }
                },
                "dualmode-sidecar-admin-start");
        t.setDaemon(true);
        t.start();
        return f;
    }

    private void addLocalService(LocalServiceConfig s) {
        clusters.put(config.get().clusterDefaults().toBuilder()
                .name(Router.INBOUND_PREFIX + s.name())
                .endpoints(List.of(Endpoint.of(s.address(), s.port())))
                .build());
    }

    private void bind(ListenerConfig l) {
        ListenerRuntime lr =
                new ListenerRuntime(l, new Router(clusters, l), metrics.listener(l.name()), config::get, runtime);
        ChannelHandler init =
                switch (l.protocol()) {
                    case HTTP -> new Http1Listener(lr);
                    case H2 -> new H2Listener(lr);
                    case TCP -> new TcpListener(lr);
                    case DUBBO ->
                        new io.dualmode.sidecar.internal.rpc.RpcListener(
                                lr, rpcRoutes, List.of(protocols.get("dubbo")));
                    case BOLT ->
                        new io.dualmode.sidecar.internal.rpc.RpcListener(lr, rpcRoutes, List.of(protocols.get("bolt")));
                    case RPC ->
                        new io.dualmode.sidecar.internal.rpc.RpcListener(
                                lr,
                                rpcRoutes,
                                protocols.get(l.protocols().isEmpty() ? protocols.names() : l.protocols()));
                };
        listeners.put(l.name(), Listeners.bind(transport, l, init));
        listenerConfigs.put(l.name(), l);
    }

    /**
     * Binds one more listener while running and returns its address; the registry agent opens per-service HTTP
     * listeners this way. A listener of the same name already bound is kept and its address returned.
     */
    public synchronized InetSocketAddress addListener(ListenerConfig listener) {
        if (!listeners.containsKey(listener.name())) {
            bind(listener);
            ControlPlaneClient cp = controlPlane;
            if (cp != null && listener.direction() == ListenerConfig.Direction.INGRESS) {
                cp.reportNode(); // the control plane links instances to this sidecar by its ingress addresses
            }
        }
        return listenerAddress(listener.name());
    }

    /**
     * Replaces the configuration snapshot whole. Static clusters and local services are applied
     * (added, replaced when changed, removed when gone; clusters fed at run time are kept) and new
     * limits apply to new connections. Listener, worker and admin changes need a restart.
     */
    public synchronized void reconfigure(SidecarConfig next) {
        SidecarConfig previous = config.getAndSet(next);
        Set<String> wanted = new HashSet<>();
        for (ClusterConfig c : next.clusters()) {
            wanted.add(c.name());
            if (!previous.clusters().contains(c)) {
                clusters.put(c);
            }
        }
        for (LocalServiceConfig s : next.services()) {
            wanted.add(Router.INBOUND_PREFIX + s.name());
            if (!previous.services().contains(s)) {
                addLocalService(s);
            }
        }
        previous.clusters().forEach(c -> removeUnless(wanted, c.name()));
        previous.services().forEach(s -> removeUnless(wanted, Router.INBOUND_PREFIX + s.name()));
        log.info(
                "configuration replaced: {} clusters, {} local services",
                next.clusters().size(),
                next.services().size());
    }

    private void removeUnless(Set<String> wanted, String cluster) {
        if (!wanted.contains(cluster)) {
            clusters.remove(cluster);
        }
    }

    /**
     * Records that the application's service {@code service} listens at {@code application}; the registry agent calls
     * this when the application registers through it. The control plane sees these addresses in the node facts, which
     * is how the platform links registered instances to this sidecar. {@code null} forgets the service.
     */
    public void exposed(String service, InetSocketAddress application) {
        boolean changed = application == null
                ? exposed.remove(service) != null
                : !application.equals(exposed.put(service, application));
        ControlPlaneClient cp = controlPlane;
        if (changed && cp != null) {
            cp.reportNode();
        }
    }

    /** The application services registered through this sidecar and their addresses, by service name. */
    public Map<String, InetSocketAddress> exposed() {
        return Map.copyOf(exposed);
    }

    /** How RPC listeners map routing keys to registry service names; the registry agent registers names here. */
    public io.dualmode.sidecar.internal.rpc.RouteTable rpcRoutes() {
        return rpcRoutes;
    }

    /** The calls in flight to upstreams, across every cluster: {@link IdleCollection} starts no collection then. */
    private int inFlight() {
        ClusterManager c = clusters;
        return c == null ? 0 : c.inFlight();
    }

    /**
     * The healthy instances of {@code service} this sidecar knows: the healthy hosts of its cluster of that name (fed
     * by the registry agent's subscription, or configured); -1 when it has none.
     */
    private int healthyInstances(String service) {
        var cluster = clusters.cluster(service);
        if (cluster == null) {
            java.util.function.Consumer<String> watcher = instanceWatcher;
            if (watcher != null) {
                watcher.accept(service);
            }
            return -1;
        }
        int n = 0;
        for (var host : cluster.hosts()) {
            n += host.healthy() ? 1 : 0;
        }
        return n == 0 ? -1 : n;
    }

    /**
     * Whom to ask, when the sidecar has no cluster named after a service with a cluster-scope rate limit, to find the
     * service's instances: the registry agent subscribes to the application's own service, feeding that cluster.
     */
    public void watchInstancesWith(java.util.function.Consumer<String> watcher) {
        this.instanceWatcher = watcher;
    }

    private static void refreshShares(Governance g) {
        try {
            g.refreshShares();
        } catch (RuntimeException e) {
            log.warn("re-dividing the cluster-scope rate limits failed", e);
        }
    }

    /** The clusters; the registry agent feeds endpoints here with {@code update(name, endpoints)}. */
    public ClusterManager clusters() {
        return clusters;
    }

    /** The governance rules in force (pushed by the control plane or restored from disk). */
    public Governance governance() {
        return governance;
    }

    /** The push stream client, or null when no control plane or state directory is configured. */
    public ControlPlaneClient controlPlane() {
        return controlPlane;
    }

    /** The instance's mode and its listeners. */
    public ModeSwitch mode() {
        return mode;
    }

    /** The configuration snapshot in force. */
    public SidecarConfig config() {
        return config.get();
    }

    /** Whether the sidecar accepts traffic (started and not draining). */
    public boolean ready() {
        return ready;
    }

    /** The bound address of listener {@code name} (useful with port 0). */
    public InetSocketAddress listenerAddress(String name) {
        Channel ch = listeners.get(name);
        return ch == null ? null : (InetSocketAddress) ch.localAddress();
    }

    /** The settings of every bound listener, including those added at run time. */
    public List<ListenerConfig> listeners() {
        synchronized (listenerConfigs) {
            return List.copyOf(listenerConfigs.values());
        }
    }

    /** Bound addresses of every listener, by name. */
    public Map<String, InetSocketAddress> listenerAddresses() {
        Map<String, InetSocketAddress> out = new LinkedHashMap<>();
        listeners.forEach((n, ch) -> out.put(n, (InetSocketAddress) ch.localAddress()));
        return out;
    }

    /** The admin endpoint's bound address, or null when disabled. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.address();
    }

    /** Graceful drain with the configured drain timeout. */
    public void stop() {
        stop(config.get().drainTimeout());
    }

    /**
     * Stops accepting, lets requests in flight finish (up to {@code timeout}), then closes every
     * connection and releases the event loops.
     */
    public synchronized void stop(Duration timeout) {
        if (transport == null) {
            return;
        }
        ready = false;
        listeners.values().forEach(ch -> ch.close().awaitUninterruptibly());
        try {
            runtime.drain().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("drain timed out with {} requests in flight", runtime.inFlight());
        } catch (Exception e) {
            log.warn("drain interrupted: {}", e.toString());
            Thread.currentThread().interrupt();
        }
        shutdown(Duration.ofSeconds(2));
    }

    private void shutdown(Duration timeout) {
        ready = false;
        if (controlPlane != null) {
            controlPlane.close();
            controlPlane = null;
        }
        if (governance != null) {
            ControlPlanes.release(governance);
        }
        listeners.values().forEach(Channel::close);
        listeners.clear();
        listenerConfigs.clear();
        if (admin != null) {
            admin.close();
            admin = null;
        }
        if (runtime != null) {
            runtime.closeConnections();
        }
        if (clusters != null) {
            clusters.close();
        }
        timers.shutdownNow();
        transport.close(timeout);
        transport = null;
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(1));
    }
}
