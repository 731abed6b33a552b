package io.dualmode.sidecar.it;

import static io.dualmode.sidecar.it.SidecarFixture.cluster;
import static io.dualmode.sidecar.it.SidecarFixture.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.dualmode.governance.push.ErrorDetail;
import io.dualmode.governance.push.Resource;
import io.dualmode.governance.push.ResourceKey;
import io.dualmode.governance.rule.RuleKind;
import io.dualmode.governance.validation.GovernanceJson;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.cluster.Endpoint;
import io.dualmode.sidecar.config.ListenerConfig;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.RpcException;
import org.apache.dubbo.rpc.model.FrameworkModel;
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
    private final List<DubboBootstrap> bootstraps = new ArrayList<>();
    private final List<FrameworkModel> models = new ArrayList<>();
    private Sidecar sidecar;
    private Echo egress;
    private Echo ingress;
    private long version;

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
        Endpoint v1 = new Endpoint("127.0.0.1", provider("v1"), 1, Map.of("version", "1"));
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
        bootstraps.forEach(DubboBootstrap::destroy);
        models.forEach(FrameworkModel::destroy);
        if (sidecar != null) {
            sidecar.close();
        }
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

    private void apply(RuleKind kind, String json) {
        try {
            JsonNode body = GovernanceJson.mapper().readTree(json);
            ErrorDetail error = sidecar.governance()
                    .apply(List.of(new Resource(new ResourceKey(kind, SERVICE), ++version, body)), List.of());
            assertThat(error).isNull();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private int provider(String name) throws IOException {
        int port = freePort();
        ProtocolConfig protocol = new ProtocolConfig("dubbo", port);
        protocol.setHost("127.0.0.1");
        ServiceConfig<Echo> service = new ServiceConfig<>();
        service.setInterface(Echo.class);
        service.setVersion("1.0.0");
        service.setRef(text -> name + ":" + text);
        bootstrap("dm-gov-provider-" + name).protocol(protocol).service(service).start();
        return port;
    }

    private Echo consumer(String name, int sidecarPort) {
        ReferenceConfig<Echo> reference = new ReferenceConfig<>();
        reference.setInterface(Echo.class);
        reference.setVersion("1.0.0");
        reference.setUrl("dubbo://127.0.0.1:" + sidecarPort);
        reference.setTimeout(20_000);
        reference.setCheck(false);
        reference.setRetries(0);
        bootstrap(name).reference(reference).start();
        return reference.get();
    }

    private DubboBootstrap bootstrap(String name) {
        FrameworkModel model = new FrameworkModel();
        models.add(model);
        ApplicationConfig app = new ApplicationConfig(name);
        app.setQosEnable(false);
        DubboBootstrap b = DubboBootstrap.newInstance(model).application(app).registry(new RegistryConfig("N/A"));
        bootstraps.add(b);
        return b;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
