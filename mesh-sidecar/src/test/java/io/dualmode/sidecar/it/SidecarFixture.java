package io.dualmode.sidecar.it;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.naming.NamingService;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.cluster.Endpoint;
import io.dualmode.sidecar.config.AdminConfig;
import io.dualmode.sidecar.config.ClusterConfig;
import io.dualmode.sidecar.config.ConfigLoader;
import io.dualmode.sidecar.config.ListenerConfig;
import io.dualmode.sidecar.config.SidecarConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/** Small helpers to configure sidecars in tests: everything on loopback, every port 0. */
final class SidecarFixture {
    private SidecarFixture() {}

    static ListenerConfig listener(String name, ListenerConfig.Protocol protocol, String address) {
        return ListenerConfig.builder()
                .name(name)
                .protocol(protocol)
                .address(address)
                .port(0)
                .build();
    }

    static ClusterConfig.Builder cluster(String name, Endpoint... endpoints) {
        return ClusterConfig.builder().name(name).endpoints(Arrays.asList(endpoints));
    }

    static SidecarConfig.Builder config(List<ListenerConfig> listeners, List<ClusterConfig> clusters) {
        return SidecarConfig.builder()
                .workers(2)
                .admin(ConfigLoader.parse("admin: {address: 127.0.0.1, port: 0}", "test")
                        .admin())
                .listeners(listeners)
                .clusters(clusters);
    }

    static Endpoint endpoint(Backend b) {
        return Endpoint.of(b.host(), b.port());
    }

    static Sidecar start(SidecarConfig config) {
        return Sidecar.create(config).start();
    }

    static AdminConfig admin() {
        return ConfigLoader.parse("admin: {address: 127.0.0.1, port: 0}", "test")
                .admin();
    }

    /**
     * A nacos-client naming client of an application at {@code serverAddr} (an agent's local endpoint), closed with
     * the test through {@code closeables}. Its request timeout is 10 s: a call through the agent waits for the agent's
     * own upstream call, and nacos-client's default 3 s is short on a loaded CI machine. Returns once the client is
     * connected.
     */
    static NamingService naming(String serverAddr, List<AutoCloseable> closeables) throws Exception {
        Properties p = new Properties();
        p.setProperty(PropertyKeyConst.SERVER_ADDR, serverAddr);
        p.setProperty("namingLoadCacheAtStart", "false");
        p.setProperty("namingRequestTimeout", "10000");
        p.setProperty("JM.SNAPSHOT.PATH", System.getProperty("java.io.tmpdir") + "/dualmode-it-" + System.nanoTime());
        NamingService n = NacosFactory.createNamingService(p);
        closeables.add(n::shutDown);
        // nacos-client returns before its gRPC connection is up when the first attempt is slow (a loaded machine);
        // a call made then fails with "Client not connected, current status: STARTING"
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .pollInterval(java.time.Duration.ofMillis(20))
                .until(() -> "UP".equals(n.getServerStatus()));
        return n;
    }
}
