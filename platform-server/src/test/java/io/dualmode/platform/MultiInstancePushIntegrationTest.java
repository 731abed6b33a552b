package io.dualmode.platform;

import static io.dualmode.platform.PushFixture.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualmode.governance.push.ResourceKey;
import io.dualmode.governance.rule.RuleKind;
import io.dualmode.platform.PushFixture.Reply;
import io.dualmode.platform.metrics.ServiceTraffic;
import io.dualmode.platform.metrics.SidecarTraffic;
import io.dualmode.sidecar.Sidecar;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.LoopResources;

/**
 * Two platform instances on one database (an H2 server on loopback, reached over TCP like PostgreSQL or MariaDB
 * would be): rules written through instance A reach the sidecars connected to instance B, only those subscribed to
 * the rule's service, and change their live traffic.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MultiInstancePushIntegrationTest {

    private static final String ABORT = """
            {"faults": [{"abort": {"status": 503, "percent": 100}}]}""";
    private static final String TEAPOT = """
            {"faults": [{"abort": {"status": 418, "percent": 100}}]}""";

    private final LoopResources loops = PushFixture.loops();
    private final Path dbDir = RunningPlatform.tempDir();
    private final Path dataA = RunningPlatform.tempDir();
    private final Path dataB = RunningPlatform.tempDir();
    private final Path stateDir = RunningPlatform.tempDir();
    private Server database;
    private RunningPlatform a;
    private RunningPlatform b;
    private Api onA;
    private Api onB;
    private DisposableServer v1;
    private DisposableServer v2;
    private DisposableServer other;
    private Sidecar orders;
    private Sidecar web;
    private Sidecar billing;
    private HttpClient client;

    @BeforeAll
    void start() throws SQLException {
        database = Server.createTcpServer("-tcpPort", "0", "-ifNotExists", "-baseDir", dbDir.toString())
                .start();
        String url = "jdbc:h2:tcp://127.0.0.1:" + database.getPort() + "/platform";
        a = RunningPlatform.start(properties(dataA, url));
        b = RunningPlatform.start(properties(dataB, url));
        String token = a.login("admin", RunningPlatform.ADMIN_PASSWORD);
        onA = new Api(a.client(), token);
        onB = new Api(b.client(), token);
        AtomicBoolean healthy = new AtomicBoolean();
        v1 = PushFixture.backend(loops, "v1", healthy);
        v2 = PushFixture.backend(loops, "v2", healthy);
        other = PushFixture.backend(loops, "billing", healthy);
        String pushA = "ws://127.0.0.1:" + a.port() + "/api/v1/push";
        String pushB = "ws://127.0.0.1:" + b.port() + "/api/v1/push";
        orders = PushFixture.sidecar(
                PushFixture.calleeYaml("orders", v1.port()), pushA, token("orders-1"), stateDir.resolve("o"), "");
        web = PushFixture.sidecar(
                PushFixture.callerYaml(orders.listenerAddress("ingress").getPort(), v2.port()),
                pushB,
                token("web-1"),
                stateDir.resolve("w"),
                "orders");
        billing = PushFixture.sidecar(
                PushFixture.calleeYaml("billing", other.port()), pushB, token("billing-1"), stateDir.resolve("b"), "");
        client = PushFixture.client(loops);
        await().atMost(Duration.ofSeconds(30)).until(() -> List.of(orders, web, billing).stream()
                .allMatch(s -> s.controlPlane().acks() == 1));
    }

    @AfterAll
    void stop() {
        for (Sidecar s : java.util.Arrays.asList(web, orders, billing)) {
            if (s != null) {
                s.stop(Duration.ofSeconds(1));
            }
        }
        for (DisposableServer s : java.util.Arrays.asList(v1, v2, other)) {
            if (s != null) {
                s.disposeNow();
            }
        }
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
        if (database != null) {
            database.stop();
        }
        loops.dispose();
        for (Path dir : List.of(dbDir, dataA, dataB, stateDir)) {
            RunningPlatform.deleteTree(dir);
        }
    }

    @Test
    void createUpdateRollbackAndDeleteThroughAReachTheCallerConnectedToB() {
        long billingResponses = billing.controlPlane().responses();
        long acks = web.controlPlane().acks();

        long created = version(onA.put("/api/v1/rules/fault-injection/orders", ABORT, null));
        awaitVersion(web, created);
        await().atMost(Duration.ofSeconds(5)).until(() -> web.controlPlane().acks() > acks);
        Reply aborted = get(client, egress(), "orders", Map.of());
        assertThat(aborted.status()).isEqualTo(503);
        assertThat(aborted.error()).isEqualTo("SIDECAR-0047");

        long updated = version(onA.put("/api/v1/rules/fault-injection/orders", TEAPOT, created));
        awaitVersion(web, updated);
        assertThat(get(client, egress(), "orders", Map.of()).status()).isEqualTo(418);

        long rolledBack = version(onA.client()
                .post()
                .uri("/api/v1/rules/fault-injection/orders/rollback")
                .contentType(MediaType.APPLICATION_JSON)
                .headers(h -> {
                    h.setBearerAuth(onA.token());
                    h.set(HttpHeaders.IF_MATCH, "\"" + updated + "\"");
                })
                .bodyValue(Map.of("toVersion", created))
                .exchange());
        awaitVersion(web, rolledBack);
        assertThat(get(client, egress(), "orders", Map.of()).status()).isEqualTo(503);

        onA.delete("/api/v1/rules/fault-injection/orders", rolledBack)
                .expectStatus()
                .is2xxSuccessful();
        awaitVersion(web, null);
        assertThat(get(client, egress(), "orders", Map.of()).body()).isIn("v1", "v2");

        assertThat(billing.controlPlane().responses()).isEqualTo(billingResponses);
        assertThat(billing.governance().versions()).isEmpty();
        // A shows the sidecar connected to B as B last published it.
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            for (Api api : List.of(onB, onA)) {
                Map<String, Object> status = sidecarStatus(api, "web-1");
                assertThat(status.get("upToDate")).isEqualTo(true);
                assertThat(status.get("configDigest"))
                        .isEqualTo(web.governance().digest());
                assertThat(status.get("expectedDigest"))
                        .isEqualTo(web.governance().digest());
                assertThat(((Number) status.get("acks")).longValue())
                        .isEqualTo(web.controlPlane().acks());
            }
        });
    }

    @Test
    void aRuleWrittenThroughBReachesTheCalleeConnectedToAAndBothInstancesShowItsStatus() {
        long version = version(onB.put(
                "/api/v1/rules/access-control/orders",
                """
                {"defaultAction": "allow", "policies": [{"name": "no-eve", "action": "deny", "callers": ["eve"]}]}""",
                null));
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> Objects.equals(
                        orders.governance().versions().get(new ResourceKey(RuleKind.ACCESS_CONTROL, "orders")),
                        version));
        Reply denied =
                get(client, orders.listenerAddress("ingress").getPort(), "orders", Map.of("x-dualmode-caller", "eve"));
        assertThat(denied.status()).isEqualTo(403);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            for (Api api : List.of(onA, onB)) {
                Map<String, Object> status = sidecarStatus(api, "orders-1");
                assertThat(status.get("upToDate")).isEqualTo(true);
                assertThat(status.get("configDigest"))
                        .isEqualTo(orders.governance().digest());
            }
        });
        onB.delete("/api/v1/rules/access-control/orders", version)
                .expectStatus()
                .is2xxSuccessful();
    }

    private static long version(org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec response) {
        Map<?, ?> view = response.expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        return ((Number) view.get("version")).longValue();
    }

    /** Within about a second of the write (the poll interval is 500 ms); generous for a loaded machine. */
    private static void awaitVersion(Sidecar sidecar, Long version) {
        ResourceKey key = new ResourceKey(RuleKind.FAULT_INJECTION, "orders");
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> Objects.equals(sidecar.governance().versions().get(key), version));
    }

    /** The status {@code api}'s instance shows for sidecar {@code name}; an assertion error (retried) until it does. */
    @Test
    void eachInstanceSeesTheTrafficOfTheSidecarsConnectedToTheOther() {
        Duration minute = Duration.ofMinutes(1);
        SidecarTraffic seenOnA = a.bean(SidecarTraffic.class);
        SidecarTraffic seenOnB = b.bean(SidecarTraffic.class);
        long egressBefore = seenOnA.egressTo("orders", minute).requests();
        long ingressBefore = ordersIngress(seenOnB, minute);
        for (int i = 0; i < 20; i++) {
            assertThat(get(client, egress(), "orders", Map.of()).status()).isEqualTo(200);
        }
        // web's egress is reported on its stream to B only, orders' ingress on its stream to A only (every 5 s);
        // each instance ends up with the same figures
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            long egress = seenOnB.egressTo("orders", minute).requests();
            assertThat(egress).isGreaterThanOrEqualTo(egressBefore + 20);
            assertThat(seenOnA.egressTo("orders", minute).requests()).isEqualTo(egress);
            long ingress = ordersIngress(seenOnA, minute);
            // the caller's cluster also holds the v2 backend, reached without the orders sidecar
            assertThat(ingress).isGreaterThan(ingressBefore);
            assertThat(ordersIngress(seenOnB, minute)).isEqualTo(ingress);
        });
    }

    @Test
    void whileTheDatabaseIsAwayWritesAre503AndTheSidecarsKeepTheirRulesThenEverythingResumes() throws Exception {
        String denyAll = """
                {"defaultAction": "deny"}""";
        String allowAll = """
                {"defaultAction": "allow"}""";
        String path = "/api/v1/rules/access-control/billing";
        ResourceKey key = new ResourceKey(RuleKind.ACCESS_CONTROL, "billing");
        int ingress = billing.listenerAddress("ingress").getPort();
        long first = version(onA.put(path, denyAll, null));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> Objects.equals(billing.governance().versions().get(key), first));
        assertThat(get(client, ingress, "billing", Map.of()).status()).isEqualTo(403);

        int port = database.getPort();
        database.stop();
        try {
            for (Api api : List.of(onA, onB)) {
                api.put(path, allowAll, first)
                        .expectStatus()
                        .isEqualTo(503)
                        .expectBody()
                        .jsonPath("$.code")
                        .isEqualTo("PLATFORM-0502");
            }
            // the sidecar connected to B keeps the rule it holds
            assertThat(get(client, ingress, "billing", Map.of()).status()).isEqualTo(403);
        } finally {
            database = Server.createTcpServer(
                            "-tcpPort", String.valueOf(port), "-ifNotExists", "-baseDir", dbDir.toString())
                    .start();
        }

        // back: the refused writes left nothing behind, and a write through A reaches the sidecar connected to B
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> onA.put(path, allowAll, first)
                                .returnResult(Map.class)
                                .getStatus()
                                .value()
                        == 200);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> Objects.equals(billing.governance().versions().get(key), first + 1));
        assertThat(get(client, ingress, "billing", Map.of()).status()).isEqualTo(200);
        onA.delete(path, first + 1).expectStatus().is2xxSuccessful();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> billing.governance().versions().get(key) == null);
    }

    private static long ordersIngress(SidecarTraffic traffic, Duration window) {
        return traffic.services(window).stream()
                .filter(t -> t.service().equals("orders"))
                .mapToLong(ServiceTraffic::requests)
                .sum();
    }

    private static Map<String, Object> sidecarStatus(Api api, String name) {
        List<Map<String, Object>> shown = api.getList("/api/v1/push/sidecars").stream()
                .filter(s -> s.get("principal").equals("sidecar:" + name))
                .toList();
        assertThat(shown)
                .as("the sidecar %s in this instance's list (peers' statuses arrive every sync)", name)
                .isNotEmpty();
        return shown.get(0);
    }

    private String token(String name) {
        return onA.post("/api/v1/sidecar-tokens", Map.of("name", name))
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("token")
                .toString();
    }

    private int egress() {
        return web.listenerAddress("egress").getPort();
    }

    private static Map<String, Object> properties(Path dataDir, String url) {
        Map<String, Object> p = RunningPlatform.baseProperties(dataDir);
        p.put("spring.datasource.url", url);
        p.put("spring.datasource.username", "sa");
        p.put("spring.datasource.password", "");
        return p;
    }
}
