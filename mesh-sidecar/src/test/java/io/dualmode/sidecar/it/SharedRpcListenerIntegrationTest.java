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
 * A sidecar started without RPC listeners in its configuration (as the starters' launcher starts it) opens the shared
 * {@code ingress-<protocol>} and {@code egress-<protocol>} listeners when an application first registers or subscribes
 * to a service of that protocol.
 */
@Timeout(90)
class SharedRpcListenerIntegrationTest {

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    @Test
    void registeringAndSubscribingOpenTheSharedListenersOnFirstUse() throws Exception {
        RegistryServer registry =
                RegistryServer.builder().host("127.0.0.1").port(0).build().start();
        closeables.add(registry);
        Sidecar sidecar = Sidecar.create(
                        SidecarFixture.config(List.of(), List.of()).build(), Mode.MESH)
                .start();
        closeables.add(sidecar);
        MeshAgent agent = MeshAgent.builder(
                        registry.address(), new SidecarDataPlane(sidecar, "127.0.0.7"), sidecar.mode())
                .localPort(0)
                .build()
                .start();
        closeables.add(agent);
        assertThat(sidecar.listenerAddress("ingress-bolt")).isNull();
        NamingService app = naming(agent.localAddress());

        Instance provider = new Instance();
        provider.setIp("127.0.0.1");
        provider.setPort(12200);
        provider.setMetadata(Map.of("dualmode.protocol", "bolt"));
        app.registerInstance("demo.Greeter:DEFAULT", provider);

        ServiceKey key = new ServiceKey(null, null, "demo.Greeter:DEFAULT");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !registry.naming().instances(key).isEmpty());
        InetSocketAddress ingress = sidecar.listenerAddress("ingress-bolt");
        assertThat(ingress).isNotNull();
        assertThat(ingress.getHostString()).isEqualTo("127.0.0.7");
        var published = registry.naming().instances(key).get(0);
        assertThat(published.ip() + ":" + published.port()).isEqualTo("127.0.0.7:" + ingress.getPort());

        AtomicReference<List<Instance>> view = new AtomicReference<>(List.of());
        app.subscribe("demo.Greeter:DEFAULT", e -> view.set(((NamingEvent) e).getInstances()));
        await().atMost(Duration.ofSeconds(20)).until(() -> !view.get().isEmpty());
        InetSocketAddress egress = sidecar.listenerAddress("egress-bolt");
        assertThat(egress).isNotNull();
        assertThat(egress.getHostString()).isEqualTo("127.0.0.1");
        assertThat(view.get().get(0).getIp() + ":" + view.get().get(0).getPort())
                .isEqualTo("127.0.0.1:" + egress.getPort());
    }

    private NamingService naming(String serverAddr) throws Exception {
        return SidecarFixture.naming(serverAddr, closeables);
    }
}
