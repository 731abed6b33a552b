package io.dualmode.it.dubbo.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.pojo.Instance;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Dubbo example provider and consumer (runnable jars, {@code dualmode-dubbo-spring-boot-starter}), each in its own
 * JVM, consumer {sdk, mesh} x provider {sdk, mesh}, against the real registry and real sidecars on loopback. Each
 * pair has its own Dubbo group, so a consumer reaches exactly one provider. Every call must succeed and take the
 * expected path, read from the sidecars' own counters: a mesh consumer's calls pass its sidecar's
 * {@code egress-dubbo} listener, a mesh provider's arrive through its sidecar's {@code ingress-dubbo}, and nothing
 * else passes any sidecar. The provider's reply names the caller address it saw ({@code 127.0.0.1}: Dubbo dials every
 * {@code 127.*} host as {@code 127.0.0.1}, so on one machine the sidecars differ by port, not by address).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 360, unit = TimeUnit.SECONDS)
final class DubboInteropIntegrationTest {

    private static final String GREETER = "io.dualmode.examples.dubbo.api.Greeter";
    private static final int CALLS = 5;

    private DubboMatrix matrix;

    @BeforeAll
    void startEverything() throws Exception {
        // one consumer also calls on its own, as in the demo
        matrix = new DubboMatrix(
                "dit",
                new String[0],
                key -> key.equals("sdk->sdk") ? new String[] {"--dualmode.example.interval=1s"} : new String[0]);
    }

    @AfterAll
    void stopEverything() {
        if (matrix != null) {
            matrix.close();
        }
    }

    static Stream<Arguments> matrix() {
        return DubboMatrix.pairs();
    }

    @Order(1)
    @ParameterizedTest(name = "consumer {0} -> provider {1}")
    @MethodSource("matrix")
    void everyCallSucceedsOnTheExpectedPath(String consumerMode, String providerMode) throws Exception {
        String key = consumerMode + "->" + providerMode;
        ExampleApp consumer = matrix.consumers.get(key);
        ExampleApp provider = matrix.provider(providerMode);
        Map<String, Long> before = counters();

        for (int i = 0; i < CALLS; i++) {
            ExampleApp.Reply reply = consumer.call("call-" + i);
            assertThat(reply.status()).as("%s: %s", key, reply.body()).isEqualTo(200);
            assertThat(reply.body().path("consumer").asText()).isEqualTo(consumer.name);
            assertThat(reply.body().path("consumerMode").asText()).isEqualTo(consumerMode);
            assertThat(reply.reply())
                    .startsWith("hello call-" + i + " from " + provider.name + " instance=127.0.0.1:"
                            + provider.dubboPort + " mode=" + providerMode + " caller=127.0.0.1:");
        }

        Map<String, Long> expected = new java.util.HashMap<>(before);
        if (consumerMode.equals("mesh")) {
            expected.merge(key + " egress-dubbo", (long) CALLS, Long::sum);
        }
        if (providerMode.equals("mesh")) {
            expected.merge("provider ingress-dubbo", (long) CALLS, Long::sum);
        }
        assertThat(counters()).as("requests each sidecar listener saw").isEqualTo(expected);
    }

    @Order(2)
    @Test
    void theConsumerCallsOnItsOwnWhenGivenAnInterval() {
        ExampleApp consumer = matrix.consumers.get("sdk->sdk");
        String line = "CALL ok " + consumer.name + "(sdk) -> hello periodic from " + matrix.sdkProvider.name;
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(consumer.output()).contains(line));
    }

    @Order(2)
    @Test
    void whatIsRegisteredCarriesTheModeProtocolAndApplication() throws Exception {
        NamingService naming = NacosFactory.createNamingService(matrix.registry.address());
        try {
            // SDK provider: interface-level and application-level, both with the starter's metadata
            Instance sdkInterface = single(naming, "providers:" + GREETER + ":1.0.0:" + matrix.group("sdk"));
            assertThat(sdkInterface.getIp() + ":" + sdkInterface.getPort())
                    .isEqualTo("127.0.0.1:" + matrix.sdkProvider.dubboPort);
            assertThat(sdkInterface.getMetadata())
                    .containsEntry("dualmode.mode", "sdk")
                    .containsEntry("dualmode.protocol", "dubbo")
                    .containsEntry("dualmode.application", matrix.sdkProvider.name);
            Instance sdkApplication = single(naming, matrix.sdkProvider.name);
            assertThat(sdkApplication.getMetadata())
                    .containsEntry("dualmode.mode", "sdk")
                    .containsEntry("dualmode.protocol", "dubbo")
                    .containsEntry("dualmode.application", matrix.sdkProvider.name);

            // mesh provider: interface-level only, published as its sidecar's Dubbo ingress
            Instance meshInterface = single(naming, "providers:" + GREETER + ":1.0.0:" + matrix.group("mesh"));
            assertThat(meshInterface.getIp() + ":" + meshInterface.getPort())
                    .isEqualTo("127.0.0.1:" + matrix.providerSidecar.ingress().getPort());
            assertThat(meshInterface.getMetadata())
                    .containsEntry("dualmode.mode", "mesh")
                    .containsEntry("dualmode.protocol", "dubbo")
                    .containsEntry("dualmode.application", matrix.meshProvider.name);
            assertThat(naming.getAllInstances(matrix.meshProvider.name)).isEmpty();

            // and the actuator endpoint says the same
            for (ExampleApp provider : List.of(matrix.sdkProvider, matrix.meshProvider)) {
                var endpoint = provider.get("/actuator/dualmode");
                assertThat(endpoint.path("mode").asText()).isEqualTo(provider.mode);
                var registration = endpoint.path("registrations").get(0);
                assertThat(registration.path("service").asText())
                        .isEqualTo("providers:" + GREETER + ":1.0.0:" + matrix.group(provider.mode));
                assertThat(registration.path("address").asText()).isEqualTo("127.0.0.1:" + provider.dubboPort);
                assertThat(registration
                                .path("metadata")
                                .path("dualmode.application")
                                .asText())
                        .isEqualTo(provider.name);
            }
        } finally {
            naming.shutDown();
        }
    }

    @Order(4)
    @Test
    void callsContinueFromCachedListsWhileTheRegistryIsDown() throws Exception {
        matrix.registry.close();
        for (Map.Entry<String, ExampleApp> e : matrix.consumers.entrySet()) {
            for (int i = 0; i < CALLS; i++) {
                ExampleApp.Reply reply = e.getValue().call("registry-down-" + i);
                assertThat(reply.status())
                        .as("%s: %s", e.getKey(), reply.body())
                        .isEqualTo(200);
            }
        }
    }

    @Order(3)
    @Test
    void aMeshConsumerFailsClearlyWhileItsSidecarIsDownAndRecoversWhenItReturns() throws Exception {
        ExampleApp consumer = matrix.consumers.get("mesh->sdk");
        MeshNode sidecar = matrix.consumerSidecars.get("mesh->sdk");
        sidecar.stop();
        ExampleApp.Reply failed = consumer.call("sidecar-down");
        assertThat(failed.status()).isEqualTo(502);
        assertThat(failed.error()).contains("Failed to invoke the method greet").contains("127.0.0.1");

        sidecar.start();
        // the starter's mesh-mode reconnect interval (3 s) brings it back within seconds; Dubbo's default would take
        // up to a minute
        await("the mesh consumer calling again through its restarted sidecar")
                .atMost(Duration.ofSeconds(25))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(
                        () -> assertThat(consumer.call("sidecar-back").status()).isEqualTo(200));
        long before = sidecar.requests("egress-dubbo");
        assertThat(consumer.call("through-the-new-sidecar").reply()).contains("from " + matrix.sdkProvider.name);
        assertThat(sidecar.requests("egress-dubbo")).isEqualTo(before + 1);
    }

    private Map<String, Long> counters() {
        return matrix.counters(List.of("egress-dubbo", "ingress-dubbo"));
    }

    private static Instance single(NamingService naming, String service) throws Exception {
        List<Instance> instances = naming.getAllInstances(service);
        assertThat(instances).as(service).hasSize(1);
        return instances.get(0);
    }
}
