package io.dualmode.platform;

import static io.dualmode.platform.PushFixture.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualmode.governance.push.ResourceKey;
import io.dualmode.governance.rule.RuleKind;
import io.dualmode.sidecar.Sidecar;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.LoopResources;

/** The control plane goes away: traffic keeps its rules, and a restarted sidecar restores them from disk. */
class PushOutageIntegrationTest {

    private final LoopResources loops = PushFixture.loops();
    private final Path dataDir = RunningPlatform.tempDir();
    private final Path stateDir = RunningPlatform.tempDir();
    private final DisposableServer v1 = PushFixture.backend(loops, "v1", new AtomicBoolean());
    private final DisposableServer v2 = PushFixture.backend(loops, "v2", new AtomicBoolean());
    private final HttpClient client = PushFixture.client(loops);
    private RunningPlatform platform;
    private Sidecar web;

    @AfterEach
    void cleanUp() {
        if (web != null) {
            web.stop(Duration.ofSeconds(1));
        }
        if (platform != null) {
            platform.close();
        }
        v1.disposeNow();
        v2.disposeNow();
        loops.dispose();
        RunningPlatform.deleteTree(dataDir);
        RunningPlatform.deleteTree(stateDir);
    }

    @Test
    void lastGoodRulesKeepServingWhileTheControlPlaneIsDownAndComeBackFromDiskOnRestart() {
        platform = RunningPlatform.start(RunningPlatform.baseProperties(dataDir));
        Api admin = new Api(platform.client(), platform.login("admin", RunningPlatform.ADMIN_PASSWORD));
        String token = admin.post("/api/v1/sidecar-tokens", Map.of("name", "web-1"))
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("token")
                .toString();
        String url = "ws://127.0.0.1:" + platform.port() + "/api/v1/push";
        String yaml = PushFixture.callerYaml(v1.port(), v2.port());
        web = PushFixture.sidecar(yaml, url, token, stateDir, "orders");
        admin.put(
                        "/api/v1/rules/routing/orders",
                        """
                        {"subsets": [{"name": "v2", "labels": {"version": "2"}}],
                         "routes": [{"name": "all", "destinations": [{"subset": "v2"}]}]}""",
                        null)
                .expectStatus()
                .isOk();
        ResourceKey routing = new ResourceKey(RuleKind.ROUTING, "orders");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> web.governance().versions().containsKey(routing));
        String digest = web.governance().digest();
        assertAllTo("v2");

        platform.close();
        platform = null;
        await().atMost(Duration.ofSeconds(10)).until(() -> !web.controlPlane().connected());
        assertAllTo("v2");
        assertThat(web.governance().digest()).isEqualTo(digest);

        web.stop(Duration.ofSeconds(1));
        web = PushFixture.sidecar(yaml, url, token, stateDir, "orders");
        assertThat(web.controlPlane().connected()).isFalse();
        assertThat(web.governance().digest()).isEqualTo(digest);
        assertAllTo("v2");
    }

    private void assertAllTo(String backend) {
        for (int i = 0; i < 50; i++) {
            PushFixture.Reply r = get(client, web.listenerAddress("egress").getPort(), "orders", Map.of());
            assertThat(r).isEqualTo(new PushFixture.Reply(200, null, backend));
        }
    }
}
