package io.dualmode.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualmode.governance.rule.RuleKind;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.config.ConfigLoader;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every governance rule kind on live gRPC traffic: a real grpc-java client calls two real grpc-java servers (subsets
 * v1 on 127.0.0.91 and v2 on 127.0.0.92) through one sidecar's HTTP/2 listeners, rules applied to its {@code
 * Governance} for the gRPC service {@code test.Echo} as a push would. The {@code chain} listener is an egress whose
 * upstream is the sidecar's own ingress, so a call through it carries the egress sidecar's caller identity ({@code
 * web}) to the ingress sidecar. Rejections are trailers-only responses with the matching grpc-status and our message.
 */
@Timeout(180)
class GrpcGovernanceIntegrationTest {
    private final RpcFixture rules = new RpcFixture();
    private GrpcEcho v1;
    private GrpcEcho v2;
    private Sidecar sidecar;
    private ManagedChannel egress;
    private ManagedChannel ingress;
    private ManagedChannel chain;

    @BeforeEach
    void start() throws Exception {
        v1 = new GrpcEcho("v1", "127.0.0.91");
        v2 = new GrpcEcho("v2", "127.0.0.92");
        int ingressPort = RpcFixture.freePort();
        sidecar = Sidecar.create(ConfigLoader.parse(
                        """
                        workers: 1
                        admin: {port: -1}
                        drainTimeout: 1s
                        governance: {callerIdentity: web}
                        listeners:
                          - {name: egress, direction: egress, protocol: h2, address: 127.0.0.1, port: 0}
                          - {name: ingress, direction: ingress, protocol: h2, address: 127.0.0.1, port: %d}
                          - {name: chain, direction: egress, protocol: h2, address: 127.0.0.1, port: 0, cluster: mesh}
                        clusters:
                          - name: test.Echo
                            outlier: {consecutiveFailures: 0}
                            endpoints:
                              - {host: 127.0.0.91, port: %d, metadata: {version: "1"}}
                              - {host: 127.0.0.92, port: %d, metadata: {version: "2"}}
                          - name: inbound|test.Echo
                            endpoints: [{host: 127.0.0.91, port: %d}]
                          - name: mesh
                            endpoints: [{host: 127.0.0.1, port: %d}]
                        """
                                .formatted(ingressPort, v1.port(), v2.port(), v1.port(), ingressPort),
                        "test"))
                .start();
        egress = GrpcProxyIntegrationTest.channel(sidecar.listenerAddress("egress"), "unknown-authority");
        ingress = GrpcProxyIntegrationTest.channel(sidecar.listenerAddress("ingress"), "unknown-authority");
        chain = GrpcProxyIntegrationTest.channel(sidecar.listenerAddress("chain"), "unknown-authority");
    }

    @AfterEach
    void stop() throws Exception {
        for (ManagedChannel c : new ManagedChannel[] {egress, ingress, chain}) {
            if (c != null) {
                c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        if (sidecar != null) {
            sidecar.close();
        }
        for (GrpcEcho e : new GrpcEcho[] {v1, v2}) {
            if (e != null) {
                e.close();
            }
        }
    }

    @Test
    void aNinetyTenSubsetSplitHoldsWithinFivePercentOverTwoThousandCalls() {
        apply(
                RuleKind.ROUTING,
                """
                {"subsets": [{"name": "v1", "labels": {"version": "1"}}, {"name": "v2", "labels": {"version": "2"}}],
                 "routes": [{"name": "split", "destinations": [{"subset": "v1", "weight": 90},
                                                               {"subset": "v2", "weight": 10}]}]}""");
        int calls = 2_000;
        int toV1 = 0;
        int toV2 = 0;
        for (int i = 0; i < calls; i++) {
            String reply = call(egress);
            toV1 += reply.equals("v1:x") ? 1 : 0;
            toV2 += reply.equals("v2:x") ? 1 : 0;
        }
        assertThat(toV1 + toV2).isEqualTo(calls);
        assertThat(toV1 / (double) calls).isBetween(0.85, 0.95);
    }

    @Test
    void aMirroredUnaryCallReachesTheMirrorSubsetWithItsMessageWhileTheCallerGetsThePrimarysReply() {
        apply(
                RuleKind.ROUTING,
                """
                {"subsets": [{"name": "v1", "labels": {"version": "1"}}, {"name": "v2", "labels": {"version": "2"}}],
                 "routes": [{"name": "all", "destinations": [{"subset": "v1"}],
                             "mirror": {"subset": "v2", "percent": 100}}]}""");
        java.util.List<String> sent = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String message = "m-" + i;
            sent.add(message);
            assertThat(new String(ClientCalls.blockingUnaryCall(
                            egress,
                            GrpcEcho.UNARY,
                            CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
                            message.getBytes())))
                    .isEqualTo("v1:" + message);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> v2.unaryReceived.size() == 20);
        assertThat(v2.unaryReceived).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(v1.unaryReceived).containsExactlyElementsOf(sent);
        assertThat(sidecar.clusters().cluster(GrpcEcho.SERVICE).metrics().mirror.count())
                .isEqualTo(20);
    }

    @Test
    void aHeaderCanaryRouteSendsMatchingCallsToItsSubsetOnly() {
        apply(
                RuleKind.ROUTING,
                """
                {"subsets": [{"name": "v1", "labels": {"version": "1"}}, {"name": "v2", "labels": {"version": "2"}}],
                 "routes": [{"name": "canary", "match": {"methods": ["Unary"],
                                                         "headers": [{"name": "x-canary", "regex": "y.s"}]},
                             "destinations": [{"subset": "v2"}]},
                            {"name": "rest", "destinations": [{"subset": "v1"}]}]}""");
        Metadata canary = new Metadata();
        canary.put(Metadata.Key.of("x-canary", Metadata.ASCII_STRING_MARSHALLER), "yes");
        Channel tagged = ClientInterceptors.intercept(egress, MetadataUtils.newAttachHeadersInterceptor(canary));
        for (int i = 0; i < 20; i++) {
            assertThat(call(tagged)).isEqualTo("v2:x");
            assertThat(call(egress)).isEqualTo("v1:x");
        }
    }

    @Test
    void aRateLimitRejectsTheExcessWithResourceExhaustedAtIngressOnly() {
        apply(RuleKind.RATE_LIMIT, """
                {"limits": [{"name": "all", "scope": "local", "qps": 5}]}""");
        int passed = 0;
        int limited = 0;
        for (int i = 0; i < 30; i++) {
            String reply = call(ingress);
            if (reply.equals("v1:x")) {
                passed++;
            } else {
                assertThat(reply).startsWith("RESOURCE_EXHAUSTED").contains("SIDECAR-0045");
                limited++;
            }
        }
        assertThat(passed).isGreaterThanOrEqualTo(5);
        assertThat(limited).isGreaterThanOrEqualTo(15);
        assertThat(call(egress)).as("egress ignores rate limits").endsWith(":x");
    }

    @Test
    void aCircuitOpensOnFailuresAndClosesOnceTheUpstreamRecovers() {
        apply(
                RuleKind.CIRCUIT_BREAKER,
                """
                {"breakers": [{"name": "errors", "strategy": "error-count", "threshold": 3, "minRequests": 3,
                               "windowMillis": 10000, "openMillis": 1000}]}""");
        v1.failing.set(Status.UNAVAILABLE.withDescription("down"));
        v2.failing.set(Status.UNAVAILABLE.withDescription("down"));
        await().atMost(Duration.ofSeconds(30)).until(() -> call(egress).contains("SIDECAR-0046"));
        assertThat(call(egress))
                .as("the open circuit answers UNAVAILABLE itself")
                .startsWith("UNAVAILABLE")
                .contains("circuit breaker of service 'test.Echo' is open");

        v1.failing.set(null);
        v2.failing.set(null);
        await().atMost(Duration.ofSeconds(30)).until(() -> call(egress).endsWith(":x"));
        for (int i = 0; i < 10; i++) {
            assertThat(call(egress)).as("the circuit closed").endsWith(":x");
        }
    }

    @Test
    void anInjectedAbortIsATrailersOnlyStatusAndAnInjectedDelayHoldsTheCall() {
        apply(
                RuleKind.FAULT_INJECTION,
                """
                {"faults": [{"abort": {"status": 503, "percent": 100}}]}""");
        for (int i = 0; i < 10; i++) {
            assertThat(call(egress)).startsWith("UNAVAILABLE").contains("SIDECAR-0047");
        }
        apply(
                RuleKind.FAULT_INJECTION,
                """
                {"faults": [{"abort": {"status": 403, "percent": 100}}]}""");
        assertThat(call(egress)).startsWith("PERMISSION_DENIED").contains("fault injected for service 'test.Echo'");

        apply(
                RuleKind.FAULT_INJECTION,
                """
                {"faults": [{"delay": {"fixedDelayMillis": 300, "percent": 100}}]}""");
        long t0 = System.nanoTime();
        assertThat(call(egress)).endsWith(":x");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void theIngressSidecarDeniesCallersByTheIdentityTheEgressSidecarWrites() {
        apply(
                RuleKind.ACCESS_CONTROL,
                """
                {"defaultAction": "deny", "policies": [{"name": "web", "action": "allow", "callers": ["web"]}]}""");
        for (int i = 0; i < 10; i++) {
            assertThat(call(chain)).isEqualTo("v1:x");
        }
        assertThat(call(ingress))
                .as("a caller that bypasses the egress sidecar is unknown, so denied")
                .startsWith("PERMISSION_DENIED")
                .contains("SIDECAR-0044")
                .contains("caller 'null' may not call service 'test.Echo'");

        apply(
                RuleKind.ACCESS_CONTROL,
                """
                {"defaultAction": "allow", "policies": [{"name": "no-web", "action": "deny", "callers": ["web"]}]}""");
        assertThat(call(chain)).startsWith("PERMISSION_DENIED").contains("caller 'web' may not call");
        assertThat(call(ingress)).isEqualTo("v1:x");
        assertThat(call(egress)).as("egress ignores access rules").endsWith(":x");
    }

    @Test
    void aRetryRuleHidesAnEndpointAnsweringUnavailable() {
        v2.failing.set(Status.UNAVAILABLE.withDescription("v2 is down"));
        int failed = 0;
        for (int i = 0; i < 10; i++) {
            failed += call(egress).startsWith("UNAVAILABLE") ? 1 : 0;
        }
        assertThat(failed).as("without a rule v2 fails its share").isGreaterThanOrEqualTo(3);

        apply(
                RuleKind.TIMEOUT_RETRY,
                """
                {"requestTimeoutMillis": 10000, "retry": {"attempts": 2, "retryOn": ["unavailable"]}}""");
        for (int i = 0; i < 40; i++) {
            assertThat(call(egress)).isEqualTo("v1:x");
        }
    }

    @Test
    void aRetryWaitsTheRulesBackOffBeforeTheNextAttempt() {
        v1.failing.set(Status.UNAVAILABLE.withDescription("v1 is down"));
        apply(
                RuleKind.TIMEOUT_RETRY,
                """
                {"requestTimeoutMillis": 10000,
                 "retry": {"attempts": 1, "retryOn": ["unavailable"], "backoffMillis": 300}}""");
        for (int i = 0; i < 40 && v1.unaryArrivals.isEmpty(); i++) {
            assertThat(call(egress)).isEqualTo("v2:x");
        }
        assertThat(v1.unaryArrivals).as("a call met the failing endpoint first").hasSize(1);
        long failedAt = v1.unaryArrivals.peek();
        long retriedAt = v2.unaryArrivals.stream()
                .filter(t -> t - failedAt > 0)
                .min(Long::compare)
                .orElseThrow();
        assertThat(Duration.ofNanos(retriedAt - failedAt)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void adaptiveConcurrencyShedsWithResourceExhaustedWhileTheLimitIsInFlightAndNotAfter() {
        apply(RuleKind.RATE_LIMIT, """
                {"adaptive": {"maxConcurrency": 1}}""");
        assertThat(call(ingress)).as("a call under the threshold passes").isEqualTo("v1:x");
        var hanging = ClientCalls.futureUnaryCall(
                ingress.newCall(GrpcEcho.HANG, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS)),
                "x".getBytes());
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(call(ingress))
                .startsWith("RESOURCE_EXHAUSTED")
                .contains("SIDECAR-0260")
                .contains("shed by adaptive limit: concurrency 2 > 1"));
        assertThat(call(egress)).as("egress ignores adaptive limits").endsWith(":x");
        hanging.cancel(true);
        await().atMost(Duration.ofSeconds(15))
                .alias("the cancelled call left the count")
                .untilAsserted(() -> assertThat(call(ingress)).isEqualTo("v1:x"));
    }

    @Test
    void aPerTryTimeoutRetriesAnEndpointThatDoesNotAnswerOnAnother() {
        v2.hangUnary = true;
        apply(
                RuleKind.TIMEOUT_RETRY,
                """
                {"requestTimeoutMillis": 20000,
                 "retry": {"attempts": 2, "perTryTimeoutMillis": 300, "retryOn": ["timeout"]}}""");
        for (int i = 0; i < 10; i++) {
            assertThat(call(egress)).isEqualTo("v1:x");
        }
    }

    @Test
    void aTimeoutRuleEndsAHangingCallWithDeadlineExceeded() {
        apply(RuleKind.TIMEOUT_RETRY, """
                {"requestTimeoutMillis": 300}""");
        try {
            ClientCalls.blockingUnaryCall(
                    egress, GrpcEcho.HANG, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), "x".getBytes());
            throw new AssertionError("the hanging call returned");
        } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
            assertThat(e.getStatus().getDescription()).contains("SIDECAR-0015");
        }
    }

    /** A unary call's answer, or its status code and description when it failed. */
    private static String call(Channel channel) {
        try {
            return new String(ClientCalls.blockingUnaryCall(
                    channel,
                    GrpcEcho.UNARY,
                    CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
                    "x".getBytes()));
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode().name() + " " + e.getStatus().getDescription();
        }
    }

    private void apply(RuleKind kind, String json) {
        rules.apply(sidecar, kind, GrpcEcho.SERVICE, json);
    }
}
