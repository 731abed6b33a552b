package io.dualmode.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dualmode.governance.push.ErrorDetail;
import io.dualmode.governance.push.Resource;
import io.dualmode.governance.push.ResourceKey;
import io.dualmode.governance.rule.RuleKind;
import io.dualmode.governance.validation.GovernanceJson;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.config.ConfigLoader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The governance filters on live HTTP traffic through one sidecar (egress and ingress listeners), rules applied
 * directly to its {@code Governance} as a push would, with BlockHound watching the event loops.
 */
@org.junit.jupiter.api.Timeout(120)
class GovernanceFiltersIntegrationTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final ConnectionProvider provider = ConnectionProvider.create("governance-test", 8);
    private final HttpClient client = HttpClient.create(provider).responseTimeout(Duration.ofSeconds(10));
    private Backend v1;
    private Backend v2;
    private Sidecar sidecar;
    private long version;

    private void start(String governance) {
        v1 = keep(new Backend("v1", "127.0.0.2"));
        v2 = keep(new Backend("v2", "127.0.0.3"));
        sidecar = keep(Sidecar.create(ConfigLoader.parse(
                        """
                        workers: 1
                        admin: {port: -1}
                        drainTimeout: 1s
                        %s
                        listeners:
                          - {name: egress, direction: egress, protocol: http, address: 127.0.0.1, port: 0}
                          - {name: ingress, direction: ingress, protocol: http, address: 127.0.0.1, port: 0}
                        services:
                          - {name: orders, address: %s, port: %d}
                        clusters:
                          - name: orders
                            outlier: {consecutiveFailures: 0}
                            endpoints:
                              - {host: %s, port: %d, metadata: {version: "1"}}
                              - {host: %s, port: %d, metadata: {version: "2"}}
                        """
                                .formatted(
                                        governance, v1.host(), v1.port(), v1.host(), v1.port(), v2.host(), v2.port()),
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

    @Test
    void routingSendsEveryCallToTheSubsetByLabels() {
        start("");
        apply(
                RuleKind.ROUTING,
                """
                {"subsets": [{"name": "v2", "labels": {"version": "2"}}],
                 "routes": [{"name": "all", "destinations": [{"subset": "v2"}]}]}""");
        for (int i = 0; i < 20; i++) {
            assertThat(call("egress", "/x", Map.of()).body()).startsWith("v2 ");
        }
        assertThat(v1.hits.get()).isZero();
    }

    @Test
    void aMatchingHeaderRouteTakesPrecedence() {
        start("");
        apply(
                RuleKind.ROUTING,
                """
                {"subsets": [{"name": "v1", "labels": {"version": "1"}}, {"name": "v2", "labels": {"version": "2"}}],
                 "routes": [{"name": "canary", "match": {"headers": [{"name": "x-canary", "exact": "true"}]},
                             "destinations": [{"subset": "v2"}]},
                            {"name": "rest", "destinations": [{"subset": "v1"}]}]}""");
        assertThat(call("egress", "/x", Map.of("x-canary", "true")).body()).startsWith("v2 ");
        assertThat(call("egress", "/x", Map.of()).body()).startsWith("v1 ");
    }

    @Test
    void anInjectedDelayHoldsTheCallOnTheEventLoopTimerWithoutBlocking() {
        start("");
        apply(
                RuleKind.FAULT_INJECTION,
                """
                {"faults": [{"match": {"methods": ["/slowed"]}, "delay": {"fixedDelayMillis": 300, "percent": 100}}]}""");
        long t0 = System.nanoTime();
        assertThat(call("egress", "/slowed/1", Map.of()).status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        long t1 = System.nanoTime();
        assertThat(call("egress", "/other", Map.of()).status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - t1)).isLessThan(Duration.ofMillis(300));
    }

    @Test
    void aTimeoutRuleOverridesTheClusterTimeout() {
        start("");
        apply(RuleKind.TIMEOUT_RETRY, """
                {"requestTimeoutMillis": 200}""");
        Reply r = call("egress", "/slow", Map.of());
        assertThat(r.status()).isEqualTo(504);
        assertThat(r.error()).isEqualTo("SIDECAR-0015");
    }

    @Test
    void theCalleeDeniesAndRateLimitsAtIngressOnly() {
        start("");
        apply(
                RuleKind.ACCESS_CONTROL,
                """
                {"defaultAction": "deny", "policies": [{"name": "web", "action": "allow", "callers": ["web"]}]}""");
        assertThat(call("ingress", "/x", Map.of("x-dualmode-caller", "web")).status())
                .isEqualTo(200);
        assertThat(call("ingress", "/x", Map.of()).error()).isEqualTo("SIDECAR-0044");
        assertThat(call("egress", "/x", Map.of()).status())
                .as("egress ignores access rules")
                .isEqualTo(200);

        apply(RuleKind.RATE_LIMIT, """
                {"limits": [{"name": "all", "scope": "local", "qps": 5}]}""");
        int limited = 0;
        for (int i = 0; i < 30; i++) {
            limited += call("ingress", "/x", Map.of("x-dualmode-caller", "web")).status() == 429 ? 1 : 0;
        }
        assertThat(limited).isGreaterThanOrEqualTo(15);
    }

    @Test
    void aBurstLetsThatManyCallsAboveTheRatePassAtOnce() {
        start("");
        apply(
                RuleKind.RATE_LIMIT,
                """
                {"limits": [{"name": "all", "scope": "local", "qps": 1, "burst": 5}]}""");
        int passed = 0;
        for (int i = 0; i < 12; i++) {
            Reply r = call("ingress", "/x", Map.of());
            if (r.status() == 200) {
                passed++;
            } else {
                assertThat(r.status()).isEqualTo(429);
                assertThat(r.error()).isEqualTo("SIDECAR-0045");
            }
        }
        // 1 + 5 at once, plus at most what refills at 1 a second while the 12 calls run
        assertThat(passed).isBetween(6, 8);
    }

    @Test
    void adaptiveConcurrencyShedsTheExcessOfConcurrentCallsAtIngressAndCallsUnderItPass() {
        start("");
        apply(RuleKind.RATE_LIMIT, """
                {"adaptive": {"maxConcurrency": 2}}""");
        assertThat(call("ingress", "/x", Map.of()).status())
                .as("a call under the threshold passes")
                .isEqualTo(200);
        var first = callLater("ingress", "/hold");
        var second = callLater("ingress", "/hold");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> v1.held.get() == 2);
        Reply shed = call("ingress", "/x", Map.of());
        assertThat(shed.status()).isEqualTo(429);
        assertThat(shed.error()).isEqualTo("SIDECAR-0260");
        assertThat(shed.body()).contains("service 'orders' shed by adaptive limit: concurrency 3 > 2");
        assertThat(call("egress", "/x", Map.of()).status())
                .as("egress ignores adaptive limits")
                .isEqualTo(200);
        v1.release.tryEmitValue("go");
        assertThat(first.join().status()).isEqualTo(200);
        assertThat(second.join().status()).isEqualTo(200);
        assertThat(call("ingress", "/x", Map.of()).status())
                .as("the completed calls left the count")
                .isEqualTo(200);
    }

    @Test
    void aClusterScopeRateLimitIsAppliedNotRefused() {
        start("");
        ErrorDetail error = sidecar.governance()
                .apply(
                        List.of(
                                resource(
                                        RuleKind.RATE_LIMIT,
                                        """
                                {"limits": [{"name": "all", "scope": "cluster", "qps": 40}],
                                 "adaptive": {"maxCpuUsage": 1.0, "maxSystemLoad": 10000}}""")),
                        List.of());
        assertThat(error).isNull();
        assertThat(sidecar.governance().snapshot().clusterInstances())
                .as("the cluster 'orders' lists the service's two instances")
                .containsEntry("orders", 2);
    }

    @Test
    void theCallersSidecarSetsTheCallerIdentityTheCalleeChecks() {
        start("governance: {callerIdentity: web}");
        apply(
                RuleKind.ACCESS_CONTROL,
                """
                {"defaultAction": "deny", "policies": [{"name": "web", "action": "allow", "callers": ["web"]}]}""");
        sidecar.clusters()
                .update(
                        "orders",
                        List.of(io.dualmode.sidecar.cluster.Endpoint.of(
                                "127.0.0.1", sidecar.listenerAddress("ingress").getPort())));
        assertThat(call("egress", "/x", Map.of()).status()).isEqualTo(200);
        assertThat(call("egress", "/x", Map.of("x-dualmode-caller", "mallory")).status())
                .as("the identity the caller's sidecar sets comes first and wins")
                .isEqualTo(200);
        assertThat(call("ingress", "/x", Map.of()).error()).isEqualTo("SIDECAR-0044");
    }

    @Test
    void aSwitchedOffFilterIgnoresItsRules() {
        start("governance: {faultInjection: false}");
        apply(
                RuleKind.FAULT_INJECTION,
                """
                {"faults": [{"abort": {"status": 503, "percent": 100}}]}""");
        assertThat(call("egress", "/x", Map.of()).status()).isEqualTo(200);
    }

    @Test
    void aSetWithARuleThisSidecarCannotReadIsRejectedWholeAndTheOldRulesStay() {
        start("");
        apply(
                RuleKind.FAULT_INJECTION,
                """
                {"faults": [{"abort": {"status": 418, "percent": 100}}]}""");
        String digest = sidecar.governance().digest();
        ErrorDetail error = sidecar.governance()
                .apply(
                        List.of(
                                // a field of a newer model than this sidecar's (a mixed-version upgrade)
                                resource(
                                        RuleKind.CIRCUIT_BREAKER,
                                        """
                                        {"outlierDetection": {"consecutiveErrors": 5, "successRateMinHosts": 3}}"""),
                                resource(
                                        RuleKind.FAULT_INJECTION,
                                        """
                                        {"faults": [{"delay": {"fixedDelayMillis": 1, "percent": 1}}]}""")),
                        List.of());
        assertThat(error.code()).startsWith("GOV-");
        assertThat(error.message()).contains("successRateMinHosts");
        assertThat(error.problems())
                .singleElement()
                .satisfies(p -> assertThat(p.key().kind()).isEqualTo(RuleKind.CIRCUIT_BREAKER));
        assertThat(sidecar.governance().digest()).isEqualTo(digest);
        assertThat(call("egress", "/x", Map.of()).status()).isEqualTo(418);
    }

    private void apply(RuleKind kind, String json) {
        ErrorDetail error = sidecar.governance().apply(List.of(resource(kind, json)), List.of());
        assertThat(error).isNull();
    }

    private Resource resource(RuleKind kind, String json) {
        try {
            JsonNode body = GovernanceJson.mapper().readTree(json);
            return new Resource(new ResourceKey(kind, "orders"), ++version, body);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private Reply call(String listener, String path, Map<String, String> headers) {
        return client.headers(h -> {
                    h.set("Host", "orders");
                    headers.forEach(h::set);
                })
                .get()
                .uri("http://127.0.0.1:" + sidecar.listenerAddress(listener).getPort() + path)
                .responseSingle((res, body) -> body.asString(StandardCharsets.UTF_8)
                        .defaultIfEmpty("")
                        .map(b -> new Reply(
                                res.status().code(), res.responseHeaders().get("x-dualmode-error"), b)))
                .block(Duration.ofSeconds(15));
    }

    private java.util.concurrent.CompletableFuture<Reply> callLater(String listener, String path) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> call(listener, path, Map.of()));
    }

    private <T extends AutoCloseable> T keep(T c) {
        closeables.add(c);
        return c;
    }

    private record Reply(int status, String error, String body) {}
}
