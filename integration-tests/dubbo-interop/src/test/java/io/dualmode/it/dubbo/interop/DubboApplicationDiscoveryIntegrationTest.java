package io.dualmode.it.dubbo.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.pojo.Instance;
import io.dualmode.it.support.Tokens;
import io.dualmode.registry.RegistryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    /** How long the child JVMs may take to start: longer with {@code -Ddualmode.it.start-seconds} on a crowded machine. */
    private static final Duration START = Duration.ofSeconds(Long.getLong("dualmode.it.start-seconds", 300));

    private static final int CALLS = 5;
    private static final String INSTANCE_ONLY = "--dubbo.application.register-mode=instance";
    private static final String APPLICATION_ONLY = "--dubbo.application.service-discovery.migration=FORCE_APPLICATION";

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private RegistryServer registry;
    private String token;
    private MeshNode providerSidecar;
    private ExampleApp sdkProvider;
    private ExampleApp meshProvider;
    private final Map<String, ExampleApp> consumers = new HashMap<>();
    private final Map<String, MeshNode> consumerSidecars = new HashMap<>();

    @BeforeAll
    void startEverything() throws Exception {
        registry = RegistryServer.builder().host("127.0.0.1").port(0).build().start();
        token = Tokens.fresh("dad");
        Path home = Files.createTempDirectory("dubbo-app-discovery");
        providerSidecar = closing(new MeshNode(registry.address()));
        sdkProvider = closing(ExampleApp.start(
                "dubbo-provider",
                token + "-sdk-provider",
                group("sdk"),
                registry.address(),
                null,
                home,
                INSTANCE_ONLY));
        meshProvider = closing(ExampleApp.start(
                "dubbo-provider",
                token + "-mesh-provider",
                group("mesh"),
                registry.address(),
                providerSidecar,
                home,
                INSTANCE_ONLY));
        for (String consumerMode : List.of("sdk", "mesh")) {
            for (String providerMode : List.of("sdk", "mesh")) {
                String key = consumerMode + "->" + providerMode;
                MeshNode sidecar = null;
                if (consumerMode.equals("mesh")) {
                    sidecar = closing(new MeshNode(registry.address()));
                    consumerSidecars.put(key, sidecar);
                }
                consumers.put(
                        key,
                        closing(ExampleApp.start(
                                "dubbo-consumer",
                                token + "-" + consumerMode + "-consumer-of-" + providerMode,
                                group(providerMode),
                                registry.address(),
                                sidecar,
                                home,
                                APPLICATION_ONLY)));
            }
        }
        for (ExampleApp consumer : consumers.values()) {
            await().atMost(START)
                    .pollInterval(Duration.ofSeconds(1))
                    .failFast(consumer.name + " exited; see " + consumer.log(), () -> !consumer.isAlive())
                    .ignoreExceptions()
                    .untilAsserted(
                            () -> assertThat(consumer.call("warm-up").status()).isEqualTo(200));
        }
    }

    @AfterAll
    void stopEverything() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    static Stream<Arguments> matrix() {
        return Stream.of(
                Arguments.of("sdk", "sdk"),
                Arguments.of("sdk", "mesh"),
                Arguments.of("mesh", "sdk"),
                Arguments.of("mesh", "mesh"));
    }

    @Order(1)
    @ParameterizedTest(name = "consumer {0} -> provider {1}")
    @MethodSource("matrix")
    void everyBusinessCallSucceedsOnTheExpectedPath(String consumerMode, String providerMode) throws Exception {
        String key = consumerMode + "->" + providerMode;
        ExampleApp consumer = consumers.get(key);
        ExampleApp provider = providerMode.equals("mesh") ? meshProvider : sdkProvider;
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
            expected.merge("provider ingress-dubbo-" + meshProvider.name, (long) CALLS, Long::sum);
        }
        assertThat(counters()).as("requests each sidecar listener saw").isEqualTo(expected);
    }

    @Order(2)
    @Test
    void theProvidersAreOnlyApplicationLevelAndTheMeshOneIsPublishedAsItsSidecar() throws Exception {
        NamingService naming = NacosFactory.createNamingService(registry.address());
        try {
            for (String mode : List.of("sdk", "mesh")) {
                assertThat(naming.getAllInstances("providers:" + GREETER + ":1.0.0:" + group(mode)))
                        .as("no interface-level entry: the consumers can only have used application-level discovery")
                        .isEmpty();
            }
            List<Instance> sdk = naming.getAllInstances(sdkProvider.name);
            assertThat(sdk).hasSize(1);
            assertThat(sdk.get(0).getPort()).isEqualTo(sdkProvider.dubboPort);

            List<Instance> mesh = naming.getAllInstances(meshProvider.name);
            assertThat(mesh).hasSize(1);
            int ingress = providerSidecar.listenerPort("ingress-dubbo-" + meshProvider.name);
            assertThat(mesh.get(0).getPort()).isEqualTo(ingress);
            assertThat(mesh.get(0).getMetadata().get("dubbo.endpoints")).contains("\"port\":" + ingress);
        } finally {
            naming.shutDown();
        }
    }

    /** Every listener a call of this test may pass. */
    private Map<String, Long> counters() {
        Map<String, Long> out = new HashMap<>();
        consumerSidecars.forEach((key, sidecar) -> {
            for (String listener : listeners()) {
                out.put(key + " " + listener, sidecar.requests(listener));
            }
        });
        for (String listener : listeners()) {
            out.put("provider " + listener, providerSidecar.requests(listener));
        }
        return out;
    }

    private List<String> listeners() {
        List<String> names = new ArrayList<>(List.of("egress-dubbo", "ingress-dubbo"));
        for (ExampleApp provider : List.of(sdkProvider, meshProvider)) {
            names.add("egress-dubbo-" + provider.name);
            names.add("ingress-dubbo-" + provider.name);
        }
        return names;
    }

    private String group(String providerMode) {
        return token + "-" + providerMode;
    }

    private <T extends AutoCloseable> T closing(T closeable) {
        closeables.add(closeable);
        return closeable;
    }
}
