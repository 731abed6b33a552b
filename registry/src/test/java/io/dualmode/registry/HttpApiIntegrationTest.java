package io.dualmode.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualmode.registry.naming.ServiceKey;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP open API (v1 and v2), login, health and metrics, and its answers to bad input. */
@Timeout(60)
class HttpApiIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    private RegistryServer registry;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        registry = RegistryServer.builder()
                .host("127.0.0.1")
                .port(0)
                .dataDir(dataDir)
                .maxRequestBytes(16 * 1024)
                .build()
                .start();
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private HttpResponse<String> send(String method, String path, String form) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + registry.address() + path))
                .timeout(Duration.ofSeconds(5));
        if (form == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/x-www-form-urlencoded")
                    .method(method, HttpRequest.BodyPublishers.ofString(form));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void v1RegisterListBeatAndDeregister() throws Exception {
        HttpResponse<String> reg = send(
                "POST",
                "/nacos/v1/ns/instance",
                "serviceName=hsvc&ip=127.0.0.30&port=8080&weight=2&metadata=" + enc("{\"zone\":\"a\"}"));
        assertThat(reg.statusCode()).isEqualTo(200);
        assertThat(reg.body()).isEqualTo("ok");

        JsonNode list = JSON.readTree(
                send("GET", "/nacos/v1/ns/instance/list?serviceName=hsvc", null).body());
        assertThat(list.path("name").asText()).isEqualTo("DEFAULT_GROUP@@hsvc");
        JsonNode host = list.path("hosts").get(0);
        assertThat(host.path("ip").asText()).isEqualTo("127.0.0.30");
        assertThat(host.path("weight").asDouble()).isEqualTo(2.0);
        assertThat(host.path("instanceId").asText()).isEqualTo("127.0.0.30#8080#DEFAULT#DEFAULT_GROUP@@hsvc");
        assertThat(host.path("metadata").path("zone").asText()).isEqualTo("a");

        JsonNode beat = JSON.readTree(send(
                        "PUT",
                        "/nacos/v1/ns/instance/beat",
                        "serviceName=hsvc&beat=" + enc("{\"ip\":\"127.0.0.30\",\"port\":8080,\"cluster\":\"DEFAULT\"}"))
                .body());
        assertThat(beat.path("code").asInt()).isEqualTo(10200);
        JsonNode unknownBeat =
                JSON.readTree(send("PUT", "/nacos/v1/ns/instance/beat", "serviceName=hsvc&ip=127.0.0.99&port=1")
                        .body());
        assertThat(unknownBeat.path("code").asInt()).isEqualTo(20404);

        JsonNode services = JSON.readTree(send("GET", "/nacos/v1/ns/service/list?pageNo=1&pageSize=10", null)
                .body());
        assertThat(services.path("count").asInt()).isEqualTo(1);
        assertThat(services.path("doms").get(0).asText()).isEqualTo("hsvc");

        assertThat(send("DELETE", "/nacos/v1/ns/instance?serviceName=hsvc&ip=127.0.0.30&port=8080", null)
                        .body())
                .isEqualTo("ok");
        assertThat(registry.naming().instances(new ServiceKey(null, null, "hsvc")))
                .isEmpty();
    }

    @Test
    void v2WrapsRepliesAndPersistentInstancesAreStored() throws Exception {
        HttpResponse<String> reg = send(
                "POST",
                "/nacos/v2/ns/instance",
                "serviceName=psvc&groupName=g&ip=127.0.0.31&port=9090&ephemeral=false&namespaceId=ns1");
        assertThat(JSON.readTree(reg.body()).path("data").asText()).isEqualTo("ok");
        JsonNode list = JSON.readTree(
                send("GET", "/nacos/v2/ns/instance/list?serviceName=psvc&groupName=g&namespaceId=ns1", null)
                        .body());
        assertThat(list.path("code").asInt()).isZero();
        assertThat(list.path("data").path("hosts").get(0).path("ephemeral").asBoolean())
                .isFalse();
        JsonNode services = JSON.readTree(send("GET", "/nacos/v2/ns/service/list?groupName=g&namespaceId=ns1", null)
                .body());
        assertThat(services.path("data").path("services").get(0).asText()).isEqualTo("psvc");

        int port = registry.port();
        registry.close();
        registry = RegistryServer.builder()
                .host("127.0.0.1")
                .port(port)
                .dataDir(dataDir)
                .build()
                .start();
        assertThat(registry.naming().instances(new ServiceKey("ns1", "g", "psvc")))
                .extracting(i -> i.ip())
                .containsExactly("127.0.0.31");
    }

    @Test
    void serviceMetadataIsStoredAndDeleteRefusedWhileInstancesRemain() throws Exception {
        assertThat(send("POST", "/nacos/v1/ns/service", "serviceName=meta&protectThreshold=0.5&metadata=owner=team-a")
                        .statusCode())
                .isEqualTo(200);
        assertThat(send("POST", "/nacos/v1/ns/service", "serviceName=meta").statusCode())
                .isEqualTo(409);
        JsonNode detail = JSON.readTree(
                send("GET", "/nacos/v1/ns/service?serviceName=meta", null).body());
        assertThat(detail.path("metadata").path("owner").asText()).isEqualTo("team-a");
        send("POST", "/nacos/v1/ns/instance", "serviceName=meta&ip=127.0.0.32&port=1");
        HttpResponse<String> refused = send("DELETE", "/nacos/v1/ns/service?serviceName=meta", null);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("still has 1 instances");
    }

    @Test
    void badInputGetsPreciseErrors() throws Exception {
        HttpResponse<String> badPort = send("POST", "/nacos/v1/ns/instance", "serviceName=s&ip=127.0.0.1&port=99999");
        assertThat(badPort.statusCode()).isEqualTo(400);
        assertThat(badPort.body()).contains("port 99999 is out of range");
        HttpResponse<String> missing = send("POST", "/nacos/v1/ns/instance", "ip=127.0.0.1&port=1");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("'serviceName' is required");
        HttpResponse<String> notNumber = send("POST", "/nacos/v2/ns/instance", "serviceName=s&ip=1.2.3.4&port=x");
        assertThat(notNumber.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(notNumber.body()).path("message").asText()).contains("must be an integer");
        HttpResponse<String> negativeWeight =
                send("POST", "/nacos/v1/ns/instance", "serviceName=s&ip=127.0.0.1&port=1&weight=-3");
        assertThat(negativeWeight.body()).contains("weight -3.0 is out of range");
        HttpResponse<String> tooBig = send(
                "POST", "/nacos/v1/ns/instance", "serviceName=s&ip=127.0.0.1&port=1&metadata=" + "k".repeat(20_000));
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(tooBig.body()).contains("exceeds the limit of 16384 bytes");
        assertThat(send("GET", "/nacos/v1/ns/nope", null).statusCode()).isEqualTo(404);
        assertThat(registry.naming().instances(new ServiceKey(null, null, "s"))).isEmpty();
        assertThat(send("POST", "/nacos/v1/ns/instance", "serviceName=s&ip=127.0.0.1&port=1")
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void loginHealthAndMetrics() throws Exception {
        JsonNode login = JSON.readTree(send("POST", "/nacos/v1/auth/users/login?username=nacos", "password=nacos")
                .body());
        assertThat(login.path("accessToken").asText()).isNotBlank();
        assertThat(JSON.readTree(send("GET", "/nacos/v1/ns/operator/metrics", null)
                                .body())
                        .path("status")
                        .asText())
                .isEqualTo("UP");
        send("POST", "/nacos/v1/ns/instance", "serviceName=m&ip=127.0.0.1&port=1");
        String metrics = send("GET", "/metrics", null).body();
        assertThat(metrics).contains("registry_instances 1.0").contains("registry_connections");
        assertThat(JSON.readTree(send("GET", "/health", null).body())
                        .path("status")
                        .asText())
                .isEqualTo("UP");
    }
}
