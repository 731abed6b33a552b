package io.dualmode.platform.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualmode.governance.push.LoadReport;
import io.dualmode.platform.web.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-memory store on a clock the test moves: windows, percentiles, series and forgetting old nodes. */
class SidecarTrafficTest {

    private final MovingClock clock = new MovingClock();
    private final SidecarTraffic traffic = new SidecarTraffic(clock);

    @Test
    void aWindowCountsOnlyTheReportsInsideIt() {
        traffic.report("a", "web", report(entry(LoadReport.INGRESS, "web", 10, 1, 2, 10)));
        clock.advance(Duration.ofSeconds(30));
        traffic.report("a", "web", report(entry(LoadReport.INGRESS, "web", 5, 0, 2, 5)));

        assertThat(traffic.ingress("a", Duration.ofSeconds(10))).isEqualTo(new NodeTraffic(5, 0, 4.97));
        assertThat(traffic.ingress("a", Duration.ofSeconds(60)).requests()).isEqualTo(15);
        assertThat(traffic.ingress("a", Duration.ofSeconds(60)).errors()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(10));
        assertThat(traffic.ingress("a", Duration.ofMinutes(10))).isEqualTo(NodeTraffic.NONE);
    }

    @Test
    void sharedReportsAreDrainedOnceAndAPeersReportCountsAsIfTakenHere() {
        traffic.report("a", "web", report(entry(LoadReport.INGRESS, "web", 1, 0, 2, 1)));
        assertThat(traffic.drainShared())
                .as("nothing is queued before sharing starts")
                .isEmpty();
        traffic.share();
        LoadReport mine = report(entry(LoadReport.INGRESS, "web", 10, 1, 2, 10));
        traffic.report("a", "web", mine);
        List<SidecarTraffic.Received> shared = traffic.drainShared();
        assertThat(shared).containsExactly(new SidecarTraffic.Received("a", "web", clock.millis(), mine));
        assertThat(traffic.drainShared()).isEmpty();

        SidecarTraffic peer = new SidecarTraffic(clock);
        shared.forEach(peer::replay);
        peer.replay(new SidecarTraffic.Received(null, "web", clock.millis(), mine));
        peer.replay(
                new SidecarTraffic.Received("b", "web", clock.millis(), report(entry("sideways", "web", 5, 0, 2, 5))));
        assertThat(peer.ingress("a", Duration.ofSeconds(10))).isEqualTo(new NodeTraffic(10, 1, 4.97));
        assertThat(peer.knows("b")).as("a malformed shared report is ignored").isFalse();
    }

    @Test
    void egressToAServiceAddsUpEveryConsumerAndNothingElse() {
        traffic.report("web-1", "web", report(entry(LoadReport.EGRESS, "orders", 10, 1, 2, 10)));
        traffic.report("web-2", "web", report(entry(LoadReport.EGRESS, "orders", 30, 3, 2, 30)));
        traffic.report("web-2", "web", report(entry(LoadReport.EGRESS, "billing", 50, 50, 2, 50)));
        traffic.report("orders-1", "orders", report(entry(LoadReport.INGRESS, "orders", 70, 70, 2, 70)));

        NodeTraffic toOrders = traffic.egressTo("orders", Duration.ofSeconds(10));
        assertThat(toOrders.requests()).isEqualTo(40);
        assertThat(toOrders.errors()).isEqualTo(4);
        assertThat(toOrders.p99Millis()).isEqualTo(4.97);
        assertThat(traffic.egressTo("payments", Duration.ofSeconds(10))).isEqualTo(NodeTraffic.NONE);
        clock.advance(Duration.ofSeconds(30));
        assertThat(traffic.egressTo("orders", Duration.ofSeconds(10))).isEqualTo(NodeTraffic.NONE);
    }

    @Test
    void endpointFiguresAddUpPerEndpointAndStayOutOfTheServiceViews() {
        // Each consumer reports its calls to orders once for the service and again split by endpoint.
        traffic.report(
                "web-1",
                "web",
                report(
                        entry(LoadReport.EGRESS, "orders", 10, 5, 2, 10),
                        endpoint(entry(LoadReport.EGRESS, "orders", 5, 5, 2, 5), "127.0.0.21:8080"),
                        endpoint(entry(LoadReport.EGRESS, "orders", 5, 0, 2, 5), "127.0.0.22:8080")));
        traffic.report(
                "web-2",
                "web",
                report(
                        entry(LoadReport.EGRESS, "orders", 20, 4, 2, 20),
                        endpoint(entry(LoadReport.EGRESS, "orders", 4, 4, 2, 4), "127.0.0.21:8080"),
                        endpoint(entry(LoadReport.EGRESS, "orders", 16, 0, 2, 16), "127.0.0.23:8080")));

        Duration window = Duration.ofSeconds(10);
        assertThat(traffic.egressTo("orders", List.of("127.0.0.21:8080"), window))
                .isEqualTo(new NodeTraffic(9, 9, 4.97));
        assertThat(traffic.egressTo("orders", List.of("127.0.0.21:8080", "127.0.0.22:8080"), window))
                .extracting(NodeTraffic::requests, NodeTraffic::errors)
                .containsExactly(14L, 9L);
        assertThat(traffic.egressTo("orders", List.of("127.0.0.99:1"), window)).isEqualTo(NodeTraffic.NONE);
        assertThat(traffic.egressTo("billing", List.of("127.0.0.21:8080"), window))
                .isEqualTo(NodeTraffic.NONE);
        // The service views count each call once.
        assertThat(traffic.egressTo("orders", window).requests()).isEqualTo(30);
        assertThat(traffic.edges(window)).singleElement().satisfies(e -> assertThat(e.errorRate())
                .isEqualTo(0.3));
        assertThat(traffic.node("web-1", window)).singleElement().satisfies(v -> assertThat(v.requests())
                .isEqualTo(10));
    }

    @Test
    void percentilesInterpolateInsideTheirBucketAndCapAtTheHighestBound() {
        Counts c = new Counts();
        c.add(100, 0, buckets(0, 50, 50));
        assertThat(c.quantile(0.5)).isEqualTo(2.0);
        assertThat(c.quantile(0.99)).isEqualTo(4.94);
        Counts slow = new Counts();
        long[] b = new long[LoadReport.BUCKETS];
        b[LoadReport.BUCKETS - 1] = 3;
        slow.add(3, 3, b);
        assertThat(slow.quantile(0.99)).isEqualTo(5000.0);
        assertThat(new Counts().quantile(0.99)).isZero();
    }

    @Test
    void theServiceViewAddsNodesUpAndStepsTheWindowForCharts() {
        traffic.report("a", "orders", report(entry(LoadReport.INGRESS, "orders", 10, 2, 3, 10)));
        traffic.report("b", "orders", report(entry(LoadReport.INGRESS, "orders", 10, 0, 3, 10)));
        traffic.report("b", "orders", report(entry(LoadReport.EGRESS, "payments", 7, 7, 3, 7)));

        ServiceTraffic orders = traffic.services(Duration.ofSeconds(60)).get(0);
        assertThat(traffic.services(Duration.ofSeconds(60))).hasSize(1);
        assertThat(orders.requests()).isEqualTo(20);
        assertThat(orders.errorRate()).isEqualTo(0.1);
        assertThat(orders.rps()).isEqualTo(0.333);
        assertThat(orders.series()).hasSize(12);
        assertThat(orders.series().get(11).rps()).isEqualTo(4.0);
        assertThat(orders.series().get(0).rps()).isZero();
        assertThat(traffic.edges(Duration.ofSeconds(60)))
                .containsExactly(new Edge("orders", "payments", 0.117, 1.0, 9.95));
        assertThat(traffic.services(Duration.ofMinutes(10)).get(0).series()).hasSize(60);
        assertThat(traffic.services(Duration.ofSeconds(3)).get(0).series()).hasSize(1);
    }

    @Test
    void aMalformedReportIsDroppedWhole() {
        boolean taken = traffic.report(
                "a",
                "web",
                new LoadReport(
                        200, List.of(entry(LoadReport.INGRESS, "web", 1, 0, 0, 1), entry("up", "web", 1, 0, 0, 1))));

        assertThat(taken).isFalse();
        assertThat(traffic.rejected()).isEqualTo(1);
        assertThat(traffic.knows("a")).isFalse();
    }

    @Test
    void aNodeIsForgottenAWhileAfterItsLastReport() {
        traffic.report("gone", "web", report(entry(LoadReport.INGRESS, "web", 1, 0, 0, 1)));
        clock.advance(SidecarTraffic.RETENTION.minusSeconds(1));
        traffic.report("other", "x", report(entry(LoadReport.INGRESS, "x", 1, 0, 0, 1)));
        assertThat(traffic.knows("gone")).isTrue();

        clock.advance(Duration.ofSeconds(11));
        traffic.report("other", "x", report(entry(LoadReport.INGRESS, "x", 1, 0, 0, 1)));
        assertThat(traffic.knows("gone")).isFalse();
        assertThat(traffic.knows("other")).isTrue();
    }

    @Test
    void windowsAreParsedOrRejectedWithTheQueryCode() {
        assertThat(Window.parse("60s")).isEqualTo(Duration.ofMinutes(1));
        assertThat(Window.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Window.parse("1500ms")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Window.parse("PT2M")).isEqualTo(Duration.ofMinutes(2));
        for (String bad : List.of("", "s", "60", "999ms", "601s", "1h", "PT-1S", "9999999999s")) {
            assertThatThrownBy(() -> Window.parse(bad))
                    .isInstanceOf(ApiException.class)
                    .hasMessageContaining("window '" + bad + "'")
                    .extracting(e -> ((ApiException) e).body().code())
                    .isEqualTo("PLATFORM-0401");
        }
    }

    private static LoadReport report(LoadReport.Entry... entries) {
        return new LoadReport(200, List.of(entries));
    }

    /** An entry whose {@code count} calls all fall into bucket {@code bucket}. */
    private static LoadReport.Entry entry(
            String direction, String service, long requests, long errors, int bucket, long count) {
        long[] b = new long[LoadReport.BUCKETS];
        b[bucket] = count;
        List<Long> list = new ArrayList<>();
        for (long v : b) {
            list.add(v);
        }
        return new LoadReport.Entry(direction, service, requests, errors, list);
    }

    private static LoadReport.Entry endpoint(LoadReport.Entry e, String endpoint) {
        return new LoadReport.Entry(e.direction(), e.service(), e.requests(), e.errors(), e.latencyBuckets(), endpoint);
    }

    private static List<Long> buckets(long... first) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < LoadReport.BUCKETS; i++) {
            out.add(i < first.length ? first[i] : 0L);
        }
        return out;
    }

    /** A clock the test moves forward. */
    private static final class MovingClock extends Clock {
        private Instant now = Instant.parse("2026-12-05T08:00:00.500Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
