package io.dualmode.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualmode.governance.push.ErrorDetail;
import io.dualmode.governance.push.Resource;
import io.dualmode.governance.push.ResourceKey;
import io.dualmode.governance.rule.RuleKind;
import io.dualmode.governance.validation.GovernanceJson;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.cluster.RuleOutlier;
import io.dualmode.sidecar.cluster.UpstreamHost;
import io.dualmode.sidecar.config.ConfigLoader;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * A circuit-breaker rule's {@code outlierDetection} on live HTTP traffic: the cluster's own outlier ejection is off,
 * so only the pushed rule can take a crashed upstream out of load balancing; removing the rule gives the cluster its
 * own setting back.
 */
@Timeout(60)
class RuleOutlierIntegrationTest {
    private final ConnectionProvider provider = ConnectionProvider.create("rule-outlier-test", 8);
    private final HttpClient client = HttpClient.create(provider).responseTimeout(Duration.ofSeconds(10));
    private Backend crashed;
    private Backend alive;
    private Sidecar sidecar;

    @BeforeEach
    void start() {
        crashed = new Backend("crashed", "127.0.0.2");
        alive = new Backend("alive", "127.0.0.3");
        sidecar = Sidecar.create(ConfigLoader.parse(
                        """
                        workers: 1
                        admin: {port: -1}
                        drainTimeout: 1s
                        listeners:
                          - {name: egress, direction: egress, protocol: http, address: 127.0.0.1, port: 0}
                        clusters:
                          - name: orders
                            outlier: {consecutiveFailures: 0}
                            retry: {maxRetries: 1}
                            endpoints:
                              - {host: %s, port: %d}
                              - {host: %s, port: %d}
                        """
                                .formatted(crashed.host(), crashed.port(), alive.host(), alive.port()),
                        "test"))
                .start();
        crashed.kill();
    }

    @AfterEach
    void stop() throws Exception {
        provider.disposeLater().block(Duration.ofSeconds(5));
        sidecar.close();
        alive.close();
    }

    @Test
    void theRulesOutlierDetectionEjectsACrashedHostThatTheClusterSettingWouldKeep() {
        for (int i = 0; i < 10; i++) {
            assertThat(call()).isEqualTo(200);
        }
        assertThat(hosts()).as("the cluster's own outlier ejection is off").noneMatch(UpstreamHost::ejected);

        apply(
                1,
                """
                {"outlierDetection": {"consecutiveErrors": 2, "intervalMillis": 10000, "baseEjectionMillis": 60000,
                                      "maxEjectionPercent": 50}}""");
        assertThat(sidecar.clusters().cluster("orders").ruleOutlier())
                .isEqualTo(new RuleOutlier(2, Duration.ofSeconds(10), Duration.ofSeconds(60), 50));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(call()).isEqualTo(200);
            assertThat(hosts())
                    .as(
                            "ejected hosts (connect failures %s, resets %s, ejections %s, hits crashed %s alive %s)",
                            sidecar.clusters()
                                    .cluster("orders")
                                    .metrics()
                                    .connectFail
                                    .count(),
                            sidecar.clusters().cluster("orders").metrics().reset.count(),
                            sidecar.clusters()
                                    .cluster("orders")
                                    .metrics()
                                    .ejections
                                    .count(),
                            crashed.hits.get(),
                            alive.hits.get())
                    .filteredOn(UpstreamHost::ejected)
                    .singleElement()
                    .satisfies(h -> assertThat(h.endpoint().port()).isEqualTo(crashed.port()));
        });
        int before = alive.hits.get();
        for (int i = 0; i < 10; i++) {
            assertThat(call()).isEqualTo(200);
        }
        assertThat(alive.hits.get())
                .as("every call goes straight to the live host")
                .isEqualTo(before + 10);

        ErrorDetail removed =
                sidecar.governance().apply(List.of(), List.of(new ResourceKey(RuleKind.CIRCUIT_BREAKER, "orders")));
        assertThat(removed).isNull();
        assertThat(sidecar.clusters().cluster("orders").ruleOutlier()).isNull();
    }

    private void apply(long version, String json) {
        try {
            Resource r = new Resource(
                    new ResourceKey(RuleKind.CIRCUIT_BREAKER, "orders"),
                    version,
                    GovernanceJson.mapper().readTree(json));
            assertThat(sidecar.governance().apply(List.of(r), List.of())).isNull();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private List<UpstreamHost> hosts() {
        return sidecar.clusters().cluster("orders").hosts();
    }

    private int call() {
        return client.headers(h -> h.set("Host", "orders"))
                .get()
                .uri("http://127.0.0.1:" + sidecar.listenerAddress("egress").getPort() + "/x")
                .responseSingle((res, body) -> body.asString()
                        .defaultIfEmpty("")
                        .thenReturn(res.status().code()))
                .block(Duration.ofSeconds(15));
    }
}
