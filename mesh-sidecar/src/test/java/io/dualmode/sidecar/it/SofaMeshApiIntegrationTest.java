package io.dualmode.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualmode.registry.RegistryServer;
import io.dualmode.registry.naming.Instance;
import io.dualmode.registry.naming.ServiceKey;
import io.dualmode.sidecar.Mode;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.agent.MeshAgent;
import io.dualmode.sidecar.agent.SidecarDataPlane;
import io.dualmode.sidecar.cluster.Cluster;
import io.dualmode.sidecar.cluster.UpstreamHost;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP API SOFARPC's {@code mesh} registry calls, against two real sidecars with their agents and a real registry,
 * sent the request bodies a real SOFARPC 5.13.2 sends (captured in {@code shared/protocols/sofa-mesh-api.md}; the
 * real client runs in {@code integration-tests/sofarpc}'s {@code SofaMeshRegistryIntegrationTest}): publish and
 * unpublish change the registry, subscribe opens the Bolt egress and feeds its cluster, mode SDK passes the real
 * addresses through, and every bad request gets a 4xx JSON answer naming the problem with its code.
 */
@Timeout(120)
class SofaMeshApiIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROVIDER_HOST = "127.0.0.2";
    private static final String CONSUMER_HOST = "127.0.0.3";

    private final List<AutoCloseable> closeables = new ArrayList<>();
    // HTTP/1.1, as SOFARPC's MeshApiClient speaks it: the JDK client's default, HTTP/2, tries an h2c upgrade on a
    // request without a body (the GET below), which once left that request unanswered until the test timed out
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3))
            .build();
    private final String token =
            "t" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
    private final String meshService = "probe.HelloService:1.0:" + token;
    private final ServiceKey registryKey = new ServiceKey("sofa-rpc", null, "probe.HelloService:" + token + ":DEFAULT");
    private RegistryServer registry;
    private Sidecar providerSidecar;
    private Sidecar consumerSidecar;
    private MeshAgent providerAgent;
    private MeshAgent consumerAgent;
    private int applicationPort;
    private ServerSocket application;

    @BeforeEach
    void start() throws IOException {
        registry = RegistryServer.builder().host("127.0.0.1").port(0).build().start();
        applicationPort = freePort();
        // the application's Bolt port, accepting as a live application's does: the sidecar checks it
        application = listen(applicationPort);
        providerSidecar = sidecar();
        providerAgent = agent(
                providerSidecar,
                PROVIDER_HOST,
                MeshAgent.builder(
                                registry.address(),
                                new SidecarDataPlane(providerSidecar, PROVIDER_HOST),
                                providerSidecar.mode())
                        .meshApiApplication("127.0.0.1", applicationPort));
        consumerSidecar = sidecar();
        consumerAgent = agent(
                consumerSidecar,
                CONSUMER_HOST,
                MeshAgent.builder(
                                registry.address(),
                                new SidecarDataPlane(consumerSidecar, CONSUMER_HOST),
                                consumerSidecar.mode())
                        .meshApiPort(0)
                        .meshApiEgressPort(0));
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        registry.close();
    }

    @Test
    void publishRegistersTheIngressSubscribeAnswersTheEgressAndUnpublishDeregisters() throws Exception {
        assertThat(post(providerAgent, "/configs/application", "{\"appName\":\"probe-provider\"}"))
                .isEqualTo(ok());
        assertThat(post(providerAgent, "/services/publish", publishBody())).isEqualTo(ok());

        Instance published = awaitOne();
        InetSocketAddress ingress = providerSidecar.listenerAddress("ingress-bolt");
        assertThat(published.ip() + ":" + published.port()).isEqualTo(PROVIDER_HOST + ":" + ingress.getPort());
        assertThat(published.metadata())
                .containsEntry("dualmode.mode", "mesh")
                .containsEntry("dualmode.protocol", "bolt")
                .containsEntry("protocol", "bolt")
                .containsEntry("interface", "probe.HelloService")
                .containsEntry("uniqueId", token)
                .containsEntry("appName", "probe-provider")
                .containsEntry("serialization", "hessian2")
                .containsEntry("sofa.group", "GRP");
        assertThat(endpoints(providerSidecar, "inbound|" + registryKey.name()))
                .containsExactly("127.0.0.1:" + applicationPort);

        JsonNode subscribed = post(consumerAgent, "/services/subscribe", subscribeBody());
        InetSocketAddress egress = consumerSidecar.listenerAddress("egress-bolt");
        assertThat(egress.getAddress().getHostAddress()).isEqualTo(CONSUMER_HOST);
        assertThat(subscribed.get("success").asBoolean()).isTrue();
        assertThat(subscribed.get("serviceName").asText()).isEqualTo(meshService);
        assertThat(subscribed.get("datas").get(0).asText())
                .isEqualTo(CONSUMER_HOST + ":" + egress.getPort() + "?p=1&v=4.0&_SERIALIZETYPE=hessian2"
                        + "&app_name=probe-provider");
        assertThat(endpoints(consumerSidecar, registryKey.name()))
                .containsExactly(PROVIDER_HOST + ":" + ingress.getPort());
        assertThat(post(consumerAgent, "/services/unsubscribe", unsubscribeBody()))
                .isEqualTo(ok());

        // Publishing again (a second ServerConfig) changes nothing.
        assertThat(post(providerAgent, "/services/publish", publishBody())).isEqualTo(ok());
        assertThat(registry.naming().instances(registryKey)).hasSize(1);

        assertThat(post(providerAgent, "/services/unpublish", unpublishBody())).isEqualTo(ok());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> registry.naming().instances(registryKey).isEmpty());
        assertThat(providerSidecar.clusters().cluster("inbound|" + registryKey.name()))
                .isNull();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> endpoints(consumerSidecar, registryKey.name()).isEmpty());

        assertThat(boltCall(egress, meshService)).contains("no healthy upstream for service " + registryKey.name());
        assertThat(boltCall(egress, "nobody.Service:1.0")).contains("no route for service nobody.Service:DEFAULT");
    }

    @Test
    void sdkModeRegistersTheApplicationAndAnswersTheRealProvidersThenMeshModeTheSidecars() throws Exception {
        providerSidecar.mode().set(Mode.SDK);
        consumerSidecar.mode().set(Mode.SDK);
        assertThat(post(providerAgent, "/services/publish", publishBody())).isEqualTo(ok());
        Instance published = awaitOne();
        assertThat(published.ip() + ":" + published.port()).isEqualTo("127.0.0.1:" + applicationPort);
        assertThat(published.metadata()).containsEntry("dualmode.mode", "sdk");

        JsonNode subscribed = post(consumerAgent, "/services/subscribe", subscribeBody());
        assertThat(subscribed.get("datas").get(0).asText())
                .startsWith("127.0.0.1:" + applicationPort + "?p=1&v=4.0&_SERIALIZETYPE=hessian2");
        // SOFARPC dials the egress whatever it is handed: the egress is open and forwards to the real provider.
        assertThat(consumerSidecar.listenerAddress("egress-bolt")).isNotNull();
        assertThat(endpoints(consumerSidecar, registryKey.name())).containsExactly("127.0.0.1:" + applicationPort);

        providerSidecar.mode().set(Mode.MESH);
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            InetSocketAddress ingress = providerSidecar.listenerAddress("ingress-bolt");
            List<Instance> now = registry.naming().instances(registryKey);
            return ingress != null
                    && now.size() == 1
                    && now.get(0).port() == ingress.getPort()
                    && "mesh".equals(now.get(0).metadata().get("dualmode.mode"));
        });
    }

    @Test
    void anApplicationThatStopsAcceptingIsWithdrawnAndPublishedAgainWhenItAccepts() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Sidecar sidecar = sidecar();
        MeshAgent agent = agent(
                sidecar,
                PROVIDER_HOST,
                MeshAgent.builder(registry.address(), new SidecarDataPlane(sidecar, PROVIDER_HOST), sidecar.mode())
                        .meshApiApplication("127.0.0.1", applicationPort)
                        .meshApiLivenessInterval(Duration.ofMillis(200))
                        .meterRegistry(meters));
        assertThat(post(agent, "/services/publish", publishBody())).isEqualTo(ok());
        Instance published = awaitOne();
        assertThat(published.port())
                .isEqualTo(sidecar.listenerAddress("ingress-bolt").getPort());

        // killed: it never calls unpublish, but it stops accepting connections
        application.close();
        await("the services of an application that refuses connections withdrawn")
                .atMost(Duration.ofSeconds(10))
                .until(() -> registry.naming().instances(registryKey).isEmpty());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> meters.get("sidecar.mesh_api.withdrawn").gauge().value() == 1);
        assertThat(meters.get("sidecar.mesh_api.withdrawals").counter().count()).isEqualTo(1);

        // a pause, not a restart: when it accepts again, what it had published is published again
        application = listen(applicationPort);
        assertThat(awaitOne().port()).isEqualTo(published.port());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> meters.get("sidecar.mesh_api.withdrawn").gauge().value() == 0);

        // withdrawn again, then a restarted application publishes afresh: its new word counts, once
        application.close();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> registry.naming().instances(registryKey).isEmpty());
        application = listen(applicationPort);
        assertThat(post(agent, "/services/publish", publishBody())).isEqualTo(ok());
        assertThat(awaitOne().port()).isEqualTo(published.port());
        assertThat(post(agent, "/services/unpublish", unpublishBody())).isEqualTo(ok());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> registry.naming().instances(registryKey).isEmpty());
    }

    @Test
    void badRequestsGetAFourHundredJsonAnswerNamingTheProblem() throws Exception {
        assertError(consumerAgent, "/services/publish", "{\"serviceName\":", 400, "SIDECAR-0206", "not a JSON object");
        assertError(consumerAgent, "/services/publish", "[1,2]", 400, "SIDECAR-0206", "got a JSON array");
        assertError(consumerAgent, "/services/subscribe", "", 400, "SIDECAR-0206", "got an empty body");
        assertError(
                consumerAgent,
                "/services/subscribe",
                "{\"serviceName\":\"a.B:1.0\",\"colour\":\"red\"}",
                400,
                "SIDECAR-0207",
                "unknown field 'colour'");
        assertError(
                consumerAgent,
                "/services/publish",
                "{\"serviceName\":\"a.B:1.0\",\"providerMetaInfo\":{\"weight\":3}}",
                400,
                "SIDECAR-0207",
                "unknown field 'providerMetaInfo.weight'");
        assertError(
                consumerAgent,
                "/services/subscribe",
                "{\"protocolType\":\"bolt\"}",
                400,
                "SIDECAR-0208",
                "serviceName is required");
        assertError(
                consumerAgent,
                "/services/unpublish",
                "{\"serviceName\":\"no-version\"}",
                400,
                "SIDECAR-0208",
                "serviceName 'no-version' is not interface:version[:uniqueId]");
        assertError(
                consumerAgent,
                "/services/publish",
                "{\"serviceName\":\"a.B:1.0\",\"port\":\"70000\"}",
                400,
                "SIDECAR-0208",
                "port must be a port in 1..65535");
        assertError(
                consumerAgent,
                "/services/subscribe",
                "{\"serviceName\":\"a.B:1.0\",\"protocolType\":\"tr\"}",
                400,
                "SIDECAR-0209",
                "protocolType 'tr' is not served");
        assertError(consumerAgent, "/configs/application", "{\"appName\":null}", 400, "SIDECAR-0208", "appName");
        assertError(
                consumerAgent, "/services/nothing", "{}", 404, "SIDECAR-0212", "no endpoint POST /services/nothing");
        HttpResponse<String> get = http.send(
                HttpRequest.newBuilder(URI.create(consumerAgent.meshApiAddress() + "/services/publish"))
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("connection")).hasValue("close");
        assertThat(JSON.readTree(get.body()).get("code").asText()).isEqualTo("SIDECAR-0212");
        assertThat(registry.naming().instances(new ServiceKey("sofa-rpc", null, "a.B:DEFAULT")))
                .isEmpty();
    }

    @Test
    void anEgressPortTakenByAnotherProcessIsNamedInTheSubscribeAnswer() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.4"))) {
            Sidecar sidecar = sidecar();
            MeshAgent agent = agent(
                    sidecar,
                    "127.0.0.4",
                    MeshAgent.builder(registry.address(), new SidecarDataPlane(sidecar, "127.0.0.4"), sidecar.mode())
                            .meshApiEgressPort(taken.getLocalPort()));
            assertError(
                    agent,
                    "/services/subscribe",
                    subscribeBody(),
                    503,
                    "SIDECAR-0211",
                    "cannot open the Bolt egress on 127.0.0.4:" + taken.getLocalPort());
        }
    }

    private String publishBody() {
        return "{\"serviceName\":\"" + meshService + "\",\"protocolType\":\"bolt\","
                + "\"providerMetaInfo\":{\"protocol\":\"bolt\",\"version\":\"4.0\",\"serializeType\":\"hessian2\","
                + "\"appName\":\"probe-provider\",\"properties\":{\"sofa.group\":\"GRP\"}},"
                + "\"onlyPublishInCloud\":false,\"group\":\"GRP\"}";
    }

    private String subscribeBody() {
        return "{\"serviceName\":\"" + meshService + "\",\"protocolType\":\"bolt\",\"targetAppAddress\":null,"
                + "\"vipEnforce\":false,\"vipOnly\":false,\"localCloudFirst\":false,\"group\":\"GRP\","
                + "\"properties\":{\"sofa.group\":\"GRP\"}}";
    }

    private String unpublishBody() {
        return "{\"serviceName\":\"" + meshService + "\",\"protocolType\":\"bolt\",\"group\":\"GRP\"}";
    }

    private String unsubscribeBody() {
        return "{\"serviceName\":\"" + meshService + "\",\"targetAppAddress\":null,\"protocolType\":\"bolt\","
                + "\"group\":\"GRP\"}";
    }

    private static JsonNode ok() {
        return JSON.createObjectNode().put("success", true).putNull("errorMessage");
    }

    private Instance awaitOne() {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> registry.naming().instances(registryKey).size() == 1);
        return registry.naming().instances(registryKey).get(0);
    }

    private static List<String> endpoints(Sidecar sidecar, String cluster) {
        Cluster c = sidecar.clusters().cluster(cluster);
        return c == null
                ? List.of()
                : c.hosts().stream()
                        .map(UpstreamHost::endpoint)
                        .map(e -> e.host() + ":" + e.port())
                        .toList();
    }

    private JsonNode post(MeshAgent agent, String path, String body) throws Exception {
        HttpResponse<String> response = send(agent, path, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private void assertError(MeshAgent agent, String path, String body, int status, String code, String text)
            throws Exception {
        HttpResponse<String> response = send(agent, path, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode json = JSON.readTree(response.body());
        assertThat(json.get("success").asBoolean()).isFalse();
        assertThat(json.get("code").asText()).isEqualTo(code);
        assertThat(json.get("errorMessage").asText()).startsWith(code + ": ").contains(text);
        // an error answer closes the connection (MeshApiRoutes says why), so the next request gets a fresh one
        assertThat(response.headers().firstValue("connection")).hasValue("close");
    }

    private HttpResponse<String> send(MeshAgent agent, String path, String body) throws Exception {
        // As SOFARPC's MeshApiClient sends it: POST, text/plain, JSON body.
        return http.send(
                HttpRequest.newBuilder(URI.create(agent.meshApiAddress() + path))
                        .timeout(Duration.ofSeconds(20))
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * One Bolt v1 request for {@code service} on a raw socket, as SOFARPC frames it; answers the reply's content as
     * text (the Hessian string of the error message is UTF-8 inside it).
     */
    private static String boltCall(InetSocketAddress egress, String service) throws IOException {
        byte[] clazz = "com.alipay.sofa.rpc.core.request.SofaRequest".getBytes(StandardCharsets.US_ASCII);
        java.io.ByteArrayOutputStream headerBytes = new java.io.ByteArrayOutputStream();
        DataOutputStream header = new DataOutputStream(headerBytes);
        for (String s : new String[] {"service", service, "sofa_head_method_name", "hello", "type", "sync"}) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            header.writeInt(b.length);
            header.write(b);
        }
        byte[] content = "opaque".getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket(egress.getAddress(), egress.getPort())) {
            socket.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeByte(1);
            out.writeByte(1);
            out.writeShort(1);
            out.writeByte(1);
            out.writeInt(7);
            out.writeByte(1);
            out.writeInt(3000);
            out.writeShort(clazz.length);
            out.writeShort(headerBytes.size());
            out.writeInt(content.length);
            out.write(clazz);
            out.write(headerBytes.toByteArray());
            out.write(content);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] fixed = new byte[20];
            in.readFully(fixed);
            int classLen = ((fixed[12] & 0xff) << 8) | (fixed[13] & 0xff);
            int headerLen = ((fixed[14] & 0xff) << 8) | (fixed[15] & 0xff);
            int contentLen = java.nio.ByteBuffer.wrap(fixed, 16, 4).getInt();
            assertThat(java.nio.ByteBuffer.wrap(fixed, 5, 4).getInt()).isEqualTo(7);
            in.readFully(new byte[classLen + headerLen]);
            byte[] reply = new byte[contentLen];
            in.readFully(reply);
            return new String(reply, StandardCharsets.UTF_8);
        }
    }

    private Sidecar sidecar() {
        Sidecar s = Sidecar.create(SidecarFixture.config(List.of(), List.of()).build(), Mode.MESH)
                .start();
        closeables.add(s);
        return s;
    }

    private MeshAgent agent(Sidecar sidecar, String host, MeshAgent.Builder builder) {
        Properties upstream = new Properties();
        upstream.setProperty("namingRequestTimeout", "10000");
        MeshAgent agent = builder.localHost(host)
                .localPort(0)
                .upstreamProperties(upstream)
                .build()
                .start();
        closeables.add(agent);
        return agent;
    }

    private static int freePort() throws IOException {
        return RpcFixture.freePort();
    }

    private ServerSocket listen(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        closeables.add(socket);
        return socket;
    }
}
