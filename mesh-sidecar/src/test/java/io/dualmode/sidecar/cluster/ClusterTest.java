package io.dualmode.sidecar.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualmode.governance.push.LoadReport;
import io.dualmode.sidecar.config.ClusterConfig;
import io.dualmode.sidecar.config.ClusterConfig.LbPolicy;
import io.dualmode.sidecar.config.OutlierConfig;
import io.dualmode.sidecar.config.SidecarConfig;
import io.dualmode.sidecar.internal.metrics.SidecarMetrics;
import io.dualmode.sidecar.internal.metrics.TrafficMeter;
import io.dualmode.sidecar.internal.metrics.TrafficReporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClusterTest {
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final SidecarMetrics metrics = new SidecarMetrics();
    private final ClusterManager manager = new ClusterManager(
            metrics,
            timers,
            SidecarConfig.builder().build().clusterDefaults(),
            (host, check) -> CompletableFuture.completedFuture(true));

    @AfterEach
    void stop() {
        manager.close();
        timers.shutdownNow();
    }

    @Test
    void roundRobinVisitsEachHostInTurn() {
        Cluster c = cluster(LbPolicy.ROUND_ROBIN, ep(1, 1), ep(2, 1), ep(3, 1));
        assertThat(counts(c, 300, null)).containsValues(100, 100, 100);
    }

    @Test
    void weightedFollowsWeightsExactlyPerCycle() {
        Cluster c = cluster(LbPolicy.WEIGHTED, ep(1, 1), ep(2, 3));
        Map<String, Integer> counts = counts(c, 400, null);
        assertThat(counts).containsEntry("127.0.0.1:1", 100).containsEntry("127.0.0.2:2", 300);
    }

    @Test
    void randomReachesEveryHostRoughlyEvenly() {
        Cluster c = cluster(LbPolicy.RANDOM, ep(1, 1), ep(2, 1));
        assertThat(counts(c, 2000, null).values()).allSatisfy(n -> assertThat(n).isBetween(800, 1200));
    }

    @Test
    void leastRequestAvoidsTheBusyHost() {
        Cluster c = cluster(LbPolicy.LEAST_REQUEST, ep(1, 1), ep(2, 1));
        UpstreamHost busy = c.hosts().get(0);
        for (int i = 0; i < 10; i++) {
            busy.requestStarted();
        }
        assertThat(counts(c, 200, null)).containsEntry("127.0.0.2:2", 200);
    }

    @Test
    void consistentHashIsStickyAndMovesFewKeysWhenAHostLeaves() {
        Cluster c = cluster(LbPolicy.CONSISTENT_HASH, ep(1, 1), ep(2, 1), ep(3, 1), ep(4, 1));
        Map<String, UpstreamHost> before = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            before.put("user" + i, c.select("user" + i));
            assertThat(c.select("user" + i)).isSameAs(before.get("user" + i));
        }
        manager.update("svc", List.of(ep(1, 1), ep(2, 1), ep(3, 1)));
        int moved = 0;
        for (var e : before.entrySet()) {
            if (!e.getValue().endpoint().equals(ep(4, 1))
                    && !c.select(e.getKey()).endpoint().equals(e.getValue().endpoint())) {
                moved++;
            }
        }
        assertThat(moved).isZero();
        assertThat(counts(c, 0, null)).isEmpty();
    }

    @Test
    void consecutiveFailuresEjectAHostUntilTheEjectionTimeEnds() {
        Cluster c = cluster(LbPolicy.ROUND_ROBIN, ep(1, 1), ep(2, 1));
        UpstreamHost bad = c.hosts().get(0);
        for (int i = 0; i < 3; i++) {
            c.failure(bad);
        }
        assertThat(bad.ejected()).isTrue();
        assertThat(counts(c, 10, null)).containsOnlyKeys("127.0.0.2:2");
        await().atMost(Duration.ofSeconds(5)).until(() -> !bad.ejected());
        assertThat(counts(c, 10, null)).containsKeys("127.0.0.1:1", "127.0.0.2:2");
    }

    @Test
    void aSuccessResetsTheFailureCount() {
        Cluster c = cluster(LbPolicy.ROUND_ROBIN, ep(1, 1), ep(2, 1));
        UpstreamHost h = c.hosts().get(0);
        c.failure(h);
        c.failure(h);
        c.success(h);
        c.failure(h);
        c.failure(h);
        assertThat(h.ejected()).isFalse();
    }

    @Test
    void neverEjectsMoreThanTheMaximumShare() {
        Cluster c = cluster(LbPolicy.ROUND_ROBIN, ep(1, 1), ep(2, 1));
        for (UpstreamHost h : c.hosts()) {
            for (int i = 0; i < 3; i++) {
                c.failure(h);
            }
        }
        assertThat(c.hosts().stream().filter(UpstreamHost::ejected)).hasSize(1);
        assertThat(c.select(null)).isNotNull();
    }

    @Test
    void aRuleOutlierReplacesTheClusterSettingIncludingForClustersCreatedLaterUntilItIsCleared() {
        manager.ruleOutliers(Map.of("svc", new RuleOutlier(1, Duration.ofSeconds(10), Duration.ofSeconds(30), 50)));
        Cluster c = cluster(LbPolicy.ROUND_ROBIN, ep(1, 1), ep(2, 1));
        UpstreamHost first = c.hosts().get(0);
        c.failure(first);
        assertThat(first.ejected()).as("one failure ejects under the rule").isTrue();

        manager.ruleOutliers(Map.of());
        assertThat(c.ruleOutlier()).isNull();
        UpstreamHost second = c.hosts().get(1);
        c.failure(second);
        c.failure(second);
        assertThat(second.ejected())
                .as("the cluster's own threshold of 3 is back")
                .isFalse();
    }

    @Test
    void aRuleOutlierWithASmallMaximumShareEjectsNothingInASmallCluster() {
        manager.ruleOutliers(Map.of("svc", new RuleOutlier(1, Duration.ofSeconds(10), Duration.ofSeconds(30), 10)));
        Cluster c = cluster(LbPolicy.ROUND_ROBIN, ep(1, 1), ep(2, 1));
        c.failure(c.hosts().get(0));
        assertThat(c.hosts()).noneMatch(UpstreamHost::ejected);
    }

    @Test
    void theEjectionCountGrowsWithEachEjectionAndFallsByOnePerIntervalBackInService() {
        UpstreamHost h = new UpstreamHost(ep(1, 1));
        assertThat(h.countEjection(0, 10)).isEqualTo(1);
        h.returned(5);
        assertThat(h.countEjection(8, 10))
                .as("ejected again within an interval")
                .isEqualTo(2);
        h.returned(10);
        assertThat(h.countEjection(25, 10)).as("one clean interval: 2 - 1 + 1").isEqualTo(2);
        h.returned(30);
        assertThat(h.countEjection(100, 10))
                .as("long back in service: starts afresh")
                .isEqualTo(1);
    }

    @Test
    void updatesKeepTheStateOfEndpointsThatStay() {
        Cluster c = cluster(LbPolicy.ROUND_ROBIN, ep(1, 1), ep(2, 1));
        UpstreamHost kept = c.hosts().get(1);
        kept.requestStarted();
        manager.update("svc", List.of(ep(2, 1), ep(3, 1)));
        assertThat(c.hosts()).hasSize(2).first().isSameAs(kept);
        assertThat(kept.activeRequests()).isEqualTo(1);
    }

    @Test
    void eachHostCountsItsCallsForTheLoadReportsAndIsForgottenAfterItLeaves() {
        Cluster c = cluster(LbPolicy.ROUND_ROBIN, ep(1, 1), ep(2, 1));
        TrafficReporter reporter = new TrafficReporter(metrics);
        UpstreamHost one = c.hosts().get(0);
        UpstreamHost two = c.hosts().get(1);
        call(one, true);
        call(one, false);
        call(two, false);
        assertThat(byEndpoint(reporter.next()))
                .containsOnly(Map.entry("127.0.0.1:1", List.of(2L, 1L)), Map.entry("127.0.0.2:2", List.of(1L, 0L)));

        // .2 leaves with a call in flight that ends afterwards: reported once more, then forgotten.
        two.requestStarted();
        manager.update("svc", List.of(ep(1, 1)));
        two.requestFinished(false, System.nanoTime());
        assertThat(byEndpoint(reporter.next())).containsOnly(Map.entry("127.0.0.2:2", List.of(1L, 0L)));
        assertThat(reporter.next()).isNull();
        assertThat(metrics.traffic()).extracting(TrafficMeter::endpoint).containsExactlyInAnyOrder(null, "127.0.0.1:1");

        // .1 comes back with new metadata (a mode switch) before a report: same meter, nothing counted twice.
        manager.update("svc", List.of(new Endpoint("127.0.0.1", 1, 1, Map.of("dualmode.mode", "mesh"))));
        call(c.hosts().get(0), false);
        assertThat(byEndpoint(reporter.next())).containsOnly(Map.entry("127.0.0.1:1", List.of(1L, 0L)));
        assertThat(metrics.traffic()).extracting(TrafficMeter::endpoint).contains("127.0.0.1:1");

        // A local service's cluster has no endpoint meters: its calls are the ingress.
        manager.update("inbound|orders", List.of(ep(3, 1)));
        call(manager.cluster("inbound|orders").hosts().get(0), false);
        assertThat(reporter.next()).isNull();
    }

    private static void call(UpstreamHost host, boolean failed) {
        host.requestStarted();
        host.requestFinished(failed, System.nanoTime());
    }

    /** The endpoint entries of a report: requests and errors by endpoint. */
    private static Map<String, List<Long>> byEndpoint(LoadReport report) {
        assertThat(report).isNotNull();
        assertThat(report.problems()).isEmpty();
        Map<String, List<Long>> out = new HashMap<>();
        for (LoadReport.Entry e : report.entries()) {
            if (e.endpoint() != null) {
                assertThat(e.direction()).isEqualTo(LoadReport.EGRESS);
                assertThat(e.service()).isEqualTo("svc");
                out.put(e.endpoint(), List.of(e.requests(), e.errors()));
            }
        }
        return out;
    }

    @Test
    void updateCreatesAClusterWithTheDefaults() {
        manager.update("fed", List.of(ep(5, 2)));
        assertThat(manager.cluster("fed").config().lbPolicy()).isEqualTo(LbPolicy.ROUND_ROBIN);
        assertThat(manager.cluster("fed").select(null).endpoint()).isEqualTo(ep(5, 2));
    }

    private Cluster cluster(LbPolicy policy, Endpoint... endpoints) {
        manager.put(ClusterConfig.builder()
                .name("svc")
                .lbPolicy(policy)
                .hashHeader("x-user")
                .endpoints(List.of(endpoints))
                .outlier(new OutlierConfig(3, Duration.ofMillis(300), 50))
                .build());
        return manager.cluster("svc");
    }

    private static Endpoint ep(int n, int weight) {
        return new Endpoint("127.0.0." + n, n, weight, Map.of());
    }

    private static Map<String, Integer> counts(Cluster c, int n, String key) {
        Map<String, Integer> counts = new HashMap<>();
        List<UpstreamHost> picked = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            picked.add(c.select(key));
        }
        picked.forEach(h -> counts.merge(h.endpoint().toString(), 1, Integer::sum));
        return counts;
    }
}
