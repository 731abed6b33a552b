package io.dualmode.platform;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.listener.NamingEvent;
import com.alibaba.nacos.api.naming.pojo.Instance;
import io.dualmode.sidecar.Mode;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.agent.MeshAgent;
import io.dualmode.sidecar.agent.SidecarDataPlane;
import io.dualmode.sidecar.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * Applications that join through their sidecar's registry endpoint, as the starters make them: a real HTTP backend on
 * its own 127.0.0.x host, an in-process sidecar connected to the platform's push stream with a registry agent, and a
 * real nacos-client registering (or subscribing) through that agent.
 */
final class MigrationFixture {

    private MigrationFixture() {}

    /** One provider instance: backend, sidecar, agent, and the nacos-client that registered it. */
    record Provider(
            String host,
            DisposableServer backend,
            Sidecar sidecar,
            MeshAgent agent,
            NamingService app,
            AtomicBoolean failing,
            Path cache)
            implements AutoCloseable {

        /** The address the backend registered (its SDK-mode address in the registry). */
        String address() {
            return host + ":" + backend.port();
        }

        String nodeId() {
            return "orders@" + host;
        }

        @Override
        public void close() throws Exception {
            app.shutDown();
            agent.close();
            sidecar.stop(Duration.ofSeconds(1));
            backend.disposeNow();
            RunningPlatform.deleteTree(cache);
        }
    }

    /** The consumer: a mesh-mode sidecar and agent, and what its subscription currently hands out. */
    record Consumer(
            Sidecar sidecar, MeshAgent agent, NamingService app, AtomicReference<List<Instance>> view, Path cache)
            implements AutoCloseable {

        @Override
        public void close() throws Exception {
            app.shutDown();
            agent.close();
            sidecar.stop(Duration.ofSeconds(1));
            RunningPlatform.deleteTree(cache);
        }
    }

    static String controlPlaneYaml(String pushUrl, String token, Path stateDir, String nodeId) {
        return "controlPlane: {url: " + pushUrl + ", token: " + token + ", stateDir: " + stateDir + ", nodeId: '"
                + nodeId + "', reconnectDelay: 100ms, reportInterval: 200ms, subscribe: [orders]}\n"
                // Every failed call must reach the provider, so the consumer neither ejects nor retries.
                + "clusterDefaults: {name: defaults, outlier: {consecutiveFailures: 0}, retry: {maxRetries: 0}}\n";
    }

    static Sidecar sidecar(String controlPlane, Mode mode) {
        return Sidecar.create(
                        ConfigLoader.parse(
                                "workers: 1\nadmin: {port: -1}\ndrainTimeout: 1s\n" + controlPlane, "migration-test"),
                        mode)
                .start();
    }

    static MeshAgent agent(String registry, Sidecar sidecar, String host) {
        return MeshAgent.builder(registry, new SidecarDataPlane(sidecar, host), sidecar.mode())
                .localPort(0)
                .switchOverlap(Duration.ofMillis(500))
                .build()
                .start();
    }

    static Provider provider(
            LoopResources loops, String registry, String pushUrl, String token, Path stateDir, String host)
            throws Exception {
        AtomicBoolean failing = new AtomicBoolean();
        DisposableServer backend = HttpServer.create()
                .runOn(loops)
                .host(host)
                .port(0)
                .handle((req, res) -> failing.get()
                        ? res.status(500).sendString(Mono.just("injected by " + host))
                        : res.sendString(Mono.just("served by " + host)))
                .bindNow();
        Sidecar sidecar = sidecar(controlPlaneYaml(pushUrl, token, stateDir, "orders@" + host), Mode.SDK);
        MeshAgent agent = agent(registry, sidecar, host);
        Path cache = Files.createTempDirectory("dualmode-nacos-cache");
        NamingService app = naming(agent.localAddress(), cache);
        Instance self = new Instance();
        self.setIp(host);
        self.setPort(backend.port());
        self.setMetadata(Map.of("dualmode.protocol", "http", "zone", host.endsWith("1") ? "a" : "b"));
        app.registerInstance("orders", self);
        return new Provider(host, backend, sidecar, agent, app, failing, cache);
    }

    static Consumer consumer(String registry, String pushUrl, String token, Path stateDir) throws Exception {
        Sidecar sidecar = sidecar(controlPlaneYaml(pushUrl, token, stateDir, "web@127.0.0.30"), Mode.MESH);
        MeshAgent agent = agent(registry, sidecar, "127.0.0.30");
        Path cache = Files.createTempDirectory("dualmode-nacos-cache");
        NamingService app = naming(agent.localAddress(), cache);
        AtomicReference<List<Instance>> view = new AtomicReference<>(List.of());
        app.subscribe("orders", e -> view.set(((NamingEvent) e).getInstances()));
        return new Consumer(sidecar, agent, app, view, cache);
    }

    static NamingService naming(String serverAddr, Path cache) throws Exception {
        Properties p = new Properties();
        p.setProperty(PropertyKeyConst.SERVER_ADDR, serverAddr);
        p.setProperty("namingLoadCacheAtStart", "false");
        p.setProperty("namingRequestTimeout", "10000");
        p.setProperty("JM.SNAPSHOT.PATH", cache.toString());
        // nacos-client finds its server list provider through the thread's context class loader, which earlier code in
        // the JVM may have left as another loader ("No server list provider found"): use this module's
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(MigrationFixture.class.getClassLoader());
        NamingService naming;
        try {
            naming = NacosFactory.createNamingService(p);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        // On a loaded machine the client's first connection can take longer than its register call waits: wait for it.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> "UP"
                .equals(naming.getServerStatus()));
        return naming;
    }
}
