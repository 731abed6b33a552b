package io.dualmode.it.dubbo.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.pojo.Instance;
import java.util.ArrayList;
import java.util.HashMap;
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
 * Dubbo application-level (instance) discovery through the sidecars, with the example jars: the providers register
 * only their application instance ({@code dubbo.application.register-mode=instance}), the consumers discover only
 * that way ({@code dubbo.application.service-discovery.migration=FORCE_APPLICATION}), consumer {sdk, mesh} x provider
 * {sdk, mesh}, each pair in its own Dubbo group. Every business call must succeed and take the expected path, read
 * from the sidecars' per-application listeners: a mesh consumer's calls pass its sidecar's
 * {@code egress-dubbo-<provider application>}, a mesh provider's arrive through its sidecar's
 * {@code ingress-dubbo-<provider application>}, and nothing else passes any sidecar. Without the starter's
 * {@code MeshEndpointAddressListener} and the mesh provider's {@code MetadataInfo} ports left to its endpoints, the
 * calls would still succeed on one machine, but straight to the providers' own ports: the counters catch that.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 480, unit = TimeUnit.SECONDS)
final class DubboApplicationDiscoveryIntegrationTest {

    private static final String GREETER = "io.dualmode.examples.dubbo.api.Greeter";
    private static final int CALLS = 5;
    private static final String INSTANCE_ONLY = "--dubbo.application.register-mode=instance";
    private static final String APPLICATION_ONLY = "--dubbo.application.service-discovery.migration=FORCE_APPLICATION";

    private DubboMatrix matrix;

    @BeforeAll
    void startEverything() throws Exception {
        matrix = new DubboMatrix("dad", new String[] {INSTANCE_ONLY}, key -> new String[] {APPLICATION_ONLY});
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
    void everyBusinessCallSucceedsOnTheExpectedPath(String consumerMode, String providerMode) throws Exception {
        String key = consumerMode + "->" + providerMode;
        ExampleApp consumer = matrix.consumers.get(key);
        ExampleApp provider = matrix.provider(providerMode);
        Map<String, Long> before = counters();

        for (int i = 0; i < CALLS; i++) {
            ExampleApp.Reply reply = consumer.call("call-" + i);
            assertThat(reply.status()).as("%s: %s", key, reply.body()).isEqualTo(200);
            assertThat(reply.body().path("consumerMode").asText()).isEqualTo(consumerMode);
            assertThat(reply.reply())
                    .startsWith("hello call-" + i + " from " + provider.name + " instance=127.0.0.1:"
                            + provider.dubboPort + " mode=" + providerMode + " caller=127.0.0.1:");
        }

        Map<String, Long> expected = new HashMap<>(before);
        if (consumerMode.equals("mesh")) {
            expected.merge(key + " egress-dubbo-" + provider.name, (long) CALLS, Long::sum);
        }
        if (providerMode.equals("mesh")) {
            expected.merge("provider ingress-dubbo-" + matrix.meshProvider.name, (long) CALLS, Long::sum);
        }
        assertThat(counters()).as("requests each sidecar listener saw").isEqualTo(expected);
    }

    @Order(2)
    @Test
    void theProvidersAreOnlyApplicationLevelAndTheMeshOneIsPublishedAsItsSidecar() throws Exception {
        NamingService naming = NacosFactory.createNamingService(matrix.registry.address());
        try {
            for (String mode : List.of("sdk", "mesh")) {
                assertThat(naming.getAllInstances("providers:" + GREETER + ":1.0.0:" + matrix.group(mode)))
                        .as("no interface-level entry: the consumers can only have used application-level discovery")
                        .isEmpty();
            }
            List<Instance> sdk = naming.getAllInstances(matrix.sdkProvider.name);
            assertThat(sdk).hasSize(1);
            assertThat(sdk.get(0).getPort()).isEqualTo(matrix.sdkProvider.dubboPort);

            List<Instance> mesh = naming.getAllInstances(matrix.meshProvider.name);
            assertThat(mesh).hasSize(1);
            int ingress = matrix.providerSidecar.listenerPort("ingress-dubbo-" + matrix.meshProvider.name);
            assertThat(mesh.get(0).getPort()).isEqualTo(ingress);
            assertThat(mesh.get(0).getMetadata().get("dubbo.endpoints")).contains("\"port\":" + ingress);
        } finally {
            naming.shutDown();
        }
    }

    /** Requests counted by every listener a call of this test may pass. */
    private Map<String, Long> counters() {
        List<String> names = new ArrayList<>(List.of("egress-dubbo", "ingress-dubbo"));
        for (ExampleApp provider : List.of(matrix.sdkProvider, matrix.meshProvider)) {
            names.add("egress-dubbo-" + provider.name);
            names.add("ingress-dubbo-" + provider.name);
        }
        return matrix.counters(names);
    }
}
