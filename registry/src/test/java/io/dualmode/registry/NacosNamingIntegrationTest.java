package io.dualmode.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.listener.NamingEvent;
import com.alibaba.nacos.api.naming.pojo.Instance;
import com.alibaba.nacos.api.naming.pojo.ListView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The registry against the real nacos-client: register, batch, query, list, subscribe, connection loss, restart. */
@Timeout(90)
class NacosNamingIntegrationTest {

    @TempDir
    Path dataDir;

    private RegistryServer registry;
    private final List<NamingService> clients = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        registry = RegistryServer.builder()
                .host("127.0.0.1")
                .port(0)
                .dataDir(dataDir)
                .build()
                .start();
    }

    @AfterEach
    void stop() throws Exception {
        for (NamingService c : clients) {
            c.shutDown();
        }
        if (registry != null) {
            registry.close();
        }
    }

    private NamingService client() throws Exception {
        NamingService naming = NacosClients.naming(registry.address());
        clients.add(naming);
        await().atMost(Duration.ofSeconds(10)).until(() -> "UP".equals(naming.getServerStatus()));
        return naming;
    }

    private static Instance instance(String ip, int port, Map<String, String> metadata) {
        Instance i = new Instance();
        i.setIp(ip);
        i.setPort(port);
        i.setMetadata(metadata);
        return i;
    }

    @Test
    void registerQueryAndDeregister() throws Exception {
        NamingService provider = client();
        NamingService consumer = client();
        provider.registerInstance("orders", "g1", instance("127.0.0.2", 20880, Map.of("dualmode.mode", "sdk")));

        await().atMost(Duration.ofSeconds(5))
                .until(() -> !consumer.getAllInstances("orders", "g1", false).isEmpty());
        Instance seen = consumer.getAllInstances("orders", "g1", false).get(0);
        assertThat(seen.getIp()).isEqualTo("127.0.0.2");
        assertThat(seen.getPort()).isEqualTo(20880);
        assertThat(seen.getClusterName()).isEqualTo("DEFAULT");
        assertThat(seen.getServiceName()).isEqualTo("g1@@orders");
        assertThat(seen.getInstanceId()).isEqualTo("127.0.0.2#20880#null#g1@@orders");
        assertThat(seen.getMetadata()).containsEntry("dualmode.mode", "sdk");
        assertThat(consumer.getAllInstances("orders", "other-group", false)).isEmpty();

        provider.deregisterInstance("orders", "g1", "127.0.0.2", 20880);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> consumer.getAllInstances("orders", "g1", false).isEmpty());
    }

    @Test
    void subscriberIsPushedEveryChangeAndConnectionLossRemovesInstances() throws Exception {
        NamingService consumer = client();
        AtomicReference<List<Instance>> latest = new AtomicReference<>(List.of());
        consumer.subscribe("payments", event -> latest.set(((NamingEvent) event).getInstances()));

        NamingService providerA = client();
        NamingService providerB = client();
        providerA.registerInstance("payments", "127.0.0.3", 8080);
        providerB.registerInstance("payments", "127.0.0.4", 8080);
        await().atMost(Duration.ofSeconds(5)).until(() -> latest.get().size() == 2);

        providerB.shutDown();
        clients.remove(providerB);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() ->
                        assertThat(latest.get()).extracting(Instance::getIp).containsExactly("127.0.0.3"));
    }

    @Test
    void batchRegistrationReplacesTheConnectionsSetAndEmptyBatchClearsIt() throws Exception {
        NamingService provider = client();
        NamingService consumer = client();
        provider.batchRegisterInstance(
                "app-a",
                "DEFAULT_GROUP",
                List.of(instance("127.0.0.5", 1, Map.of()), instance("127.0.0.5", 2, Map.of())));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> consumer.getAllInstances("app-a").size() == 2);

        provider.batchDeregisterInstance("app-a", "DEFAULT_GROUP", List.of(instance("127.0.0.5", 1, Map.of())));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(consumer.getAllInstances("app-a"))
                .extracting(Instance::getPort)
                .containsExactly(2));
    }

    @Test
    void clustersAreFilteredAndEchoedAndDisabledInstancesHidden() throws Exception {
        NamingService provider = client();
        NamingService other = client();
        Instance a = instance("127.0.0.6", 12200, Map.of());
        a.setClusterName("default-cluster");
        provider.registerInstance("sofa:svc:DEFAULT", a);
        Instance b = instance("127.0.0.7", 12200, Map.of());
        b.setClusterName("other-cluster");
        other.registerInstance("sofa:svc:DEFAULT", b);

        NamingService consumer = client();
        AtomicReference<List<Instance>> pushed = new AtomicReference<>(List.of());
        consumer.subscribe(
                "sofa:svc:DEFAULT", List.of("default-cluster"), e -> pushed.set(((NamingEvent) e).getInstances()));
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() ->
                        assertThat(pushed.get()).extracting(Instance::getIp).containsExactly("127.0.0.6"));
        assertThat(consumer.getAllInstances("sofa:svc:DEFAULT", List.of("other-cluster")))
                .extracting(Instance::getIp)
                .containsExactly("127.0.0.7");

        Instance disabled = instance("127.0.0.8", 1, Map.of());
        disabled.setEnabled(false);
        client().registerInstance("hidden", disabled);
        await().during(Duration.ofMillis(300))
                .atMost(Duration.ofSeconds(2))
                .until(() -> consumer.getAllInstances("hidden").isEmpty());
        assertThat(registry.naming().instances(new io.dualmode.registry.naming.ServiceKey(null, null, "hidden")))
                .hasSize(1);
    }

    @Test
    void serviceListPagesWithinAGroupAcceptingDubbosPageZeroAndMaxSize() throws Exception {
        NamingService provider = client();
        provider.registerInstance("s1", "lg", instance("127.0.0.9", 1, Map.of()));
        provider.registerInstance("s2", "lg", instance("127.0.0.9", 2, Map.of()));
        provider.registerInstance("s3", "lg", instance("127.0.0.9", 3, Map.of()));

        ListView<String> all = provider.getServicesOfServer(0, Integer.MAX_VALUE, "lg");
        assertThat(all.getCount()).isEqualTo(3);
        assertThat(all.getData()).containsExactly("s1", "s2", "s3");
        ListView<String> page2 = provider.getServicesOfServer(2, 2, "lg");
        assertThat(page2.getData()).containsExactly("s3");
    }

    @Test
    void persistentInstancesSurviveRestartAndEphemeralClientsReRegisterOnTheirOwn() throws Exception {
        NamingService provider = client();
        Instance persistent = instance("127.0.0.10", 9000, Map.of("k", "v"));
        persistent.setEphemeral(false);
        provider.registerInstance("durable", persistent);
        provider.registerInstance("ephemeral", instance("127.0.0.11", 9001, Map.of()));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> provider.getAllInstances("ephemeral").size() == 1);

        int port = registry.port();
        registry.close();
        registry = RegistryServer.builder()
                .host("127.0.0.1")
                .port(port)
                .dataDir(dataDir)
                .build()
                .start();

        assertThat(registry.naming().instances(new io.dualmode.registry.naming.ServiceKey(null, null, "durable")))
                .singleElement()
                .satisfies(i -> assertThat(i.metadata()).containsEntry("k", "v"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> registry.naming()
                                .instances(new io.dualmode.registry.naming.ServiceKey(null, null, "ephemeral"))
                                .size()
                        == 1);
    }
}
