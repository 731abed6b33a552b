package io.dualmode.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.naming.NamingService;
import io.dualmode.registry.internal.grpc.Payload;
import io.dualmode.registry.naming.ServiceKey;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Server-to-client detection drops silent clients; a graceful stop moves clients to the next server first. */
@Timeout(90)
class ConnectionLifecycleIntegrationTest {

    private static final String REGISTER = "{\"headers\":{},\"namespace\":\"public\",\"serviceName\":\"silent\","
            + "\"groupName\":\"DEFAULT_GROUP\",\"type\":\"registerInstance\","
            + "\"instance\":{\"ip\":\"127.0.0.40\",\"port\":1},\"module\":\"naming\"}";

    @Test
    void clientThatDoesNotAnswerDetectionIsDroppedWithItsInstances() throws Exception {
        try (RegistryServer registry = RegistryServer.builder()
                        .host("127.0.0.1")
                        .port(0)
                        .detectionIdle(Duration.ofMillis(500))
                        .build()
                        .start();
                RawGrpcClient silent = new RawGrpcClient("127.0.0.1", registry.grpcPort())) {
            silent.setUp();
            assertThat(silent.callJson("InstanceRequest", REGISTER)
                            .path("resultCode")
                            .asInt())
                    .isEqualTo(200);
            ServiceKey key = new ServiceKey(null, null, "silent");
            assertThat(registry.naming().instances(key)).hasSize(1);

            Payload detection = silent.nextPush(10);
            assertThat(detection.getMetadata().getType()).isEqualTo("ClientDetectionRequest");
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> registry.naming().instances(key).isEmpty());
            assertThat(registry.connections().registeredCount()).isZero();
        }
    }

    @Test
    void aStoppingServerDoesNotPushTheInstancesOfLeavingClientsAsRemoved() throws Exception {
        RegistryServer registry = RegistryServer.builder()
                .host("127.0.0.1")
                .port(0)
                .drainTimeout(Duration.ofSeconds(2))
                .build()
                .start();
        NamingService provider = NacosFactory.createNamingService(NacosClients.properties(registry.address(), null));
        // the subscriber never answers the connection reset, so it is still connected while the provider leaves
        try (RawGrpcClient subscriber = new RawGrpcClient("127.0.0.1", registry.grpcPort())) {
            provider.registerInstance("kept", "127.0.0.42", 8080);
            ServiceKey key = new ServiceKey(null, null, "kept");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> registry.naming().instances(key).size() == 1);
            subscriber.setUp();
            String subscribe = "{\"headers\":{},\"namespace\":\"public\",\"serviceName\":\"kept\","
                    + "\"groupName\":\"DEFAULT_GROUP\",\"subscribe\":true,\"clusters\":\"\",\"module\":\"naming\"}";
            assertThat(subscriber
                            .callJson("SubscribeServiceRequest", subscribe)
                            .path("serviceInfo")
                            .path("hosts")
                            .size())
                    .isEqualTo(1);
            Payload first = subscriber.nextPush(5);
            assertThat(first.getMetadata().getType()).isEqualTo("NotifySubscriberRequest");

            registry.close(); // waits out the drain: the provider leaves, the subscriber stays to the end
            java.util.List<String> after = new java.util.ArrayList<>();
            for (Payload p = subscriber.nextPush(1); p != null; p = subscriber.nextPush(1)) {
                after.add(
                        p.getMetadata().getType() + " " + p.getBody().getValue().toStringUtf8());
            }
            assertThat(after)
                    .as("what the subscriber was sent while the server stopped")
                    .allSatisfy(sent -> assertThat(sent).startsWith("ConnectResetRequest"));
            assertThat(after).isNotEmpty();
        } finally {
            provider.shutDown();
            registry.close();
        }
    }

    @Test
    void gracefulStopMovesClientsToTheNextServerBeforeClosing() throws Exception {
        RegistryServer first =
                RegistryServer.builder().host("127.0.0.1").port(0).build().start();
        RegistryServer second =
                RegistryServer.builder().host("127.0.0.1").port(0).build().start();
        NamingService client = NacosFactory.createNamingService(
                NacosClients.properties(first.address() + "," + second.address(), null));
        try {
            client.registerInstance("moving", "127.0.0.41", 8080);
            ServiceKey key = new ServiceKey(null, null, "moving");
            RegistryServer current = first.naming().instances(key).isEmpty() ? second : first;
            RegistryServer other = current == first ? second : first;
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> current.naming().instances(key).size() == 1);

            current.close();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> other.naming().instances(key).size() == 1);
            assertThat(other.connections().registeredCount()).isEqualTo(1);
        } finally {
            client.shutDown();
            first.close();
            second.close();
        }
    }
}
