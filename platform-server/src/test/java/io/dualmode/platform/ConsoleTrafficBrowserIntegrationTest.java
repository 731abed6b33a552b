package io.dualmode.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualmode.registry.RegistryServer;
import io.dualmode.registry.naming.Instance;
import io.dualmode.registry.naming.ServiceKey;
import io.dualmode.sidecar.Sidecar;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.LoopResources;

/**
 * Live traffic in the console, end to end: a real platform-server on loopback, two versions of {@code orders} each
 * behind its own in-process sidecar connected to the platform's push stream, a caller sidecar {@code web} sending
 * steady calls to {@code orders} through its egress listener, and {@code console-ui/e2e/traffic.e2e.mjs} driving
 * Debian's headless Chromium: the Overview charts the traffic, shows the split between the versions change to about
 * 90/10 once a weighted route is written through the REST API, and the Topology page shows the call web → orders.
 * Screenshots {@code console-overview-traffic.png} and {@code console-topology.png} go where those of
 * {@link ConsoleBrowserIntegrationTest} go.
 */
class ConsoleTrafficBrowserIntegrationTest {

    /** Steady, not heavy: enough calls per metrics bucket for a share to mean something on a busy machine. */
    private static final Duration CALL_EVERY = Duration.ofMillis(40);

    private static final LoopResources LOOPS = PushFixture.loops();
    private static final AtomicBoolean NEVER_FAILING = new AtomicBoolean();
    private static final AtomicLong ANSWERED = new AtomicLong();
    private static Path dataDir;
    private static Path stateDir;
    private static RunningPlatform platform;
    private static DisposableServer v1;
    private static DisposableServer v2;
    private static DisposableServer webApp;
    private static Sidecar ordersV1;
    private static Sidecar ordersV2;
    private static Sidecar web;
    private static Disposable traffic;

    @BeforeAll
    static void startPlatformSidecarsAndTraffic() {
        dataDir = RunningPlatform.tempDir();
        stateDir = RunningPlatform.tempDir();
        platform = RunningPlatform.start(RunningPlatform.baseProperties(dataDir));
        Api admin = new Api(platform.client(), platform.login("admin", RunningPlatform.ADMIN_PASSWORD));
        String push = "ws://127.0.0.1:" + platform.port() + "/api/v1/push";

        v1 = PushFixture.backend(LOOPS, "v1", NEVER_FAILING);
        v2 = PushFixture.backend(LOOPS, "v2", NEVER_FAILING);
        webApp = PushFixture.backend(LOOPS, "web", NEVER_FAILING);
        ordersV1 = PushFixture.sidecar(
                PushFixture.calleeYaml("orders", v1.port()),
                push,
                token(admin, "orders-v1"),
                stateDir.resolve("orders-v1"),
                "");
        ordersV2 = PushFixture.sidecar(
                PushFixture.calleeYaml("orders", v2.port()),
                push,
                token(admin, "orders-v2"),
                stateDir.resolve("orders-v2"),
                "");
        web = PushFixture.sidecar(
                webYaml(ingress(ordersV1), ingress(ordersV2), webApp.port()),
                push,
                token(admin, "web"),
                stateDir.resolve("web"),
                "orders");
        await().atMost(Duration.ofSeconds(20)).until(() -> List.of(ordersV1, ordersV2, web).stream()
                .allMatch(s -> s.controlPlane().acks() >= 1));

        // As a mesh instance is registered: the service at its sidecar's ingress, with its labels.
        register(ingress(ordersV1), "1");
        register(ingress(ordersV2), "2");
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(sidecarsOfOrders(admin)).hasSize(2));

        HttpClient client = PushFixture.client(LOOPS);
        int egress = web.listenerAddress("egress").getPort();
        traffic = Flux.interval(CALL_EVERY)
                .onBackpressureDrop()
                .flatMap(
                        i -> client.headers(h -> h.set("Host", "orders"))
                                .get()
                                .uri("http://127.0.0.1:" + egress + "/orders/" + i)
                                .responseSingle((res, body) -> body.asString().defaultIfEmpty(""))
                                .doOnNext(b -> ANSWERED.incrementAndGet())
                                .onErrorResume(e -> Mono.empty()),
                        16)
                .subscribe();
        await().atMost(Duration.ofSeconds(20)).until(() -> ANSWERED.get() > 10);
    }

    @AfterAll
    static void stop() throws Exception {
        if (traffic != null) {
            traffic.dispose();
        }
        for (Sidecar s : new Sidecar[] {web, ordersV1, ordersV2}) {
            if (s != null) {
                s.stop(Duration.ofSeconds(1));
            }
        }
        for (DisposableServer server : new DisposableServer[] {v1, v2, webApp}) {
            if (server != null) {
                server.disposeNow();
            }
        }
        if (platform != null) {
            platform.close();
        }
        LOOPS.dispose();
        RunningPlatform.deleteTree(dataDir);
        RunningPlatform.deleteTree(stateDir);
    }

    @Test
    void theConsoleShowsLiveTrafficItsSplitAndTheCallGraph() throws Exception {
        ConsoleE2e.run(
                "e2e/traffic.e2e.mjs",
                platform,
                Map.of("CONSOLE_SERVICE", "orders", "CONSOLE_CALLER", "web"),
                Duration.ofMinutes(6),
                List.of("overview-traffic", "topology"));
    }

    /** The caller: its own app {@code web}, an egress listener, and {@code orders} = the two versions' sidecars. */
    private static String webYaml(int v1Ingress, int v2Ingress, int appPort) {
        return """
                listeners:
                  - {name: egress, direction: egress, protocol: http, address: 127.0.0.1, port: 0}
                services:
                  - {name: web, address: 127.0.0.1, port: %d}
                clusters:
                  - name: orders
                    outlier: {consecutiveFailures: 0}
                    retry: {maxRetries: 0}
                    endpoints:
                      - {host: 127.0.0.1, port: %d, metadata: {version: "1"}}
                      - {host: 127.0.0.1, port: %d, metadata: {version: "2"}}
                """
                .formatted(appPort, v1Ingress, v2Ingress);
    }

    private static int ingress(Sidecar sidecar) {
        return sidecar.listenerAddress("ingress").getPort();
    }

    private static void register(int port, String version) {
        platform.bean(RegistryServer.class)
                .naming()
                .registerInstance(
                        new ServiceKey("public", "DEFAULT_GROUP", "orders"),
                        Instance.fromJson(
                                null,
                                "127.0.0.1",
                                port,
                                null,
                                null,
                                null,
                                false,
                                null,
                                "orders",
                                Map.of("dualmode.mode", "mesh", "version", version)));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> sidecarsOfOrders(Api admin) {
        return admin.getList("/api/v1/inventory/services").stream()
                .filter(s -> s.get("name").equals("orders"))
                .flatMap(s -> ((List<Map<String, Object>>) s.get("instances")).stream())
                .map(i -> i.get("sidecar"))
                .filter(Objects::nonNull)
                .toList();
    }

    private static String token(Api admin, String name) {
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
