package io.dualmode.it.sofarpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualmode.governance.push.Resource;
import io.dualmode.governance.push.ResourceKey;
import io.dualmode.governance.rule.RuleKind;
import io.dualmode.governance.validation.GovernanceJson;
import io.dualmode.it.sofarpc.app.EchoService;
import io.dualmode.it.sofarpc.app.SofaConsumerMain;
import io.dualmode.it.sofarpc.app.SofaProviderMain;
import io.dualmode.it.support.ChildJvm;
import io.dualmode.it.support.ChildJvmException;
import io.dualmode.it.support.Classpaths;
import io.dualmode.it.support.LocalNetwork;
import io.dualmode.it.support.Tokens;
import io.dualmode.registry.RegistryServer;
import io.dualmode.registry.naming.Instance;
import io.dualmode.registry.naming.ServiceKey;
import io.dualmode.sidecar.Mode;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.agent.MeshAgent;
import io.dualmode.sidecar.agent.SidecarDataPlane;
import io.dualmode.sidecar.config.ConfigLoader;
import io.dualmode.sidecar.config.SidecarConfig;
import io.dualmode.sidecar.internal.metrics.SidecarMetrics.ClusterMetrics;
import io.dualmode.sidecar.internal.transport.Router;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unmodified SOFARPC 5.13 provider and consumer, each in its own JVM, configured with SOFARPC's own {@code mesh}
 * registry ({@code http://host:port}) — no Nacos and nothing of ours in the applications — each pointed at its own
 * sidecar (a real {@link Sidecar} and {@link MeshAgent} in this JVM) that relays to the registry. Calls to a provider
 * slower than the call's timeout end in SOFARPC's own timeout exception and leave nothing pending in the sidecars.
 *
 * <p>SOFARPC's mesh registry sends every call to port 12220 of its API host, a constant of the client: the consumer's
 * sidecar therefore gets a 127.x.y.z address of its own, chosen at random with 12220 free on it, so runs never
 * collide. The provider's sidecar and the registry live on other loopback addresses.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
final class SofaMeshRegistryIntegrationTest {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration CALL = Duration.ofSeconds(15);
    private static final String CLASSPATH =
            Classpaths.of(SofaProviderMain.class, "META-INF/dualmode/sofarpc-app.classpath");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private RegistryServer registry;

    @BeforeEach
    void startRegistry() {
        registry = RegistryServer.builder()
                .host(LocalNetwork.LOOPBACK)
                .port(0)
                .build()
                .start();
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        registry.close();
    }

    @Test
    void consumerAndProviderOnSofaMeshRegistryCallThroughBothSidecarsTimeOutCleanlyAndUnpublishDeregisters(
            @TempDir Path home) throws Exception {
        String token = Tokens.fresh("mesh");
        String providerApp = token + "-provider";
        ServiceKey service = new ServiceKey("sofa-rpc", null, EchoService.class.getName() + ":" + token + ":DEFAULT");
        int applicationPort = LocalNetwork.freePort();
        String providerHost = hostWithFree(0);
        String consumerHost = hostWithFree(MeshAgent.DEFAULT_MESH_EGRESS_PORT);

        Sidecar providerSidecar = sidecar();
        MeshAgent providerAgent = agent(MeshAgent.builder(
                        registry.address(), new SidecarDataPlane(providerSidecar, providerHost), providerSidecar.mode())
                .localHost(providerHost)
                .meshApiApplication(LocalNetwork.LOOPBACK, applicationPort));
        Sidecar consumerSidecar = sidecar();
        MeshAgent consumerAgent = agent(MeshAgent.builder(
                        registry.address(), new SidecarDataPlane(consumerSidecar, consumerHost), consumerSidecar.mode())
                .localHost(consumerHost)
                .meshApiPort(0));

        ChildJvm provider = sofa("sofa-mesh-provider", SofaProviderMain.class, home.resolve("provider"))
                .args(providerAgent.meshApiAddress(), providerApp, token, Integer.toString(applicationPort))
                .start();
        closeables.add(provider);
        ChildJvm consumer = sofa("sofa-mesh-consumer", SofaConsumerMain.class, home.resolve("consumer"))
                .args(consumerAgent.meshApiAddress(), token + "-consumer", token)
                .start();
        closeables.add(consumer);
        assertThat(provider.awaitReady(START)).isEqualTo(Integer.toString(applicationPort));
        consumer.awaitReady(START);

        // Published upstream as SOFARPC's Nacos registry names it, at the provider sidecar's Bolt ingress.
        await().atMost(WAIT).until(() -> registry.naming().instances(service).size() == 1);
        Instance published = registry.naming().instances(service).get(0);
        InetSocketAddress ingress = providerSidecar.listenerAddress("ingress-bolt");
        assertThat(published.ip() + ":" + published.port()).isEqualTo(providerHost + ":" + ingress.getPort());
        assertThat(published.metadata())
                .containsEntry("dualmode.mode", "mesh")
                .containsEntry("appName", providerApp)
                .containsEntry("protocol", "bolt");

        // The consumer's one provider is the Bolt egress, 12220 of its sidecar's API host.
        await().atMost(WAIT).until(() -> consumer.request("providers", CALL), (consumerHost + ":12220")::equals);
        String reply = "app=" + providerApp + " caller=127.0.0.1 message=";
        await().atMost(WAIT)
                .ignoreException(ChildJvmException.class)
                .until(() -> consumer.request("call hello", CALL), (reply + "hello")::equals);

        long egressBefore = requests(consumerSidecar, "egress-bolt");
        long ingressBefore = requests(providerSidecar, "ingress-bolt");
        for (int i = 0; i < 5; i++) {
            assertThat(consumer.request("call m" + i, CALL)).isEqualTo(reply + "m" + i);
        }
        assertThat(requests(consumerSidecar, "egress-bolt") - egressBefore).isEqualTo(5);
        assertThat(requests(providerSidecar, "ingress-bolt") - ingressBefore).isEqualTo(5);
        assertThat(requests(consumerSidecar, "ingress-bolt")).isZero();

        slowProviderCallsTimeOutAtTheConsumerAndLeaveNothingBehind(
                consumer, consumerSidecar, providerSidecar, service, reply);

        // A normal stop unpublishes: the registry forgets the instance, and the egress answers in Bolt, naming it.
        assertThat(provider.stop()).isZero();
        await().atMost(WAIT).until(() -> registry.naming().instances(service).isEmpty());
        await().atMost(WAIT).until(() -> consumerSidecar
                .clusters()
                .cluster(service.name())
                .hosts()
                .isEmpty());
        assertThatThrownBy(() -> consumer.request("call gone", CALL))
                .isInstanceOf(ChildJvmException.class)
                .hasMessageContaining("no healthy upstream for service " + service.name());
    }

    /**
     * A provider slower than the call's timeout, through both sidecars: SOFARPC's own timeout exception within bounded
     * time, nothing left pending in either sidecar, the provider's late answer dropped where it arrives after its call
     * ended, and the consumer's connection to its sidecar still serving, with the right answers.
     *
     * <p>First the consumer's own timeout (1 s for this call, which SOFARPC puts in the Bolt header): both sidecars
     * hold the call to it and give it up, and the provider's sidecar drops the answer the provider sends at 3 s. Then
     * a timeout rule on the consumer's sidecar (500 ms) shorter than the consumer's 5 s: the sidecar's Bolt TIMEOUT
     * reply is what ends the call, and SOFARPC surfaces it as its timeout exception.
     */
    private void slowProviderCallsTimeOutAtTheConsumerAndLeaveNothingBehind(
            ChildJvm consumer, Sidecar consumerSidecar, Sidecar providerSidecar, ServiceKey service, String reply)
            throws Exception {
        ClusterMetrics egress =
                consumerSidecar.clusters().cluster(service.name()).metrics();
        ClusterMetrics inbound = providerSidecar
                .clusters()
                .cluster(Router.INBOUND_PREFIX + service.name())
                .metrics();
        long connections = stat(consumerSidecar, "sidecar.downstream.cx.total.listener=egress-bolt.count");

        long start = System.nanoTime();
        assertThatThrownBy(() -> consumer.request("slow 1000 3000 late", CALL))
                .isInstanceOf(ChildJvmException.class)
                .hasMessageContaining("SofaTimeOutException");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
        await().atMost(WAIT).until(() -> egress.timeout.count() == 1 && inbound.timeout.count() == 1);
        assertThat(egress.rqActive.get())
                .as("pending at the consumer's sidecar")
                .isZero();
        assertThat(inbound.rqActive.get())
                .as("pending at the provider's sidecar")
                .isZero();
        await().atMost(WAIT).until(() -> inbound.lateResponse.count() == 1);
        assertThat(consumer.request("call after", CALL)).isEqualTo(reply + "after");
        // (the provider's sidecar's own TIMEOUT reply may reach the consumer's after that one gave the call up: late)
        double egressLate = egress.lateResponse.count();

        apply(consumerSidecar, service.name(), "{\"requestTimeoutMillis\": 500}");
        start = System.nanoTime();
        assertThatThrownBy(() -> consumer.request("slow 0 3000 ruled", CALL))
                .isInstanceOf(ChildJvmException.class)
                .hasMessageContaining("SofaTimeOutException")
                .hasMessageContaining("responseCommand TIMEOUT");
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("the sidecar's reply, not the consumer's 5 s")
                .isLessThan(Duration.ofMillis(2500));
        assertThat(egress.timeout.count()).isEqualTo(2);
        assertThat(consumerSidecar
                        .governance()
                        .apply(List.of(), List.of(new ResourceKey(RuleKind.TIMEOUT_RETRY, service.name()))))
                .isNull();
        await().atMost(WAIT).until(() -> egress.lateResponse.count() == egressLate + 1);
        assertThat(inbound.lateResponse.count())
                .as("the provider's sidecar passed the answer on")
                .isEqualTo(1);
        assertThat(egress.rqActive.get()).isZero();
        assertThat(inbound.rqActive.get()).isZero();
        assertThat(consumer.request("slow 0 10 quick", CALL)).isEqualTo(reply + "quick");
        assertThat(stat(consumerSidecar, "sidecar.downstream.cx.total.listener=egress-bolt.count"))
                .as("every call on the consumer's one connection")
                .isEqualTo(connections);
    }

    private static void apply(Sidecar sidecar, String service, String timeoutRetryRule) throws IOException {
        Resource rule = new Resource(
                new ResourceKey(RuleKind.TIMEOUT_RETRY, service),
                1,
                GovernanceJson.mapper().readTree(timeoutRetryRule));
        assertThat(sidecar.governance().apply(List.of(rule), List.of())).isNull();
    }

    private Sidecar sidecar() {
        SidecarConfig config = SidecarConfig.builder()
                .workers(1)
                .admin(ConfigLoader.parse("admin: {address: 127.0.0.1, port: 0}", "test")
                        .admin())
                .build();
        Sidecar sidecar = Sidecar.create(config, Mode.MESH).start();
        closeables.add(sidecar);
        return sidecar;
    }

    private MeshAgent agent(MeshAgent.Builder builder) {
        Properties upstream = new Properties();
        upstream.setProperty("namingRequestTimeout", "10000");
        MeshAgent agent =
                builder.localPort(0).upstreamProperties(upstream).build().start();
        closeables.add(agent);
        return agent;
    }

    /** Requests the listener has taken, from the sidecar's admin {@code /stats}. */
    private long requests(Sidecar sidecar, String listener) throws Exception {
        return stat(sidecar, "sidecar.downstream.rq.total.listener=" + listener + ".count");
    }

    /** One value of the sidecar's admin {@code /stats}, 0 when the meter does not exist. */
    private long stat(Sidecar sidecar, String key) throws Exception {
        InetSocketAddress admin = sidecar.adminAddress();
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.getPort() + "/stats"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode count = JSON.readTree(response.body()).get(key);
        return count == null ? 0 : count.asLong();
    }

    /** A random 127.x.y.z (never 127.0.0.1) on which {@code port} is free (any address when 0). */
    private static String hostWithFree(int port) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            String host = "127." + r.nextInt(1, 255) + "." + r.nextInt(0, 256) + "." + r.nextInt(2, 255);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(host))) {
                return host;
            } catch (IOException taken) {
                // another run holds it: draw again
            }
        }
        throw new IOException("no 127.x.y.z address with port " + port + " free after 50 draws");
    }

    private static ChildJvm.Builder sofa(String name, Class<?> main, Path home) throws Exception {
        return ChildJvm.builder(name, main.getName())
                .classpath(CLASSPATH)
                .userHome(Files.createDirectories(home))
                .jvmArgs(
                        "--add-opens",
                        "java.base/java.lang=ALL-UNNAMED",
                        "-Dlogging.path=" + home.resolve("logs"),
                        LocalNetwork.dubboIgnoreInterfacesFlag());
    }
}
