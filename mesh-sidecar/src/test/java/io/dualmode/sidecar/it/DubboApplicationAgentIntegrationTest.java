package io.dualmode.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.listener.NamingEvent;
import com.alibaba.nacos.api.naming.pojo.Instance;
import io.dualmode.registry.RegistryServer;
import io.dualmode.registry.naming.ServiceKey;
import io.dualmode.sidecar.Mode;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.agent.MeshAgent;
import io.dualmode.sidecar.agent.SidecarDataPlane;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Dubbo 3 application-level instance through two agents: the provider's sidecar publishes it as a listener of its own
 * ({@code ingress-dubbo-<application>}, routed to the application's Dubbo endpoint) with the endpoints and the
 * MetadataService port pointed at it, and the consumer's sidecar answers the application's subscription with its
 * {@code egress-dubbo-<application>} listener, routed to the published instances.
 */
@Timeout(90)
class DubboApplicationAgentIntegrationTest {

    private static final String APP = "demo-provider";
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    @Test
    void anApplicationInstanceIsPublishedAndHandedOutAsListenersOfItsOwn() throws Exception {
        RegistryServer registry =
                RegistryServer.builder().host("127.0.0.1").port(0).build().start();
        closeables.add(registry);
        Sidecar providerSidecar = sidecar();
        MeshAgent providerAgent = agent(registry, providerSidecar, "127.0.0.7");
        Sidecar consumerSidecar = sidecar();
        MeshAgent consumerAgent = agent(registry, consumerSidecar, "127.0.0.8");

        Instance app = new Instance();
        app.setIp("127.0.0.1");
        app.setPort(7000);
        app.setMetadata(Map.of(
                "dubbo.metadata.revision", "r1",
                "dubbo.endpoints", "[{\"port\":20880,\"protocol\":\"dubbo\"},{\"port\":50051,\"protocol\":\"tri\"}]",
                "dubbo.metadata-service.url-params",
                        "{\"version\":\"1.0.0\",\"port\":\"20880\",\"protocol\":\"dubbo\"}",
                "dualmode.protocol", "dubbo"));
        naming(providerAgent).registerInstance(APP, app);

        ServiceKey key = new ServiceKey(null, null, APP);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !registry.naming().instances(key).isEmpty());
        InetSocketAddress ingress = providerSidecar.listenerAddress("ingress-dubbo-" + APP);
        assertThat(ingress.getHostString()).isEqualTo("127.0.0.7");
        assertThat(providerSidecar.listenerAddress("ingress-dubbo")).isNull();
        var published = registry.naming().instances(key).get(0);
        assertThat(published.ip() + ":" + published.port()).isEqualTo("127.0.0.7:" + ingress.getPort());
        assertThat(published.metadata())
                .containsEntry("dualmode.mode", "mesh")
                .containsEntry("dualmode.protocol", "dubbo")
                .containsEntry("dubbo.metadata.revision", "r1")
                .containsEntry("dubbo.endpoints", "[{\"port\":" + ingress.getPort() + ",\"protocol\":\"dubbo\"}]")
                .containsEntry(
                        "dubbo.metadata-service.url-params",
                        "{\"version\":\"1.0.0\",\"port\":\"" + ingress.getPort() + "\",\"protocol\":\"dubbo\"}");
        assertThat(endpoints(providerSidecar, "inbound|" + APP))
                .as("ingress goes to the application's Dubbo endpoint")
                .containsExactly("127.0.0.1:20880");

        AtomicReference<List<Instance>> view = new AtomicReference<>(List.of());
        naming(consumerAgent).subscribe(APP, e -> view.set(((NamingEvent) e).getInstances()));
        await().atMost(Duration.ofSeconds(20)).until(() -> !view.get().isEmpty());
        InetSocketAddress egress = consumerSidecar.listenerAddress("egress-dubbo-" + APP);
        assertThat(egress.getHostString()).isEqualTo("127.0.0.8");
        Instance seen = view.get().get(0);
        assertThat(seen.getIp() + ":" + seen.getPort()).isEqualTo("127.0.0.8:" + egress.getPort());
        assertThat(seen.getMetadata())
                .containsEntry("dubbo.endpoints", "[{\"port\":" + egress.getPort() + ",\"protocol\":\"dubbo\"}]")
                .containsEntry(
                        "dubbo.metadata-service.url-params",
                        "{\"version\":\"1.0.0\",\"port\":\"" + egress.getPort() + "\",\"protocol\":\"dubbo\"}");
        assertThat(endpoints(consumerSidecar, APP))
                .as("egress goes to the provider's sidecar")
                .containsExactly("127.0.0.7:" + ingress.getPort());
    }

    private static List<String> endpoints(Sidecar sidecar, String cluster) {
        return sidecar.clusters().cluster(cluster).hosts().stream()
                .map(h -> h.address().getHostString() + ":" + h.address().getPort())
                .toList();
    }

    private Sidecar sidecar() {
        Sidecar sidecar = Sidecar.create(
                        SidecarFixture.config(List.of(), List.of()).build(), Mode.MESH)
                .start();
        closeables.add(sidecar);
        return sidecar;
    }

    private MeshAgent agent(RegistryServer registry, Sidecar sidecar, String host) {
        MeshAgent agent = MeshAgent.builder(registry.address(), new SidecarDataPlane(sidecar, host), sidecar.mode())
                .localPort(0)
                .build()
                .start();
        closeables.add(agent);
        return agent;
    }

    private NamingService naming(MeshAgent agent) throws Exception {
        return SidecarFixture.naming(agent.localAddress(), closeables);
    }
}
