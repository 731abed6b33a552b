package io.dualmode.sidecar.it;

import static org.awaitility.Awaitility.await;

import io.dualmode.registry.RegistryServer;
import io.dualmode.sidecar.Mode;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.agent.MeshAgent;
import io.dualmode.sidecar.agent.SidecarDataPlane;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The agent connects upstream as soon as it starts, before any application request: the application's first
 * registration must not wait for nacos-client to load and connect (found by the SOFARPC interop suite, where a mesh
 * application's first subscription timed out after nacos-client's 3 s on a busy machine).
 */
@Timeout(60)
class MeshAgentWarmUpIntegrationTest {

    @Test
    void theAgentConnectsUpstreamBeforeAnyApplicationRequest() {
        try (RegistryServer registry = RegistryServer.builder()
                        .host("127.0.0.1")
                        .port(0)
                        .build()
                        .start();
                Sidecar sidecar = Sidecar.create(
                                SidecarFixture.config(List.of(), List.of()).build(), Mode.MESH)
                        .start();
                MeshAgent agent = MeshAgent.builder(
                                registry.address(), new SidecarDataPlane(sidecar, "127.0.0.1"), sidecar.mode())
                        .localPort(0)
                        .build()
                        .start()) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> registry.connections().registeredCount() == 1);
            await().atMost(Duration.ofSeconds(30)).until(agent::upstreamHealthy);
        }
    }
}
