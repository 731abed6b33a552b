package io.dualmode.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.pojo.Instance;
import com.fasterxml.jackson.databind.JsonNode;
import io.dualmode.governance.push.Resource;
import io.dualmode.governance.push.ResourceKey;
import io.dualmode.governance.rule.RuleKind;
import io.dualmode.governance.validation.GovernanceJson;
import io.dualmode.registry.RegistryServer;
import io.dualmode.sidecar.Mode;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.agent.MeshAgent;
import io.dualmode.sidecar.agent.SidecarDataPlane;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Where a sidecar learns the N that divides a cluster-scope rate limit when only the registry knows the service's
 * instances: a real registry, two applications registering {@code orders} each through its own sidecar's registry
 * agent; the sidecar given the rule has no cluster {@code orders} until its agent subscribes to the application's
 * own service, then follows the registry as instances come and go.
 */
@Timeout(180)
class ClusterRateLimitAgentIntegrationTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final ClassLoader contextLoader = Thread.currentThread().getContextClassLoader();

    /**
     * nacos-client finds its server list provider through the thread's context class loader, which a SOFARPC or Dubbo
     * test run earlier in this JVM may have left pointing elsewhere ("No server list provider found").
     */
    @BeforeEach
    void ownContextClassLoader() {
        Thread.currentThread().setContextClassLoader(getClass().getClassLoader());
    }

    @AfterEach
    void stop() throws Exception {
        Thread.currentThread().setContextClassLoader(contextLoader);
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    @Test
    void theShareFollowsTheInstancesTheRegistryLists() throws Exception {
        RegistryServer registry =
                keep(RegistryServer.builder().host("127.0.0.1").port(0).build().start());
        Backend a = keep(new Backend("a", "127.0.0.2"));
        Backend b = keep(new Backend("b", "127.0.0.3"));
        Sidecar sidecarA =
                keep(Sidecar.create(SidecarFixture.config(List.of(), List.of()).build(), Mode.MESH)
                        .start());
        Sidecar sidecarB =
                keep(Sidecar.create(SidecarFixture.config(List.of(), List.of()).build(), Mode.MESH)
                        .start());
        MeshAgent agentA = agent(registry, sidecarA, "127.0.0.2");
        MeshAgent agentB = agent(registry, sidecarB, "127.0.0.3");
        sidecarA.watchInstancesWith(agentA::watchInstances);

        NamingService appA = SidecarFixture.naming(agentA.localAddress(), closeables);
        NamingService appB = SidecarFixture.naming(agentB.localAddress(), closeables);
        // under machine load an agent's first upstream registration may time out; registering again is idempotent
        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .untilAsserted(() -> appA.registerInstance("orders", instance(a)));
        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .untilAsserted(() -> appB.registerInstance("orders", instance(b)));

        JsonNode body = GovernanceJson.mapper()
                .readTree("""
                {"limits": [{"name": "all", "scope": "cluster", "qps": 40}]}""");
        assertThat(sidecarA.governance()
                        .apply(
                                List.of(new Resource(new ResourceKey(RuleKind.RATE_LIMIT, "orders"), 1, body)),
                                List.of()))
                .isNull();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(sidecarA.governance().snapshot().clusterInstances())
                        .containsEntry("orders", 2));
        assertThat(sidecarA.clusters().cluster("orders").hosts()).hasSize(2);

        appB.deregisterInstance("orders", instance(b));
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(sidecarA.governance().snapshot().clusterInstances())
                        .containsEntry("orders", 1));
    }

    private MeshAgent agent(RegistryServer registry, Sidecar sidecar, String ingressHost) {
        return keep(MeshAgent.builder(registry.address(), new SidecarDataPlane(sidecar, ingressHost), sidecar.mode())
                .localPort(0)
                .build()
                .start());
    }

    private static Instance instance(Backend backend) {
        Instance i = new Instance();
        i.setIp(backend.host());
        i.setPort(backend.port());
        i.setMetadata(Map.of("dualmode.protocol", "http"));
        return i;
    }

    private <T extends AutoCloseable> T keep(T c) {
        closeables.add(c);
        return c;
    }
}
