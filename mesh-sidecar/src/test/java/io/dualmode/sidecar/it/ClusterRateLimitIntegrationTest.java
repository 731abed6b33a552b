package io.dualmode.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dualmode.governance.push.Resource;
import io.dualmode.governance.push.ResourceKey;
import io.dualmode.governance.rule.RuleKind;
import io.dualmode.governance.validation.GovernanceJson;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.cluster.Endpoint;
import io.dualmode.sidecar.config.ConfigLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * A cluster-scope rate limit over two instances of {@code orders}, each a real HTTP backend behind its own sidecar
 * whose cluster {@code orders} lists both instances (as its registry agent's subscription feeds it): each sidecar
 * enforces half of the service's limit, and its whole share again once it knows one instance only.
 */
@Timeout(120)
class ClusterRateLimitIntegrationTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final ConnectionProvider provider = ConnectionProvider.create("cluster-limit-test", 16);
    private final HttpClient client = HttpClient.create(provider).responseTimeout(Duration.ofSeconds(10));
    private Backend a;
    private Backend b;
    private Sidecar sidecarA;
    private Sidecar sidecarB;

    @BeforeEach
    void start() {
        a = keep(new Backend("a", "127.0.0.2"));
        b = keep(new Backend("b", "127.0.0.3"));
        sidecarA = keep(sidecar(a));
        sidecarB = keep(sidecar(b));
    }

    @AfterEach
    void stop() throws Exception {
        provider.disposeLater().block(Duration.ofSeconds(5));
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    @Test
    void eachOfTwoInstancesPassesAboutHalfOfTheServiceWideLimit() {
        String rule = """
                {"limits": [{"name": "all", "scope": "cluster", "qps": 40}]}""";
        apply(sidecarA, rule);
        apply(sidecarB, rule);
        assertThat(sidecarA.governance().snapshot().clusterInstances()).containsEntry("orders", 2);

        int passedA = burst(sidecarA, 40);
        int passedB = burst(sidecarB, 40);
        // each instance's share is 20 per second; a burst that straddles a second may pass a few more
        assertThat(passedA).as("instance a's share of 40 qps").isBetween(18, 30);
        assertThat(passedB).as("instance b's share of 40 qps").isBetween(18, 30);
        assertThat(a.hits.get()).isEqualTo(passedA);
        assertThat(b.hits.get()).isEqualTo(passedB);
    }

    @Test
    void theShareGrowsWhenTheSidecarKnowsFewerInstances() {
        apply(sidecarA, """
                {"limits": [{"name": "all", "scope": "cluster", "qps": 40}]}""");
        assertThat(sidecarA.governance().snapshot().clusterInstances()).containsEntry("orders", 2);
        sidecarA.clusters().update("orders", List.of(Endpoint.of(a.host(), a.port())));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(sidecarA.governance().snapshot().clusterInstances())
                        .containsEntry("orders", 1));
        // the whole 40 qps is this instance's now: a burst of 30 passes whole once a second has cleared the window
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(1100))
                .untilAsserted(() -> assertThat(burst(sidecarA, 30)).isEqualTo(30));
    }

    @Test
    void withoutAnyKnownInstanceTheWholeLimitAppliesAtThisInstance() {
        sidecarA.clusters().remove("orders");
        apply(sidecarA, """
                {"limits": [{"name": "all", "scope": "cluster", "qps": 40}]}""");
        assertThat(sidecarA.governance().snapshot().clusterInstances()).containsEntry("orders", -1);
        int passed = burst(sidecarA, 40);
        assertThat(passed).as("the full 40 qps").isGreaterThan(30);
    }

    /** Sends {@code calls} calls to the sidecar's ingress, 8 at a time; the number answered 200. */
    private int burst(Sidecar sidecar, int calls) {
        int port = sidecar.listenerAddress("ingress").getPort();
        List<Integer> statuses = Flux.range(0, calls)
                .flatMap(
                        i -> client.headers(h -> h.set("Host", "orders"))
                                .get()
                                .uri("http://127.0.0.1:" + port + "/x")
                                .responseSingle((res, body) -> body.asString()
                                        .defaultIfEmpty("")
                                        .map(text -> {
                                            if (res.status().code() == 429) {
                                                assertThat(res.responseHeaders().get("x-dualmode-error"))
                                                        .isEqualTo("SIDECAR-0045");
                                            }
                                            return res.status().code();
                                        })),
                        8)
                .collectList()
                .block(Duration.ofSeconds(30));
        assertThat(statuses).hasSize(calls).allMatch(s -> s == 200 || s == 429);
        return (int) statuses.stream().filter(s -> s == 200).count();
    }

    private Sidecar sidecar(Backend local) {
        return Sidecar.create(ConfigLoader.parse(
                        """
                        workers: 1
                        admin: {port: -1}
                        drainTimeout: 1s
                        listeners:
                          - {name: ingress, direction: ingress, protocol: http, address: 127.0.0.1, port: 0}
                        services:
                          - {name: orders, address: %s, port: %d}
                        clusters:
                          - name: orders
                            endpoints:
                              - {host: %s, port: %d}
                              - {host: %s, port: %d}
                        """
                                .formatted(local.host(), local.port(), a.host(), a.port(), b.host(), b.port()),
                        "test"))
                .start();
    }

    private static void apply(Sidecar sidecar, String json) {
        try {
            JsonNode body = GovernanceJson.mapper().readTree(json);
            Resource rule = new Resource(new ResourceKey(RuleKind.RATE_LIMIT, "orders"), 1, body);
            assertThat(sidecar.governance().apply(List.of(rule), List.of())).isNull();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private <T extends AutoCloseable> T keep(T c) {
        closeables.add(c);
        return c;
    }
}
