package io.dualmode.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.nacos.api.exception.NacosException;
import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.listener.NamingEvent;
import com.alibaba.nacos.api.naming.pojo.Instance;
import com.fasterxml.jackson.databind.JsonNode;
import io.dualmode.registry.naming.ServiceKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input over gRPC: each case gets the Nacos error code and a message saying what is wrong, and the registry keeps
 * serving the well-behaved client next to it with nothing stored lost.
 */
@Timeout(60)
class GrpcBadInputIntegrationTest {

    private static final String REGISTER = "{\"headers\":{},\"namespace\":\"public\",\"serviceName\":\"%s\","
            + "\"groupName\":\"DEFAULT_GROUP\",\"type\":\"registerInstance\",\"instance\":%s,\"module\":\"naming\"}";

    @TempDir
    Path dataDir;

    private RegistryServer registry;
    private RawGrpcClient raw;
    private NamingService good;

    @BeforeEach
    void start() throws Exception {
        registry = RegistryServer.builder()
                .host("127.0.0.1")
                .port(0)
                .dataDir(dataDir)
                .maxRequestBytes(64 * 1024)
                .build()
                .start();
        raw = new RawGrpcClient("127.0.0.1", registry.grpcPort());
        good = NacosClients.naming(registry.address());
        Instance persistent = new Instance();
        persistent.setIp("127.0.0.20");
        persistent.setPort(7000);
        persistent.setEphemeral(false);
        good.registerInstance("kept", persistent);
    }

    @AfterEach
    void stop() throws Exception {
        raw.close();
        good.shutDown();
        registry.close();
    }

    private void assertStillServingAndNothingLost() throws Exception {
        good.registerInstance("after", "127.0.0.21", 7001);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> good.getAllInstances("after").size() == 1);
        assertThat(registry.naming().instances(new ServiceKey(null, null, "kept")))
                .extracting(i -> i.ip())
                .containsExactly("127.0.0.20");
    }

    @Test
    void unknownRequestTypeGetsNoHandler() throws Exception {
        JsonNode reply = raw.callJson("NoSuchRequest", "{}");
        assertThat(reply.path("_type").asText()).isEqualTo("ErrorResponse");
        assertThat(reply.path("errorCode").asInt()).isEqualTo(302);
        assertThat(reply.path("message").asText()).contains("NoSuchRequest");
        assertStillServingAndNothingLost();
    }

    @Test
    void requestOnUnregisteredConnectionGetsUnRegister() throws Exception {
        JsonNode reply = raw.callJson("InstanceRequest", REGISTER.formatted("s", "{\"ip\":\"127.0.0.1\",\"port\":1}"));
        assertThat(reply.path("errorCode").asInt()).isEqualTo(301);
        assertThat(reply.path("message").asText()).isEqualTo("Connection is unregistered.");
        assertStillServingAndNothingLost();
    }

    @Test
    void malformedBodyGetsBadGateway() throws Exception {
        raw.setUp();
        JsonNode reply = raw.callJson("InstanceRequest", "{\"serviceName\": \"s\", broken");
        assertThat(reply.path("errorCode").asInt()).isEqualTo(502);
        assertThat(reply.path("message").asText()).contains("cannot be parsed");
        JsonNode notObject = raw.callJson("InstanceRequest", "[1,2]");
        assertThat(notObject.path("errorCode").asInt()).isEqualTo(502);
        assertStillServingAndNothingLost();
    }

    @Test
    void invalidInstancesGetInvalidParamWithWhatToFix() throws Exception {
        raw.setUp();
        JsonNode badPort =
                raw.callJson("InstanceRequest", REGISTER.formatted("s", "{\"ip\":\"127.0.0.1\",\"port\":70000}"));
        assertThat(badPort.path("errorCode").asInt()).isEqualTo(400);
        assertThat(badPort.path("message").asText()).contains("port 70000 is out of range");
        JsonNode noName = raw.callJson("InstanceRequest", REGISTER.formatted("", "{\"ip\":\"127.0.0.1\",\"port\":1}"));
        assertThat(noName.path("message").asText()).contains("serviceName must not be empty");
        JsonNode negativeWeight = raw.callJson(
                "InstanceRequest", REGISTER.formatted("s", "{\"ip\":\"127.0.0.1\",\"port\":1,\"weight\":-1}"));
        assertThat(negativeWeight.path("message").asText()).contains("weight -1.0 is out of range");
        JsonNode noIp = raw.callJson("InstanceRequest", REGISTER.formatted("s", "{\"port\":1}"));
        assertThat(noIp.path("message").asText()).contains("ip must not be empty");
        assertThat(registry.naming().instances(new ServiceKey(null, null, "s"))).isEmpty();

        NacosException fromClient = org.junit.jupiter.api.Assertions.assertThrows(
                NacosException.class, () -> good.registerInstance("s", "127.0.0.1", -5));
        assertThat(fromClient.getErrCode()).isEqualTo(400);
        assertThat(fromClient.getErrMsg()).contains("port -5 is out of range");
        // refused in its own response type, so the client does not drop its connection over a bad parameter
        assertThat(good.getServerStatus()).isEqualTo("UP");
        assertStillServingAndNothingLost();
    }

    @Test
    void oversizedBodyIsRefusedWithTheLimit() throws Exception {
        raw.setUp();
        String big = "x".repeat(100 * 1024);
        JsonNode reply = raw.callJson(
                "InstanceRequest",
                REGISTER.formatted("s", "{\"ip\":\"127.0.0.1\",\"port\":1,\"metadata\":{\"k\":\"" + big + "\"}}"));
        assertThat(reply.path("errorCode").asInt()).isEqualTo(400);
        assertThat(reply.path("message").asText()).contains("exceeds the limit of 65536 bytes");
        assertStillServingAndNothingLost();
    }

    @Test
    void clientThatNeverAcksOrVanishesMidPushDoesNotHoldUpOthers() throws Exception {
        raw.setUp();
        String subscribe = "{\"headers\":{},\"namespace\":\"public\",\"serviceName\":\"hot\",\"groupName\":"
                + "\"DEFAULT_GROUP\",\"subscribe\":true,\"clusters\":\"\",\"module\":\"naming\"}";
        assertThat(raw.callJson("SubscribeServiceRequest", subscribe)
                        .path("resultCode")
                        .asInt())
                .isEqualTo(200);
        AtomicReference<List<Instance>> seen = new AtomicReference<>(List.of());
        good.subscribe("hot", e -> seen.set(((NamingEvent) e).getInstances()));

        good.registerInstance("hot", "127.0.0.22", 1);
        assertThat(raw.nextPush(5).getMetadata().getType()).isEqualTo("NotifySubscriberRequest");
        raw.close();
        good.registerInstance("hot", "127.0.0.23", 2);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> seen.get().size() == 1 && seen.get().get(0).getIp().equals("127.0.0.23"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> registry.subscriptions()
                                .subscribersOf(new ServiceKey(null, null, "hot"))
                                .size()
                        == 1);
        assertStillServingAndNothingLost();
    }
}
