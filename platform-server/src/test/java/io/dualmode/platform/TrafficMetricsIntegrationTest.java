package io.dualmode.platform;

import static io.dualmode.platform.PushFixture.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.dualmode.governance.push.DiscoveryRequest;
import io.dualmode.governance.push.DiscoveryResponse;
import io.dualmode.governance.push.LoadReport;
import io.dualmode.platform.metrics.NodeTraffic;
import io.dualmode.platform.metrics.SidecarTraffic;
import io.dualmode.platform.metrics.TrafficMetrics;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
    private boolean driven;

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
        drive();

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

    @Test
    void theCallersSidecarAlsoReportsItsCallsByUpstreamEndpoint() {
        TrafficMetrics traffic = platform.bean(TrafficMetrics.class);
        drive();
        String endpoint = "127.0.0.1:" + orders.listenerAddress("ingress").getPort();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            NodeTraffic toEndpoint = traffic.egressTo("orders", List.of(endpoint), MINUTE);
            assertThat(toEndpoint.requests()).isEqualTo(25);
            assertThat(toEndpoint.errors()).isEqualTo(5);
        });
        assertThat(traffic.egressTo("orders", List.of("127.0.0.1:1"), MINUTE)).isEqualTo(NodeTraffic.NONE);
        assertThat(traffic.egressTo("orders", MINUTE).requests())
                .as("the service's figure counts each call once")
                .isEqualTo(25);
    }

    @Test
    void theServiceViewShowsRequestsErrorsLatencyAndASeriesToAnyRole() {
        drive();
        Api viewer = viewer();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                        service(viewer.getList("/api/v1/metrics/services?window=60s"), "orders"))
                .containsEntry("requests", 25)
                .containsEntry("errors", 5)
                .containsEntry("errorRate", 0.2));
        Map<String, Object> orders = service(viewer.getList("/api/v1/metrics/services?window=60s"), "orders");
        assertThat(((Number) orders.get("rps")).doubleValue()).isEqualTo(25 / 60.0, within(0.001));
        assertThat(((Number) orders.get("p50Millis")).doubleValue()).isPositive();
        assertThat(((Number) orders.get("p99Millis")).doubleValue())
                .isGreaterThanOrEqualTo(((Number) orders.get("p50Millis")).doubleValue());
        assertThat(orders).doesNotContainKey("direction");
        List<Map<String, Object>> series = points(orders);
        assertThat(series).hasSize(12);
        assertThat(series).allSatisfy(p -> assertThat(p).containsOnlyKeys("at", "rps", "errorRate", "p99Millis"));
        assertThat(series.stream()
                        .mapToDouble(p -> ((Number) p.get("rps")).doubleValue() * 5)
                        .sum())
                .isEqualTo(25, within(0.01));
        long first = ((Number) series.get(0).get("at")).longValue();
        assertThat(((Number) series.get(1).get("at")).longValue() - first).isEqualTo(5_000);
        assertThat(first).isBetween(System.currentTimeMillis() - 62_000, System.currentTimeMillis() - 50_000);
        assertThat(viewer.getList("/api/v1/metrics/services?window=5m"))
                .as("a service without ingress traffic is left out")
                .extracting(m -> m.get("service"))
                .contains("orders")
                .doesNotContain("web");
    }

    @Test
    void aNodeShowsItsIngressOrEgressAndAnUnknownNodeIs404() {
        drive();
        Api viewer = viewer();

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(viewer.getList("/api/v1/metrics/nodes/web-1?window=60s"))
                        .singleElement()
                        .satisfies(e -> assertThat(e)
                                .containsEntry("direction", "egress")
                                .containsEntry("service", "orders")
                                .containsEntry("requests", 25)
                                .containsEntry("errors", 5)));
        assertThat(viewer.getList("/api/v1/metrics/nodes/orders-1?window=60s"))
                .singleElement()
                .satisfies(e -> assertThat(e)
                        .containsEntry("direction", "ingress")
                        .containsEntry("service", "orders")
                        .containsEntry("requests", 25)
                        .containsKey("series"));

        viewer.get("/api/v1/metrics/nodes/nobody-1?window=60s")
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PLATFORM-0701")
                .jsonPath("$.message")
                .value(m -> assertThat((String) m).contains("nobody-1"));
    }

    @Test
    void theTopologyHasTheEdgeFromCallerToCalleeAndTheInstancesByMode() {
        drive();
        Api viewer = viewer();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Map<String, Object> topology = viewer.getMap("/api/v1/topology?window=60s");
            assertThat(list(topology, "edges")).singleElement().satisfies(e -> assertThat(e)
                    .containsEntry("source", "web")
                    .containsEntry("target", "orders")
                    .containsEntry("errorRate", 0.2));
            assertThat(list(topology, "nodes"))
                    .as("not registered: the sidecars' own reports count them, both in mesh mode")
                    .contains(Map.of("id", "web", "mesh", 1, "sdk", 0), Map.of("id", "orders", "mesh", 1, "sdk", 0));
        });
        Map<String, Object> edge =
                list(viewer.getMap("/api/v1/topology?window=60s"), "edges").get(0);
        assertThat(((Number) edge.get("rps")).doubleValue()).isEqualTo(25 / 60.0, within(0.001));
        assertThat(((Number) edge.get("p99Millis")).doubleValue()).isPositive();
    }

    @Test
    void aBadWindowIs400WithTheQueryErrorCode() {
        Api viewer = viewer();
        for (String bad : List.of("abc", "500ms", "0s", "11m", "-5s", "PT1H")) {
            for (String path : List.of(
                    "/api/v1/metrics/services?",
                    "/api/v1/metrics/nodes/web-1?",
                    "/api/v1/metrics/instances?service=orders&",
                    "/api/v1/topology?")) {
                viewer.get(path + "window=" + bad)
                        .expectStatus()
                        .isBadRequest()
                        .expectBody()
                        .jsonPath("$.code")
                        .isEqualTo("PLATFORM-0401")
                        .jsonPath("$.message")
                        .value(m -> assertThat((String) m).contains("window '" + bad + "'"));
            }
        }
        viewer.get("/api/v1/metrics/services?window=10m").expectStatus().isOk();
        viewer.get("/api/v1/metrics/services?window=PT30S").expectStatus().isOk();
    }

    @Test
    void instanceFiguresNeedAServiceThatHasInstances() {
        Api viewer = viewer();
        viewer.get("/api/v1/metrics/instances")
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PLATFORM-0401")
                .jsonPath("$.message")
                .value(m -> assertThat((String) m).contains("service is required"));
        viewer.get("/api/v1/metrics/instances?service=nowhere")
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PLATFORM-0702")
                .jsonPath("$.message")
                .value(m -> assertThat((String) m).contains("service nowhere").contains("no registered instances"));
    }

    @Test
    void theEndpointsAreInTheOpenApiDocument() {
        platform.client()
                .get()
                .uri("/v3/api-docs")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.paths['/api/v1/metrics/services'].get")
                .exists()
                .jsonPath("$.paths['/api/v1/metrics/nodes/{nodeId}'].get")
                .exists()
                .jsonPath("$.paths['/api/v1/metrics/instances'].get")
                .exists()
                .jsonPath("$.paths['/api/v1/topology'].get")
                .exists();
    }

    @Test
    void aMalformedReportIsDroppedWhileTheStreamKeepsAckingAndReporting() {
        SidecarTraffic traffic = platform.bean(SidecarTraffic.class);
        long rejectedBefore = traffic.rejected();
        try (PushFixture.RawStream stream = PushFixture.RawStream.open(loops, platform.port(), token("raw-1"))) {
            stream.send(new DiscoveryRequest(
                    "raw-1", Map.of("application", "raw"), List.of("raw-svc"), null, null, null, null, null));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> stream.responses().size() == 1);
            stream.send(ack(stream.responses().get(0)));

            stream.send(report(new LoadReport.Entry(LoadReport.INGRESS, "raw-svc", 3, 5, List.of(1L))));
            stream.send(report(new LoadReport.Entry(LoadReport.INGRESS, "raw-svc", 4, 1, buckets(0, 0, 4))));

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(traffic.ingress("raw-1", MINUTE))
                    .isEqualTo(new NodeTraffic(4, 1, 4.97)));
            assertThat(traffic.rejected()).isEqualTo(rejectedBefore + 1);

            admin.put(
                            "/api/v1/rules/rate-limit/raw-svc",
                            """
                    {"limits": [{"name": "all", "scope": "local", "qps": 10}]}""",
                            null)
                    .expectStatus()
                    .isOk();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> stream.responses().size() == 2);
            stream.send(ack(stream.responses().get(1)));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(admin.getList("/api/v1/push/sidecars").stream()
                                    .filter(st -> st.get("principal").equals("sidecar:raw-1"))
                                    .findFirst()
                                    .orElseThrow())
                            .containsEntry("acks", 2)
                            .containsEntry("nacks", 0));
        }
    }

    private static DiscoveryRequest ack(DiscoveryResponse response) {
        return new DiscoveryRequest("raw-1", null, null, null, null, response.nonce(), null, null);
    }

    private static DiscoveryRequest report(LoadReport.Entry entry) {
        return new DiscoveryRequest(
                "raw-1", null, null, null, null, null, null, null, new LoadReport(200, List.of(entry)));
    }

    /** Latency buckets with the first counts given and the rest 0. */
    private static List<Long> buckets(long... first) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < LoadReport.BUCKETS; i++) {
            out.add(i < first.length ? first[i] : 0L);
        }
        return out;
    }

    /** 20 good calls and 5 failing ones from web to orders, once per test class. */
    private synchronized void drive() {
        if (driven) {
            return;
        }
        driven = true;
        assertThat(platform.bean(TrafficMetrics.class).ingress("orders-1", MINUTE))
                .isEqualTo(NodeTraffic.NONE);
        call(20, 200);
        failing.set(true);
        call(5, 500);
        failing.set(false);
    }

    private Api viewer() {
        String name = "viewer-" + UUID.randomUUID().toString().substring(0, 8);
        admin.post("/api/v1/users", Map.of("username", name, "password", "password-123", "role", "viewer"))
                .expectStatus()
                .isCreated();
        return new Api(platform.client(), platform.login(name, "password-123"));
    }

    private static Map<String, Object> service(List<Map<String, Object>> services, String name) {
        return services.stream()
                .filter(s -> s.get("service").equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in " + services));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> points(Map<String, Object> traffic) {
        return (List<Map<String, Object>>) traffic.get("series");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> map, String key) {
        return (List<Map<String, Object>>) map.get(key);
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
