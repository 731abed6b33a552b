package io.dualmode.platform;

import static io.dualmode.platform.PushFixture.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualmode.platform.metrics.NodeTraffic;
import io.dualmode.platform.metrics.TrafficMetrics;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.LoopResources;

/**
 * Traffic metrics end to end: a platform on loopback, a caller sidecar {@code web} (egress to {@code orders}) and a
 * callee sidecar {@code orders} (ingress) reporting every 200 ms, real HTTP backends, some of them failing with 500.
 */
@Timeout(180)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrafficMetricsIntegrationTest {

    private static final Duration MINUTE = Duration.ofSeconds(60);

    private final LoopResources loops = PushFixture.loops();
    private final Path dataDir = RunningPlatform.tempDir();
    private final Path stateDir = RunningPlatform.tempDir();
    private final AtomicBoolean failing = new AtomicBoolean();
    private final List<DisposableServer> backends = new ArrayList<>();
    private RunningPlatform platform;
    private Api admin;
    private Sidecar orders;
    private Sidecar web;
    private HttpClient client;

    @BeforeAll
    void start() {
        platform = RunningPlatform.start(RunningPlatform.baseProperties(dataDir));
        admin = new Api(platform.client(), platform.login("admin", RunningPlatform.ADMIN_PASSWORD));
        DisposableServer ordersBackend = PushFixture.backend(loops, "orders", failing);
        DisposableServer webBackend = PushFixture.backend(loops, "web", new AtomicBoolean());
        backends.addAll(List.of(ordersBackend, webBackend));
        orders = sidecar("orders-1", PushFixture.calleeYaml("orders", ordersBackend.port()));
        web = sidecar(
                "web-1",
                """
                listeners:
                  - {name: egress, direction: egress, protocol: http, address: 127.0.0.1, port: 0}
                services:
                  - {name: web, address: 127.0.0.1, port: %d}
                clusters:
                  - name: orders
                    outlier: {consecutiveFailures: 0}
                    retry: {maxRetries: 0}
                    endpoints: [{host: 127.0.0.1, port: %d}]
                """
                        .formatted(
                                webBackend.port(),
                                orders.listenerAddress("ingress").getPort()));
        client = PushFixture.client(loops);
        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        orders.controlPlane().acks() == 1 && web.controlPlane().acks() == 1);
    }

    @AfterAll
    void stop() {
        web.stop(Duration.ofSeconds(1));
        orders.stop(Duration.ofSeconds(1));
        backends.forEach(DisposableServer::disposeNow);
        platform.close();
        loops.dispose();
        RunningPlatform.deleteTree(dataDir);
        RunningPlatform.deleteTree(stateDir);
    }

    @Test
    void callsAndFailuresThroughTheSidecarsShowAsTheCalleesIngress() {
        TrafficMetrics traffic = platform.bean(TrafficMetrics.class);
        assertThat(traffic.ingress("orders-1", MINUTE)).isEqualTo(NodeTraffic.NONE);

        call(20, 200);
        failing.set(true);
        call(5, 500);
        failing.set(false);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            NodeTraffic ingress = traffic.ingress("orders-1", MINUTE);
            assertThat(ingress.requests()).isEqualTo(25);
            assertThat(ingress.errors()).isEqualTo(5);
            assertThat(ingress.errorRate()).isEqualTo(0.2);
            assertThat(ingress.p99Millis()).isPositive();
        });
        assertThat(traffic.ingress("web-1", MINUTE))
                .as("the caller's sidecar only saw egress")
                .isEqualTo(NodeTraffic.NONE);
        assertThat(traffic.ingress("nobody", MINUTE)).isEqualTo(NodeTraffic.NONE);
    }

    private void call(int times, int status) {
        for (int i = 0; i < times; i++) {
            assertThat(get(client, web.listenerAddress("egress").getPort(), "orders", Map.of())
                            .status())
                    .isEqualTo(status);
        }
    }

    /** A sidecar reporting every 200 ms under {@code nodeId}, with a token of its own. */
    private Sidecar sidecar(String nodeId, String yaml) {
        String cp = "controlPlane: {url: ws://127.0.0.1:" + platform.port() + "/api/v1/push, token: " + token(nodeId)
                + ", stateDir: " + stateDir.resolve(nodeId) + ", nodeId: " + nodeId
                + ", reconnectDelay: 100ms, reportInterval: 200ms}\n";
        return Sidecar.create(
                        ConfigLoader.parse("workers: 1\nadmin: {port: -1}\ndrainTimeout: 1s\n" + cp + yaml, "test"))
                .start();
    }

    private String token(String name) {
        return admin.post("/api/v1/sidecar-tokens", Map.of("name", name))
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("token")
                .toString();
    }
}
