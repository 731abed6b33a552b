package io.dualmode.sidecar.it;

import static io.dualmode.sidecar.it.SidecarFixture.cluster;
import static io.dualmode.sidecar.it.SidecarFixture.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualmode.governance.push.ErrorDetail;
import io.dualmode.governance.push.ResourceKey;
import io.dualmode.governance.rule.RuleKind;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.cluster.Endpoint;
import io.dualmode.sidecar.config.ConfigLoader;
import io.dualmode.sidecar.config.ListenerConfig;
import java.io.File;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.dubbo.rpc.RpcException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The governance filters on live Dubbo traffic: a real Dubbo 3.3 consumer calls two real providers (subsets v1 and
 * v2) through one sidecar's egress and ingress Dubbo listeners, rules applied directly to its {@code Governance} for
 * the registry service {@code providers:<iface>:1.0.0:}, with BlockHound watching the event loops. Rejections are
 * Dubbo error responses the consumer throws as an {@link RpcException} carrying our message.
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DubboGovernanceIntegrationTest {
    private static final String SERVICE = "providers:" + Echo.class.getName() + ":1.0.0:";
    private final RpcFixture rpc = new RpcFixture();
    private Sidecar sidecar;
    private Echo egress;
    private Echo ingress;
    private int v1Port;
    /** The texts provider v2 was called with. */
    private final java.util.Queue<String> v2Received = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** Calls of "hold" the providers received; they answer once {@link #gate} is opened. */
    private final java.util.concurrent.atomic.AtomicInteger held = new java.util.concurrent.atomic.AtomicInteger();

    private final java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CountDownLatch> gate =
            new java.util.concurrent.atomic.AtomicReference<>(new java.util.concurrent.CountDownLatch(0));

    /** The service called through the sidecar. */
    public interface Echo {
        String echo(String text);
    }

    /** One sidecar and one set of Dubbo applications for the class (a Dubbo bootstrap takes seconds). */
    @BeforeAll
    void start() throws IOException {
        String[] nics = new File("/sys/class/net").list();
        String ignored = Arrays.stream(nics == null ? new String[0] : nics)
                .filter(n -> !n.equals("lo"))
                .collect(Collectors.joining(","));
        System.setProperty("dubbo.network.interface.ignored", ignored);
        v1Port = provider("v1");
        Endpoint v1 = new Endpoint("127.0.0.1", v1Port, 1, Map.of("version", "1"));
        Endpoint v2 = new Endpoint("127.0.0.1", provider("v2"), 1, Map.of("version", "2"));
        ListenerConfig out = ListenerConfig.builder()
                .name("egress-dubbo")
                .protocol(ListenerConfig.Protocol.DUBBO)
                .address("127.0.0.1")
                .port(0)
                .build();
        ListenerConfig in = ListenerConfig.builder()
                .name("ingress-dubbo")
                .direction(ListenerConfig.Direction.INGRESS)
                .protocol(ListenerConfig.Protocol.DUBBO)
                .address("127.0.0.1")
                .port(0)
                .build();
        sidecar = Sidecar.create(config(
                                List.of(out, in),
                                List.of(
                                        cluster(SERVICE, v1, v2).build(),
                                        cluster("inbound|" + SERVICE, v1).build()))
                        .build())
                .start();
        egress = consumer(
                "dm-gov-egress", sidecar.listenerAddress("egress-dubbo").getPort());
        ingress = consumer(
                "dm-gov-ingress", sidecar.listenerAddress("ingress-dubbo").getPort());
    }

    /** Each test starts without rules. */
    @AfterEach
    void dropRules() {
        assertThat(sidecar.governance().replaceAll(List.of())).isNull();
    }

    @AfterAll
    void stop() {
        rpc.close();
        if (sidecar != null) {
            sidecar.close();
        }
    }

    @Test
    void aMirroredCallReachesTheMirrorSubsetWhileTheConsumerGetsThePrimarysReply() {
        apply(
                RuleKind.ROUTING,
                """
                {"subsets": [{"name": "v1", "labels": {"version": "1"}}, {"name": "v2", "labels": {"version": "2"}}],
                 "routes": [{"name": "all", "destinations": [{"subset": "v1"}],
                             "mirror": {"subset": "v2", "percent": 100}}]}""");
        v2Received.clear();
        List<String> sent = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String text = "mirror-" + i;
            sent.add(text);
            assertThat(egress.echo(text)).isEqualTo("v1:" + text);
        }
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(20))
                .until(() -> v2Received.size() >= 20);
        assertThat(v2Received).containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void aDeniedCallerGetsAnRpcExceptionWithOurMessageAtIngressOnly() {
        assertThat(ingress.echo("x")).isEqualTo("v1:x");
        apply(
                RuleKind.ACCESS_CONTROL,
                """
                {"defaultAction": "deny", "policies": [{"name": "web", "action": "allow", "callers": ["web"]}]}""");
        assertThatThrownBy(() -> ingress.echo("x"))
                .isInstanceOf(RpcException.class)
                .hasMessageContaining("SIDECAR-0044")
                .hasMessageContaining("may not call service '" + SERVICE + "'");
        assertThat(egress.echo("x")).as("egress ignores access rules").startsWith("v");
    }

    @Test
    void aRateLimitRejectsTheExcessWithAnRpcException() {
        apply(RuleKind.RATE_LIMIT, """
                {"limits": [{"name": "all", "scope": "local", "qps": 5}]}""");
        int limited = 0;
        int passed = 0;
        for (int i = 0; i < 30; i++) {
            try {
                assertThat(ingress.echo("x")).isEqualTo("v1:x");
                passed++;
            } catch (RpcException e) {
                assertThat(e).hasMessageContaining("SIDECAR-0045");
                limited++;
            }
        }
        assertThat(passed).isGreaterThanOrEqualTo(5);
        assertThat(limited).isGreaterThanOrEqualTo(15);
    }

    @Test
    void adaptiveConcurrencyShedsTheExcessOfConcurrentCallsWithAnRpcException() {
        apply(RuleKind.RATE_LIMIT, """
                {"adaptive": {"maxConcurrency": 2}}""");
        assertThat(ingress.echo("x")).as("a call under the threshold passes").isEqualTo("v1:x");
        java.util.concurrent.CountDownLatch open = new java.util.concurrent.CountDownLatch(1);
        gate.set(open);
        held.set(0);
        var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> ingress.echo("hold"));
        var second = java.util.concurrent.CompletableFuture.supplyAsync(() -> ingress.echo("hold"));
        try {
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(15))
                    .until(() -> held.get() == 2);
            assertThatThrownBy(() -> ingress.echo("x"))
                    .isInstanceOf(RpcException.class)
                    .hasMessageContaining("SIDECAR-0260")
                    .hasMessageContaining("shed by adaptive limit: concurrency 3 > 2");
            assertThat(egress.echo("x")).as("egress ignores adaptive limits").startsWith("v");
        } finally {
            open.countDown();
        }
        assertThat(first.join()).isEqualTo("v1:hold");
        assertThat(second.join()).isEqualTo("v1:hold");
        assertThat(ingress.echo("y")).as("the completed calls left the count").isEqualTo("v1:y");
    }

    @Test
    void anAbortFaultFailsEveryCallAtOneHundredPercentAndNoneWithoutTheFault() {
        apply(
                RuleKind.FAULT_INJECTION,
                """
                {"faults": [{"abort": {"status": 503, "percent": 100}}]}""");
        for (int i = 0; i < 50; i++) {
            assertThatThrownBy(() -> egress.echo("x"))
                    .isInstanceOf(RpcException.class)
                    .hasMessageContaining("SIDECAR-0047");
        }
        ErrorDetail removed =
                sidecar.governance().apply(List.of(), List.of(new ResourceKey(RuleKind.FAULT_INJECTION, SERVICE)));
        assertThat(removed).isNull();
        for (int i = 0; i < 50; i++) {
            assertThat(egress.echo("x")).endsWith(":x");
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
            String reply = egress.echo("x");
            toV1 += reply.equals("v1:x") ? 1 : 0;
            toV2 += reply.equals("v2:x") ? 1 : 0;
        }
        assertThat(toV1 + toV2).isEqualTo(calls);
        assertThat(toV1 / (double) calls).isBetween(0.85, 0.95);
    }

    @Test
    void theIngressSidecarIdentifiesDubboCallersByTheSourceAddressOfTheEgressSidecar() throws IOException {
        int ingressPort = RpcFixture.freePort();
        // the egress listener's upstream connections leave from 127.0.0.23, which the ingress side maps to "web";
        // an application calling the ingress directly connects from 127.0.0.1, which maps to nobody
        Sidecar pair = Sidecar.create(ConfigLoader.parse(
                        """
                        workers: 1
                        admin: {port: -1}
                        drainTimeout: 1s
                        governance: {sourceAddress: 127.0.0.23, callerAddresses: {127.0.0.23: web}}
                        listeners:
                          - {name: chain, direction: egress, protocol: dubbo, address: 127.0.0.1, port: 0, cluster: mesh}
                          - {name: in, direction: ingress, protocol: dubbo, address: 127.0.0.1, port: %d}
                        clusters:
                          - name: mesh
                            endpoints: [{host: 127.0.0.1, port: %d}]
                          - name: "inbound|%s"
                            endpoints: [{host: 127.0.0.1, port: %d}]
                        """
                                .formatted(ingressPort, ingressPort, SERVICE, v1Port),
                        "test"))
                .start();
        try {
            Echo viaEgress =
                    consumer("dm-gov-chain", pair.listenerAddress("chain").getPort());
            Echo direct = consumer("dm-gov-direct", ingressPort);
            rpc.apply(
                    pair,
                    RuleKind.ACCESS_CONTROL,
                    SERVICE,
                    """
                    {"defaultAction": "deny", "policies": [{"name": "web", "action": "allow", "callers": ["web"]}]}""");
            for (int i = 0; i < 10; i++) {
                assertThat(viaEgress.echo("x" + i)).isEqualTo("v1:x" + i);
            }
            assertThatThrownBy(() -> direct.echo("x"))
                    .isInstanceOf(RpcException.class)
                    .hasMessageContaining("SIDECAR-0044")
                    .hasMessageContaining("caller 'null' may not call");

            rpc.apply(
                    pair,
                    RuleKind.ACCESS_CONTROL,
                    SERVICE,
                    """
                    {"defaultAction": "allow", "policies": [{"name": "no-web", "action": "deny", "callers": ["web"]}]}""");
            assertThatThrownBy(() -> viaEgress.echo("x"))
                    .isInstanceOf(RpcException.class)
                    .hasMessageContaining("caller 'web' may not call service '" + SERVICE + "'");
            assertThat(direct.echo("y")).isEqualTo("v1:y");
        } finally {
            pair.close();
        }
    }

    @Test
    void aRetryRuleResendsTheCallToAnotherProviderWhenOneIsDead() throws IOException {
        Sidecar retrying = withADeadProviderBesideV1();
        try {
            Echo echo = consumer("dm-gov-retry", retrying.listenerAddress("out").getPort());
            int failed = 0;
            for (int i = 0; i < 10; i++) {
                try {
                    echo.echo("x");
                } catch (RpcException e) {
                    failed++;
                }
            }
            assertThat(failed)
                    .as("without a rule the dead provider fails its share")
                    .isGreaterThanOrEqualTo(3);
            rpc.apply(
                    retrying,
                    RuleKind.TIMEOUT_RETRY,
                    SERVICE,
                    """
                    {"retry": {"attempts": 1, "retryOn": ["connect-failure"]}}""");
            for (int i = 0; i < 30; i++) {
                assertThat(echo.echo("x" + i)).isEqualTo("v1:x" + i);
            }
        } finally {
            retrying.close();
        }
    }

    @Test
    void aRetryRulesBudgetAndBackOffPaceDubboRetries() throws Exception {
        Sidecar retrying = withADeadProviderBesideV1();
        try {
            Echo echo =
                    consumer("dm-gov-budget", retrying.listenerAddress("out").getPort());
            RetryPacingScenario.run(
                    text -> {
                        try {
                            return echo.echo(text);
                        } catch (RpcException e) {
                            return e.getMessage(); // the sidecar's error reply, as the Dubbo consumer shows it
                        }
                    },
                    text -> "v1:" + text,
                    json -> rpc.apply(retrying, RuleKind.TIMEOUT_RETRY, SERVICE, json),
                    retrying.clusters().cluster("two").metrics());
        } finally {
            retrying.close();
        }
    }

    /**
     * A second sidecar whose Dubbo egress {@code out} balances over cluster {@code two}: a port nothing listens on and
     * provider v1, outlier ejection off, so every other call meets the dead provider.
     */
    private Sidecar withADeadProviderBesideV1() throws IOException {
        return Sidecar.create(ConfigLoader.parse(
                        """
                        workers: 1
                        admin: {port: -1}
                        drainTimeout: 1s
                        listeners:
                          - {name: out, direction: egress, protocol: dubbo, address: 127.0.0.1, port: 0, cluster: two}
                        clusters:
                          - name: two
                            outlier: {consecutiveFailures: 0}
                            endpoints: [{host: 127.0.0.1, port: %d}, {host: 127.0.0.1, port: %d}]
                        """
                                .formatted(RpcFixture.freePort(), v1Port),
                        "test"))
                .start();
    }

    private void apply(RuleKind kind, String json) {
        rpc.apply(sidecar, kind, SERVICE, json);
    }

    private int provider(String name) throws IOException {
        return rpc.dubboProvider("dm-gov-provider-" + name, Echo.class, text -> {
            if (name.equals("v2")) {
                v2Received.add(text);
            }
            if (text.equals("hold")) {
                held.incrementAndGet();
                try {
                    if (!gate.get().await(20, java.util.concurrent.TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return name + ":" + text;
        });
    }

    private Echo consumer(String name, int sidecarPort) {
        return rpc.dubboConsumer(name, Echo.class, sidecarPort);
    }
}
