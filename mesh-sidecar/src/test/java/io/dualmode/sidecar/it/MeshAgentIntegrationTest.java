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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Applications join the mesh through their registry: a provider and a consumer each register and subscribe with a
 * real nacos-client through their own sidecar's local registry endpoint; the registry is real; each side switches
 * between SDK and mesh at run time under load with no failed call.
 */
@Timeout(120)
class MeshAgentIntegrationTest {

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private RegistryServer registry;
    private Backend provider;
    private Sidecar providerSidecar;
    private Sidecar consumerSidecar;
    private MeshAgent providerAgent;
    private MeshAgent consumerAgent;
    private NamingService providerApp;
    private NamingService consumerApp;
    private final AtomicReference<List<Instance>> consumerView = new AtomicReference<>(List.of());
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @BeforeEach
    void start() throws Exception {
        registry = RegistryServer.builder().host("127.0.0.1").port(0).build().start();
        provider = new Backend("provider", "127.0.0.2");
        providerSidecar = sidecar();
        providerAgent = agent(providerSidecar, "127.0.0.2");
        consumerSidecar = sidecar();
        consumerAgent = agent(consumerSidecar, "127.0.0.3");

        providerApp = naming(providerAgent.localAddress());
        Instance self = new Instance();
        self.setIp(provider.host());
        self.setPort(provider.port());
        self.setMetadata(Map.of("dualmode.protocol", "http", "app", "orders-app"));
        providerApp.registerInstance("orders", self);

        consumerApp = naming(consumerAgent.localAddress());
        consumerApp.subscribe("orders", e -> consumerView.set(((NamingEvent) e).getInstances()));
        await().atMost(Duration.ofSeconds(10)).until(() -> consumerView.get().size() == 1);
    }

    private Sidecar sidecar() {
        Sidecar s = Sidecar.create(SidecarFixture.config(List.of(), List.of()).build(), Mode.MESH)
                .start();
        closeables.add(s);
        return s;
    }

    private MeshAgent agent(Sidecar sidecar, String ingressHost) {
        MeshAgent agent = MeshAgent.builder(
                        registry.address(), new SidecarDataPlane(sidecar, ingressHost), sidecar.mode())
                .localPort(0)
                .build()
                .start();
        closeables.add(agent);
        return agent;
    }

    private NamingService naming(String serverAddr) throws Exception {
        return SidecarFixture.naming(serverAddr, closeables);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        provider.close();
        registry.close();
    }

    private String call() throws Exception {
        Instance target = consumerView.get().get(0);
        HttpRequest req = HttpRequest.newBuilder(
                        URI.create("http://" + target.getIp() + ":" + target.getPort() + "/orders/42"))
                .timeout(Duration.ofSeconds(5))
                .build();
        HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + res.statusCode() + ": " + res.body());
        }
        return res.body();
    }

    private List<com.alibaba.nacos.api.naming.pojo.Instance> inRegistry() throws Exception {
        return new ArrayList<>(registry.naming().instances(new ServiceKey(null, null, "orders")).stream()
                .map(i -> {
                    Instance n = new Instance();
                    n.setIp(i.ip());
                    n.setPort(i.port());
                    n.setMetadata(i.metadata());
                    return n;
                })
                .toList());
    }

    @Test
    void meshConsumerReachesMeshProviderThroughBothSidecars() throws Exception {
        Instance published = inRegistry().get(0);
        assertThat(published.getIp()).isEqualTo("127.0.0.2");
        assertThat(published.getPort()).isNotEqualTo(provider.port());
        assertThat(published.getMetadata()).containsEntry("dualmode.mode", "mesh");

        Instance handed = consumerView.get().get(0);
        assertThat(handed.getIp()).isEqualTo("127.0.0.1");
        assertThat(handed.getMetadata()).containsEntry("app", "orders-app");

        assertThat(call()).startsWith("provider GET /orders/42");
        assertThat(provider.hits.get()).isEqualTo(1);
    }

    @Test
    void sdkModePassesRealAddressesThroughAndSwitchingBackRestoresTheMesh() throws Exception {
        providerSidecar.mode().set(Mode.SDK);
        await().atMost(Duration.ofSeconds(10)).until(() -> inRegistry().get(0).getPort() == provider.port());
        assertThat(inRegistry().get(0).getMetadata()).containsEntry("dualmode.mode", "sdk");

        consumerSidecar.mode().set(Mode.SDK);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> consumerView.get().get(0).getPort() == provider.port());
        assertThat(call()).startsWith("provider GET");

        consumerSidecar.mode().set(Mode.MESH);
        providerSidecar.mode().set(Mode.MESH);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> consumerView.get().get(0).getIp().equals("127.0.0.1")
                        && inRegistry().get(0).getPort() != provider.port());
        assertThat(call()).startsWith("provider GET");
    }

    @Test
    void switchingModesUnderLoadFailsNoCall() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread w = new Thread(() -> {
                while (running.get()) {
                    try {
                        call();
                        ok.incrementAndGet();
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
            });
            w.start();
            workers.add(w);
        }
        try {
            Mode[] sequence = {Mode.SDK, Mode.MESH, Mode.SDK, Mode.MESH};
            for (Mode m : sequence) {
                int before = ok.get();
                providerSidecar.mode().set(m);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> (inRegistry().get(0).getPort() == provider.port()) == (m == Mode.SDK));
                consumerSidecar.mode().set(m);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> consumerView.get().get(0).getIp().equals("127.0.0.1") == (m == Mode.MESH));
                await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > before + 50);
            }
        } finally {
            running.set(false);
            for (Thread w : workers) {
                w.join(10_000);
            }
        }
        assertThat(failures).isEmpty();
        assertThat(ok.get()).isGreaterThan(200);
    }
}
