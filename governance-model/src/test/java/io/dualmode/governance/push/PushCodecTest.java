package io.dualmode.governance.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.dualmode.governance.rule.RuleKind;
import io.dualmode.governance.validation.GovernanceJson;
import io.dualmode.governance.validation.RuleValidator;
import io.dualmode.governance.validation.Violation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PushCodecTest {

    private static final ResourceKey ORDERS_ROUTING = new ResourceKey(RuleKind.ROUTING, "orders");

    @Test
    void responseRoundTripsWithItsTypeAndAValidatableBody() throws Exception {
        JsonNode body = GovernanceJson.mapper()
                .readTree("{\"subsets\":[{\"name\":\"v1\",\"labels\":{\"version\":\"1\"}}],"
                        + "\"routes\":[{\"name\":\"all\",\"destinations\":[{\"subset\":\"v1\"}]}]}");
        DiscoveryResponse response = new DiscoveryResponse(
                "12",
                "n-1",
                List.of(new Resource(ORDERS_ROUTING, 7, body)),
                List.of(new ResourceKey(RuleKind.FAULT_INJECTION, "orders")));

        byte[] json = PushCodec.encode(response);

        assertThat(new String(json, StandardCharsets.UTF_8))
                .contains("\"type\":\"response\"")
                .contains("{\"kind\":\"routing\",\"service\":\"orders\"}");
        PushMessage read = PushCodec.decode(json);
        assertThat(read).isEqualTo(response);
        Resource resource = ((DiscoveryResponse) read).resources().get(0);
        assertThat(new RuleValidator()
                        .validate(resource.key().kind(), resource.body())
                        .valid())
                .isTrue();
    }

    @Test
    void ackAndNackAreTellApartByTheirErrorDetail() {
        DiscoveryRequest ack =
                new DiscoveryRequest("orders@127.0.0.1:1", null, null, null, null, "n-1", null, "sha256:00");
        DiscoveryRequest nack = new DiscoveryRequest(
                "orders@127.0.0.1:1",
                Map.of("sidecarVersion", "0.1.0"),
                List.of("orders"),
                null,
                null,
                "n-2",
                new ErrorDetail(
                        "GOV-0102",
                        "1 resource rejected",
                        List.of(new ErrorDetail.ResourceProblem(
                                ORDERS_ROUTING, 8, List.of(new Violation("GOV-0007", "$.routes[0]", "sum"))))),
                "sha256:00");

        DiscoveryRequest ackRead = (DiscoveryRequest) PushCodec.decode(PushCodec.encode(ack));
        DiscoveryRequest nackRead = (DiscoveryRequest) PushCodec.decode(PushCodec.encode(nack));

        assertThat(ackRead.isAck()).isTrue();
        assertThat(ackRead.isNack()).isFalse();
        assertThat(nackRead.isNack()).isTrue();
        assertThat(nackRead).isEqualTo(nack);
    }

    @Test
    void streamReadyIsTheTypeReadyAndRoundTrips() {
        byte[] json = PushCodec.encode(new StreamReady("s-1"));
        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("{\"type\":\"ready\",\"stream\":\"s-1\"}");
        assertThat(PushCodec.decode(json)).isEqualTo(new StreamReady("s-1"));
    }

    @Test
    void modeDirectiveRoundTripsAndRejectsAnUnknownModeOrVersion() {
        byte[] json = PushCodec.encode(new ModeDirective("mesh", 3));
        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"type\":\"mode\"");
        assertThat(PushCodec.decode(json)).isEqualTo(new ModeDirective("mesh", 3));

        assertThatThrownBy(() -> PushCodec.decode(
                        "{\"type\":\"mode\",\"mode\":\"hybrid\",\"version\":1}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(PushCodec.MalformedPushMessageException.class)
                .hasMessageContaining("mode must be mesh or sdk, got hybrid");
        assertThatThrownBy(() -> PushCodec.decode(
                        "{\"type\":\"mode\",\"mode\":\"sdk\",\"version\":0}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(PushCodec.MalformedPushMessageException.class)
                .hasMessageContaining("version must be positive");
    }

    @Test
    void aLoadReportRoundTripsAndIsAbsentFromRequestsWithoutOne() {
        LoadReport report = new LoadReport(
                500,
                List.of(
                        new LoadReport.Entry(
                                LoadReport.EGRESS,
                                "payments",
                                3,
                                1,
                                List.of(0L, 1L, 2L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L)),
                        new LoadReport.Entry(
                                LoadReport.EGRESS,
                                "payments",
                                2,
                                1,
                                List.of(0L, 0L, 2L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L),
                                "127.0.0.7:8080")));
        DiscoveryRequest request =
                new DiscoveryRequest("web@127.0.0.1:1", null, null, null, null, null, null, "sha256:00", report);

        DiscoveryRequest read = (DiscoveryRequest) PushCodec.decode(PushCodec.encode(request));

        assertThat(read).isEqualTo(request);
        assertThat(read.report().problems()).isEmpty();
        assertThat(read.report().entries())
                .extracting(LoadReport.Entry::endpoint)
                .containsExactly(null, "127.0.0.7:8080");
        assertThat(read.isAck()).isFalse();
        DiscoveryRequest plain = new DiscoveryRequest("n", null, null, null, null, "n-1", null, "sha256:00");
        assertThat(new String(PushCodec.encode(plain), StandardCharsets.UTF_8)).doesNotContain("report");
        assertThat(((DiscoveryRequest) PushCodec.decode(PushCodec.encode(plain))).report())
                .isNull();
    }

    @Test
    void aLoadReportNamesEachProblemWithItsPath() {
        LoadReport bad = new LoadReport(
                0,
                List.of(
                        new LoadReport.Entry("sideways", " ", -1, 0, List.of(1L)),
                        new LoadReport.Entry(LoadReport.INGRESS, "orders", 2, 3, null),
                        new LoadReport.Entry(LoadReport.INGRESS, "orders", 0, 0, buckets(), "127.0.0.7:8080"),
                        new LoadReport.Entry(LoadReport.EGRESS, "orders", 0, 0, buckets(), "127.0.0.7")));

        assertThat(bad.problems())
                .containsExactly(
                        "intervalMillis: must be positive, got 0",
                        "entries[0].direction: must be ingress or egress, got sideways",
                        "entries[0].service: must not be blank",
                        "entries[0].requests: must not be negative, got -1",
                        "entries[0].errors: must be between 0 and requests -1, got 0",
                        "entries[0].latencyBuckets: 13 counts expected, got 1",
                        "entries[1].errors: must be between 0 and requests 2, got 3",
                        "entries[1].latencyBuckets: 13 counts expected, got 0",
                        "entries[2].endpoint: only egress entries name an endpoint",
                        "entries[3].endpoint: must be host:port, got 127.0.0.7");
    }

    private static List<Long> buckets() {
        return java.util.Collections.nCopies(LoadReport.BUCKETS, 0L);
    }

    @Test
    void ignoresUnknownFieldsButRejectsUnknownTypesAndGarbage() {
        byte[] newer = "{\"type\":\"request\",\"nodeId\":\"n\",\"fromTheFuture\":1}".getBytes(StandardCharsets.UTF_8);
        assertThat(((DiscoveryRequest) PushCodec.decode(newer)).nodeId()).isEqualTo("n");

        assertThatThrownBy(() -> PushCodec.decode("{\"type\":\"teleport\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(PushCodec.MalformedPushMessageException.class)
                .hasMessageStartingWith("GOV-0101");
        assertThatThrownBy(() -> PushCodec.decode("{".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(PushCodec.MalformedPushMessageException.class);
        assertThatThrownBy(() -> PushCodec.decode("null".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(PushCodec.MalformedPushMessageException.class);
    }

    @Test
    void resourceNamesAndDigests() {
        assertThat(ResourceKey.parse("rate-limit/DEFAULT_GROUP@@a/b"))
                .isEqualTo(new ResourceKey(RuleKind.RATE_LIMIT, "DEFAULT_GROUP@@a/b"));
        assertThatThrownBy(() -> ResourceKey.parse("nope/x")).isInstanceOf(IllegalArgumentException.class);

        ResourceKey faults = new ResourceKey(RuleKind.FAULT_INJECTION, "orders");
        String digest = ConfigDigest.of(Map.of(ORDERS_ROUTING, 7L, faults, 2L));
        assertThat(digest).startsWith("sha256:").hasSize(7 + 64);
        assertThat(ConfigDigest.of(Map.of(faults, 2L, ORDERS_ROUTING, 7L))).isEqualTo(digest);
        assertThat(ConfigDigest.of(Map.of(ORDERS_ROUTING, 8L, faults, 2L))).isNotEqualTo(digest);
    }
}
