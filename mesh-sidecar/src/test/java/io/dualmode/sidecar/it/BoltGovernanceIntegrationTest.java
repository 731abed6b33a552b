package io.dualmode.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.remoting.AsyncContext;
import com.alipay.remoting.BizContext;
import com.alipay.remoting.rpc.RpcClient;
import com.alipay.remoting.rpc.RpcServer;
import com.alipay.remoting.rpc.protocol.AsyncUserProcessor;
import com.fasterxml.jackson.databind.JsonNode;
import io.dualmode.governance.push.ErrorDetail;
import io.dualmode.governance.push.Resource;
import io.dualmode.governance.push.ResourceKey;
import io.dualmode.governance.rule.RuleKind;
import io.dualmode.governance.validation.GovernanceJson;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.config.ConfigLoader;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The governance filters on live Bolt traffic: a real Bolt client calls two real Bolt servers (subsets v1 and v2)
 * through one sidecar's egress and ingress Bolt listeners, rules applied directly to its {@code Governance} as a push
 * would, with BlockHound watching the event loops. Rejections are Bolt's own error replies: the rich SOFARPC error
 * (carrying our message) for denials and faults, Bolt's "server thread pool busy" status for rate limits.
 */
@Timeout(120)
class BoltGovernanceIntegrationTest {
    private RpcServer v1;
    private RpcServer v2;
    private RpcClient client;
    private Sidecar sidecar;
    private long version;

    @BeforeEach
    void start() throws IOException {
        v1 = server("v1");
        v2 = server("v2");
        sidecar = Sidecar.create(ConfigLoader.parse(
                        """
                        workers: 1
                        admin: {port: -1}
                        drainTimeout: 1s
                        listeners:
                          - {name: egress, direction: egress, protocol: bolt, address: 127.0.0.1, port: 0, cluster: orders}
                          - {name: ingress, direction: ingress, protocol: bolt, address: 127.0.0.1, port: 0, cluster: orders}
                        clusters:
                          - name: orders
                            outlier: {consecutiveFailures: 0}
                            endpoints:
                              - {host: 127.0.0.1, port: %d, metadata: {version: "1"}}
                              - {host: 127.0.0.1, port: %d, metadata: {version: "2"}}
                        """
                                .formatted(v1.port(), v2.port()),
                        "test"))
                .start();
        client = new RpcClient();
        client.startup();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.shutdown();
        }
        if (sidecar != null) {
            sidecar.close();
        }
        for (RpcServer s : new RpcServer[] {v1, v2}) {
            if (s != null) {
                s.shutdown();
            }
        }
    }

    @Test
    void aMirroredCallReachesTheMirrorSubsetUnderItsOwnIdWhileTheCallerGetsThePrimarysReply() throws Exception {
        apply(
                RuleKind.ROUTING,
                """
                {"subsets": [{"name": "v1", "labels": {"version": "1"}}, {"name": "v2", "labels": {"version": "2"}}],
                 "routes": [{"name": "all", "destinations": [{"subset": "v1"}],
                             "mirror": {"subset": "v2", "percent": 100}}]}""");
        List<String> sent = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sent.add("m" + i);
            assertThat(call("egress", "m" + i)).isEqualTo("echo:v1:m" + i);
        }
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(20))
                .until(() -> RECEIVED.get("v2").size() >= 20);
        assertThat(RECEIVED.get("v2")).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(RECEIVED.get("v1")).containsExactlyElementsOf(sent);
    }

    @Test
    void aDeniedCallerGetsBoltsErrorWithOurMessageAtIngressOnly() throws Exception {
        assertThat(call("ingress", "x")).startsWith("echo:");
        apply(
                RuleKind.ACCESS_CONTROL,
                """
                {"defaultAction": "deny", "policies": [{"name": "web", "action": "allow", "callers": ["web"]}]}""");
        // Bolt carries no caller identity the sidecar reads without the body: the caller is unknown, so denied
        assertThat(call("ingress", "x")).contains("SIDECAR-0044").contains("may not call service 'orders'");
        assertThat(call("egress", "x")).as("egress ignores access rules").startsWith("echo:");

        apply(
                RuleKind.ACCESS_CONTROL,
                """
                {"defaultAction": "deny", "policies": [{"name": "any", "action": "allow", "callers": ["*"]}]}""");
        assertThat(call("ingress", "x"))
                .as("a new push applies to the next call")
                .startsWith("echo:");
    }

    @Test
    void aRateLimitRejectsTheExcessWithBoltsBusyStatus() throws Exception {
        apply(RuleKind.RATE_LIMIT, """
                {"limits": [{"name": "all", "scope": "local", "qps": 5}]}""");
        int limited = 0;
        int passed = 0;
        for (int i = 0; i < 30; i++) {
            try {
                assertThat(call("ingress", "x")).startsWith("echo:");
                passed++;
            } catch (Exception e) {
                assertThat(e.toString()).containsIgnoringCase("busy");
                limited++;
            }
        }
        assertThat(passed).isGreaterThanOrEqualTo(5);
        assertThat(limited).isGreaterThanOrEqualTo(15);
        assertThat(call("egress", "x")).as("egress ignores rate limits").startsWith("echo:");
    }

    @Test
    void anAbortFaultFailsEveryCallAtOneHundredPercentAndNoneWithoutTheFault() throws Exception {
        apply(
                RuleKind.FAULT_INJECTION,
                """
                {"faults": [{"abort": {"status": 503, "percent": 100}}]}""");
        for (int i = 0; i < 50; i++) {
            assertThat(call("egress", "x")).contains("SIDECAR-0047").contains("fault injected for service 'orders'");
        }
        assertThat(call("ingress", "x")).as("faults are the caller's side").startsWith("echo:");

        apply(RuleKind.FAULT_INJECTION, """
                {"faults": [{"abort": {"status": 503, "percent": 50}}]}""");
        int aborted = 0;
        for (int i = 0; i < 400; i++) {
            aborted += call("egress", "x").contains("SIDECAR-0047") ? 1 : 0;
        }
        assertThat(aborted).isBetween(140, 260);

        // 0 % is no fault: the shared validator refuses it (GOV-0006) and the rule in force stays; removing it
        // leaves every call alone
        ErrorDetail refused = sidecar.governance()
                .apply(
                        List.of(
                                resource(
                                        RuleKind.FAULT_INJECTION,
                                        """
                                {"faults": [{"abort": {"status": 503, "percent": 0}}]}""")),
                        List.of());
        assertThat(refused.code()).isEqualTo("GOV-0006");
        ErrorDetail removed =
                sidecar.governance().apply(List.of(), List.of(new ResourceKey(RuleKind.FAULT_INJECTION, "orders")));
        assertThat(removed).isNull();
        for (int i = 0; i < 50; i++) {
            assertThat(call("egress", "x")).startsWith("echo:");
        }
    }

    @Test
    void anInjectedDelayHoldsTheCallOnTheEventLoopTimer() throws Exception {
        apply(
                RuleKind.FAULT_INJECTION,
                """
                {"faults": [{"delay": {"fixedDelayMillis": 300, "percent": 100}}]}""");
        long t0 = System.nanoTime();
        assertThat(call("egress", "x")).startsWith("echo:v");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - t0))
                .isGreaterThanOrEqualTo(java.time.Duration.ofMillis(300));
    }

    @Test
    void aNinetyTenSubsetSplitHoldsWithinFivePercentOverTwoThousandCalls() throws Exception {
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
            String reply = call("egress", "x");
            toV1 += reply.equals("echo:v1:x") ? 1 : 0;
            toV2 += reply.equals("echo:v2:x") ? 1 : 0;
        }
        assertThat(toV1 + toV2).isEqualTo(calls);
        assertThat(toV1 / (double) calls).isBetween(0.85, 0.95);

        apply(
                RuleKind.ROUTING,
                """
                {"subsets": [{"name": "v2", "labels": {"version": "2"}}],
                 "routes": [{"name": "all", "destinations": [{"subset": "v2"}]}]}""");
        for (int i = 0; i < 50; i++) {
            assertThat(call("egress", "x")).isEqualTo("echo:v2:x");
        }
    }

    @Test
    void theEgressSidecarWritesTheCallerIntoTheBoltHeaderMapAndTheIngressSidecarEnforcesIt() throws Exception {
        int ingressPort = RpcFixture.freePort();
        restart(
                """
                workers: 1
                admin: {port: -1}
                drainTimeout: 1s
                governance: {callerIdentity: web}
                listeners:
                  - {name: chain, direction: egress, protocol: bolt, address: 127.0.0.1, port: 0, cluster: mesh}
                  - {name: ingress, direction: ingress, protocol: bolt, address: 127.0.0.1, port: %d, cluster: orders}
                clusters:
                  - name: mesh
                    endpoints: [{host: 127.0.0.1, port: %d}]
                  - name: orders
                    endpoints: [{host: 127.0.0.1, port: %d}]
                """
                        .formatted(ingressPort, ingressPort, v1.port()));
        apply(
                RuleKind.ACCESS_CONTROL,
                """
                {"defaultAction": "deny", "policies": [{"name": "web", "action": "allow", "callers": ["web"]}]}""");
        // through the egress sidecar the ingress sidecar knows the caller; the body reaches the server intact
        for (int i = 0; i < 20; i++) {
            assertThat(call("chain", "x" + i)).isEqualTo("echo:v1:x" + i);
        }
        assertThat(call("ingress", "x"))
                .as("a caller that bypasses the egress sidecar is unknown, so denied")
                .contains("SIDECAR-0044")
                .contains("caller 'null' may not call service 'orders'");

        apply(
                RuleKind.ACCESS_CONTROL,
                """
                {"defaultAction": "allow", "policies": [{"name": "no-web", "action": "deny", "callers": ["web"]}]}""");
        assertThat(call("chain", "x")).contains("SIDECAR-0044").contains("caller 'web' may not call service 'orders'");
        assertThat(call("ingress", "x")).isEqualTo("echo:v1:x");
    }

    @Test
    void aRetryRuleResendsTheRequestToAnotherHostWhenTheFirstCannotBeReached() throws Exception {
        restartWithADeadEndpointBesideV1();
        int failed = 0;
        for (int i = 0; i < 10; i++) {
            try {
                failed += call("egress", "x").startsWith("echo:") ? 0 : 1;
            } catch (Exception e) {
                failed++;
            }
        }
        assertThat(failed)
                .as("without a rule the dead endpoint fails its share")
                .isGreaterThanOrEqualTo(3);

        apply(
                RuleKind.TIMEOUT_RETRY,
                """
                {"requestTimeoutMillis": 5000,
                 "retry": {"attempts": 2, "perTryTimeoutMillis": 2000, "retryOn": ["connect-failure"]}}""");
        for (int i = 0; i < 40; i++) {
            assertThat(call("egress", "x" + i)).isEqualTo("echo:v1:x" + i);
        }
    }

    @Test
    void aRetryRulesBudgetAndBackOffPaceBoltRetries() throws Exception {
        restartWithADeadEndpointBesideV1();
        RetryPacingScenario.run(
                text -> call("egress", text),
                text -> "echo:v1:" + text,
                json -> apply(RuleKind.TIMEOUT_RETRY, json),
                sidecar.clusters().cluster("orders").metrics());
    }

    /**
     * Restarts the sidecar with one Bolt egress whose cluster {@code orders} holds a port nothing listens on and
     * {@code v1}, outlier ejection off, so every other call meets the dead endpoint.
     */
    private void restartWithADeadEndpointBesideV1() throws IOException {
        restart(
                """
                workers: 1
                admin: {port: -1}
                drainTimeout: 1s
                listeners:
                  - {name: egress, direction: egress, protocol: bolt, address: 127.0.0.1, port: 0, cluster: orders}
                clusters:
                  - name: orders
                    outlier: {consecutiveFailures: 0}
                    endpoints:
                      - {host: 127.0.0.1, port: %d}
                      - {host: 127.0.0.1, port: %d}
                """
                        .formatted(RpcFixture.freePort(), v1.port()));
    }

    private void restart(String yaml) {
        sidecar.close();
        sidecar = Sidecar.create(ConfigLoader.parse(yaml, "test")).start();
    }

    private String call(String listener, String request) throws Exception {
        String address = "127.0.0.1:" + sidecar.listenerAddress(listener).getPort();
        return String.valueOf(client.invokeSync(address, request, 10_000));
    }

    private void apply(RuleKind kind, String json) {
        ErrorDetail error = sidecar.governance().apply(List.of(resource(kind, json)), List.of());
        assertThat(error).isNull();
    }

    private Resource resource(RuleKind kind, String json) {
        try {
            JsonNode body = GovernanceJson.mapper().readTree(json);
            return new Resource(new ResourceKey(kind, "orders"), ++version, body);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The requests each server answered, by server name. */
    private static final Map<String, java.util.Queue<String>> RECEIVED = new java.util.concurrent.ConcurrentHashMap<>();

    private static RpcServer server(String name) throws IOException {
        RECEIVED.put(name, new java.util.concurrent.ConcurrentLinkedQueue<>());
        RpcServer server = new RpcServer("127.0.0.1", RpcFixture.freePort(), false);
        server.registerUserProcessor(new AsyncUserProcessor<String>() {
            @Override
            public void handleRequest(BizContext biz, AsyncContext ctx, String request) {
                RECEIVED.get(name).add(request);
                ctx.sendResponse("echo:" + name + ":" + request);
            }

            @Override
            public String interest() {
                return String.class.getName();
            }
        });
        server.startup();
        return server;
    }
}
