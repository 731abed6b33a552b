package io.dualmode.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dualmode.governance.push.ErrorDetail;
import io.dualmode.governance.push.Resource;
import io.dualmode.governance.push.ResourceKey;
import io.dualmode.governance.rule.RuleKind;
import io.dualmode.governance.validation.GovernanceJson;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.config.ConfigLoader;
import io.dualmode.sidecar.internal.metrics.SidecarMetrics;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.tcp.TcpServer;

/**
 * Routing features beyond weighted subsets on live HTTP/1.1 traffic through one sidecar's egress: traffic mirroring
 * (a copy of a share of calls to a subset, replies dropped, the caller never affected), {@code delegateTo} (another
 * service's routing rule decides), and the retry rule's back-off and budget.
 */
@Timeout(90)
class RoutingMirrorIntegrationTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final ConnectionProvider provider = ConnectionProvider.create("mirror-test", 8);
    private final HttpClient client = HttpClient.create(provider).responseTimeout(Duration.ofSeconds(10));
    private Sidecar sidecar;
    private long version;

    /** A sidecar whose cluster 'orders' has a primary (version 1) and a mirror (version 2) endpoint. */
    private void start(String primaryHost, int primaryPort, String mirrorHost, int mirrorPort) {
        sidecar = keep(Sidecar.create(ConfigLoader.parse(
                        """
                        workers: 1
                        admin: {port: -1}
                        drainTimeout: 1s
                        listeners:
                          - {name: egress, direction: egress, protocol: http, address: 127.0.0.1, port: 0}
                        clusters:
                          - name: orders
                            requestTimeout: 2s
                            outlier: {consecutiveFailures: 0}
                            endpoints:
                              - {host: %s, port: %d, metadata: {version: "1"}}
                              - {host: %s, port: %d, metadata: {version: "2"}}
                        """
                                .formatted(primaryHost, primaryPort, mirrorHost, mirrorPort),
                        "test"))
                .start());
    }

    @AfterEach
    void stop() throws Exception {
        provider.disposeLater().block(Duration.ofSeconds(5));
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private static final String MIRROR_ALL =
            """
            {"subsets": [{"name": "v1", "labels": {"version": "1"}}, {"name": "v2", "labels": {"version": "2"}}],
             "routes": [{"name": "all", "destinations": [{"subset": "v1"}],
                         "mirror": {"subset": "v2", "percent": %s}}]}""";

    @Test
    void aFullMirrorCopiesEveryCallWithItsBodyWhileTheCallerOnlySeesThePrimary() {
        Backend v1 = keep(new Backend("v1", "127.0.0.41"));
        Backend v2 = keep(new Backend("v2", "127.0.0.42"));
        start(v1.host(), v1.port(), v2.host(), v2.port());
        apply("orders", RuleKind.ROUTING, MIRROR_ALL.formatted(100));
        for (int i = 0; i < 30; i++) {
            String body = "order-" + i + "-" + "x".repeat(i * 10);
            Reply r = call("POST", "/orders", body);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("v1 POST /orders " + body.length());
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> v2.hits.get() == 30);
        assertThat(v1.hits.get()).isEqualTo(30);
        assertThat(v1.received).allMatch(s -> s.startsWith("null "), "the primary never sees the mirror header");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            expected.add("true order-" + i + "-" + "x".repeat(i * 10));
        }
        assertThat(v2.received).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(metrics().mirror.count()).isEqualTo(30);
        assertThat(metrics().mirrorFailed.count()).isZero();
    }

    @Test
    void aHalfMirrorCopiesRoughlyHalfTheCalls() {
        Backend v1 = keep(new Backend("v1", "127.0.0.43"));
        Backend v2 = keep(new Backend("v2", "127.0.0.44"));
        start(v1.host(), v1.port(), v2.host(), v2.port());
        apply("orders", RuleKind.ROUTING, MIRROR_ALL.formatted(50));
        for (int i = 0; i < 400; i++) {
            assertThat(call("GET", "/x", null).body()).startsWith("v1 ");
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> v2.hits.get() == (int) metrics().mirror.count());
        // binomial(400, 0.5): mean 200, standard deviation 10; 140..260 is six deviations either side
        assertThat(v2.hits.get()).isBetween(140, 260);
        assertThat(v1.hits.get()).isEqualTo(400);
    }

    @Test
    void aDeadMirrorHostNeverFailsTheCallerAndItsFailuresAreCounted() {
        Backend v1 = keep(new Backend("v1", "127.0.0.45"));
        Blackhole resetter = keep(new Blackhole("127.0.0.46"));
        start(v1.host(), v1.port(), resetter.host(), resetter.port());
        apply("orders", RuleKind.ROUTING, MIRROR_ALL.formatted(100));
        for (int i = 0; i < 20; i++) {
            Reply r = call("POST", "/orders", "body-" + i);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).startsWith("v1 POST");
        }
        await().atMost(Duration.ofSeconds(20))
                .until(() -> metrics().mirrorFailed.count() == 20);
        assertThat(v1.hits.get()).isEqualTo(20);
    }

    @Test
    void aMirrorHostThatNeverAnswersDoesNotHoldTheCallerAndIsCutAtTheRequestTimeout() {
        Backend v1 = keep(new Backend("v1", "127.0.0.47"));
        DisposableServer silent = TcpServer.create()
                .host("127.0.0.48")
                .port(0)
                .handle((in, out) -> in.receive().then(Mono.never()))
                .bindNow(Duration.ofSeconds(5));
        keep(() -> silent.disposeNow(Duration.ofSeconds(5)));
        start(v1.host(), v1.port(), silent.host(), silent.port());
        apply("orders", RuleKind.ROUTING, MIRROR_ALL.formatted(100));
        for (int i = 0; i < 10; i++) {
            assertThat(call("GET", "/x", null).body()).startsWith("v1 GET /x");
        }
        assertThat(metrics().mirror.count()).isEqualTo(10);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> metrics().mirrorFailed.count() == 10);
    }

    @Test
    void aBodyLargerThanTheKeptLimitIsNotMirroredAndIsCounted() {
        Backend v1 = keep(new Backend("v1", "127.0.0.49"));
        Backend v2 = keep(new Backend("v2", "127.0.0.50"));
        start(v1.host(), v1.port(), v2.host(), v2.port());
        apply("orders", RuleKind.ROUTING, MIRROR_ALL.formatted(100));
        String big = "y".repeat(200_000);
        assertThat(call("POST", "/big", big).body()).isEqualTo("v1 POST /big 200000");
        assertThat(call("POST", "/small", "s").body()).isEqualTo("v1 POST /small 1");
        await().atMost(Duration.ofSeconds(20)).until(() -> v2.hits.get() == 1);
        assertThat(v2.received).containsExactly("true s");
        assertThat(metrics().mirrorSkipped.count()).isEqualTo(1);
    }

    @Test
    void aRouteDelegatedToAnotherServicesRuleIsRoutedByThatRule() {
        Backend v1 = keep(new Backend("v1", "127.0.0.51"));
        Backend v2 = keep(new Backend("v2", "127.0.0.52"));
        start(v1.host(), v1.port(), v2.host(), v2.port());
        String orders =
                """
                {"subsets": [{"name": "v1", "labels": {"version": "1"}}],
                 "routes": [{"name": "beta", "match": {"headers": [{"name": "x-beta", "exact": "true"}]},
                             "delegateTo": "beta-routing"},
                            {"name": "rest", "destinations": [{"subset": "v1"}]}]}""";
        apply("orders", RuleKind.ROUTING, orders);
        for (int i = 0; i < 5; i++) {
            assertThat(call("GET", "/x", null, Map.of("x-beta", "true")).body())
                    .as("the delegate has no rule yet: any host")
                    .matches("v[12] GET /x 0");
        }
        apply(
                "beta-routing",
                RuleKind.ROUTING,
                """
                {"subsets": [{"name": "v2", "labels": {"version": "2"}}],
                 "routes": [{"name": "all", "destinations": [{"subset": "v2"}]}]}""");
        for (int i = 0; i < 10; i++) {
            assertThat(call("GET", "/x", null, Map.of("x-beta", "true")).body()).startsWith("v2 ");
            assertThat(call("GET", "/x", null).body()).startsWith("v1 ");
        }
    }

    @Test
    void aDelegationLoopInThePushedSetIsRefusedWholeAndTheOldRulesStay() {
        Backend v1 = keep(new Backend("v1", "127.0.0.55"));
        Backend v2 = keep(new Backend("v2", "127.0.0.56"));
        start(v1.host(), v1.port(), v2.host(), v2.port());
        apply(
                "orders",
                RuleKind.ROUTING,
                """
                {"subsets": [{"name": "v2", "labels": {"version": "2"}}],
                 "routes": [{"name": "all", "destinations": [{"subset": "v2"}]}]}""");
        String digest = sidecar.governance().digest();
        ErrorDetail error = sidecar.governance()
                .apply(
                        List.of(
                                resource(
                                        "orders",
                                        RuleKind.ROUTING,
                                        """
                                        {"routes": [{"name": "all", "delegateTo": "a"}]}"""),
                                resource(
                                        "a",
                                        RuleKind.ROUTING,
                                        """
                                        {"routes": [{"name": "all", "delegateTo": "orders"}]}""")),
                        List.of());
        assertThat(error.code()).isEqualTo("GOV-0011");
        assertThat(error.message()).contains("delegation loops back");
        assertThat(sidecar.governance().digest()).isEqualTo(digest);
        assertThat(call("GET", "/x", null).body()).startsWith("v2 ");
    }

    @Test
    void aRetryWaitsForTheBackOffAndRetriesA5xxWhenTheRuleNamesIt() {
        Queue<Long> arrivals = new ConcurrentLinkedQueue<>();
        DisposableServer flaky = HttpServer.create()
                .host("127.0.0.53")
                .port(0)
                .handle((req, res) -> {
                    arrivals.add(System.nanoTime());
                    return arrivals.size() == 1
                            ? res.status(HttpResponseStatus.SERVICE_UNAVAILABLE).sendString(Mono.just("busy"))
                            : res.sendString(Mono.just("ok"));
                })
                .bindNow(Duration.ofSeconds(5));
        keep(() -> flaky.disposeNow(Duration.ofSeconds(5)));
        start(flaky.host(), flaky.port(), flaky.host(), flaky.port());
        apply(
                "orders",
                RuleKind.TIMEOUT_RETRY,
                """
                {"requestTimeoutMillis": 5000,
                 "retry": {"attempts": 1, "retryOn": ["5xx"], "backoffMillis": 300}}""");
        Reply r = call("GET", "/x", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok");
        List<Long> at = new ArrayList<>(arrivals);
        assertThat(at).hasSize(2);
        assertThat(Duration.ofNanos(at.get(1) - at.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aZeroRetryBudgetInTheRuleStopsRetries() {
        Queue<Long> arrivals = new ConcurrentLinkedQueue<>();
        DisposableServer failing = HttpServer.create()
                .host("127.0.0.54")
                .port(0)
                .handle((req, res) -> {
                    arrivals.add(System.nanoTime());
                    return res.status(HttpResponseStatus.SERVICE_UNAVAILABLE).sendString(Mono.just("busy"));
                })
                .bindNow(Duration.ofSeconds(5));
        keep(() -> failing.disposeNow(Duration.ofSeconds(5)));
        start(failing.host(), failing.port(), failing.host(), failing.port());
        apply(
                "orders",
                RuleKind.TIMEOUT_RETRY,
                """
                {"retry": {"attempts": 2, "retryOn": ["5xx"],
                           "budget": {"budgetPercent": 0, "minRetriesPerSecond": 0}}}""");
        assertThat(call("GET", "/x", null).status()).isEqualTo(503);
        assertThat(arrivals).hasSize(1);
        assertThat(metrics().retryOverflow.count()).isEqualTo(1);

        apply("orders", RuleKind.TIMEOUT_RETRY, """
                {"retry": {"attempts": 2, "retryOn": ["5xx"]}}""");
        assertThat(call("GET", "/x", null).status()).isEqualTo(503);
        assertThat(arrivals)
                .as("without the rule's budget the cluster's allows the retries")
                .hasSize(4);
    }

    private SidecarMetrics.ClusterMetrics metrics() {
        return sidecar.clusters().cluster("orders").metrics();
    }

    private void apply(String service, RuleKind kind, String json) {
        ErrorDetail error = sidecar.governance().apply(List.of(resource(service, kind, json)), List.of());
        assertThat(error).as("the rule is acknowledged").isNull();
    }

    private Resource resource(String service, RuleKind kind, String json) {
        try {
            JsonNode body = GovernanceJson.mapper().readTree(json);
            return new Resource(new ResourceKey(kind, service), ++version, body);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private Reply call(String method, String path, String body) {
        return call(method, path, body, Map.of());
    }

    private Reply call(String method, String path, String body, Map<String, String> headers) {
        HttpClient.RequestSender sender = client.headers(h -> {
                    h.set("Host", "orders");
                    headers.forEach(h::set);
                })
                .request(io.netty.handler.codec.http.HttpMethod.valueOf(method))
                .uri("http://127.0.0.1:" + sidecar.listenerAddress("egress").getPort() + path);
        HttpClient.ResponseReceiver<?> receiver =
                body == null ? sender : sender.send(ByteBufFlux.fromString(Mono.just(body)));
        return receiver.responseSingle((res, b) -> b.asString(StandardCharsets.UTF_8)
                        .defaultIfEmpty("")
                        .map(s -> new Reply(res.status().code(), s)))
                .block(Duration.ofSeconds(15));
    }

    private <T extends AutoCloseable> T keep(T c) {
        closeables.add(c);
        return c;
    }

    private record Reply(int status, String body) {}
}
