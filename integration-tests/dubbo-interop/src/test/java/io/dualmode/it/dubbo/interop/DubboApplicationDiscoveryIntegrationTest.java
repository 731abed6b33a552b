package io.dualmode.it.dubbo.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.pojo.Instance;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualmode.it.support.Tokens;
import io.dualmode.registry.RegistryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Dubbo 3 application-level service discovery through the sidecars. Two providers of one service register only their
 * application instance ({@code dubbo.application.register-mode=instance}): one in mesh mode behind its sidecar, one in
 * SDK mode. Two consumers find them only by application ({@code service-discovery.migration=FORCE_APPLICATION}: the
 * interface→application mapping, the application's instances, the instance's MetadataService over Dubbo), one in mesh
 * mode behind its sidecar, one in SDK mode. Each consumer's calls reach both providers, so the four pairs mesh→mesh,
 * mesh→SDK, SDK→mesh and SDK→SDK all run, and the path of every call is read from the sidecars' per-application
 * listeners ({@code egress-dubbo-<application>}, {@code ingress-dubbo-<application>}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 480, unit = TimeUnit.SECONDS)
final class DubboApplicationDiscoveryIntegrationTest {

    private static final String GREETER = "io.dualmode.examples.dubbo.api.Greeter";
    /** How long the child JVMs may take to start: longer with {@code -Ddualmode.it.start-seconds} on a crowded machine. */
    private static final Duration START = Duration.ofSeconds(Long.getLong("dualmode.it.start-seconds", 300));

    private static final int CALLS = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private RegistryServer registry;
    private NamingService observer;
    private String group;
    private MeshNode providerSidecar;
    private MeshNode consumerSidecar;
    private ExampleApp meshProvider;
    private ExampleApp sdkProvider;
    private ExampleApp meshConsumer;
    private ExampleApp sdkConsumer;

    @BeforeAll
    void startEverything() throws Exception {
        registry = RegistryServer.builder().host("127.0.0.1").port(0).build().start();
        Properties p = new Properties();
        p.setProperty(PropertyKeyConst.SERVER_ADDR, registry.address());
        p.setProperty(PropertyKeyConst.NAMING_LOAD_CACHE_AT_START, "false");
        p.setProperty("namingRequestTimeout", "10000");
        observer = NacosFactory.createNamingService(p);
        group = Tokens.fresh("dapp");
        Path home = Files.createTempDirectory("dubbo-app-discovery");
        String instanceOnly = "--dubbo.application.register-mode=instance";
        String byApplication = "--dubbo.application.service-discovery.migration=FORCE_APPLICATION";

        providerSidecar = closing(new MeshNode(registry.address()));
        meshProvider = closing(ExampleApp.start(
                "dubbo-provider",
                group + "-mesh-provider",
                group,
                registry.address(),
                providerSidecar,
                home,
                instanceOnly));
        sdkProvider = closing(ExampleApp.start(
                "dubbo-provider", group + "-sdk-provider", group, registry.address(), null, home, instanceOnly));
        consumerSidecar = closing(new MeshNode(registry.address()));
        meshConsumer = closing(ExampleApp.start(
                "dubbo-consumer",
                group + "-mesh-consumer",
                group,
                registry.address(),
                consumerSidecar,
                home,
                byApplication));
        sdkConsumer = closing(ExampleApp.start(
                "dubbo-consumer", group + "-sdk-consumer", group, registry.address(), null, home, byApplication));

        for (ExampleApp consumer : List.of(meshConsumer, sdkConsumer)) {
            Set<String> answeredBy = new HashSet<>();
            await(consumer.name + " reaching both providers")
                    .atMost(START)
                    .pollInterval(Duration.ofMillis(500))
                    .failFast(consumer.name + " exited; see " + consumer.log(), () -> !consumer.isAlive())
                    .ignoreExceptions()
                    .until(() -> {
                        ExampleApp.Reply reply = consumer.call("warm-up");
                        if (reply.status() == 200) {
                            answeredBy.add(provider(reply).name);
                        }
                        return answeredBy.size() == 2;
                    });
        }
    }

    @AfterAll
    void stopEverything() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
        if (observer != null) {
            observer.shutDown();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Order(1)
    @Test
    void aMeshProvidersApplicationInstanceIsPublishedAsItsSidecarsListener() throws Exception {
        int ingress = providerSidecar.listenerPort("ingress-dubbo-" + meshProvider.name);
        Instance mesh = single(meshProvider.name);
        assertThat(mesh.getIp() + ":" + mesh.getPort()).isEqualTo("127.0.0.1:" + ingress);
        assertThat(mesh.getMetadata())
                .containsEntry("dualmode.mode", "mesh")
                .containsEntry("dualmode.protocol", "dubbo")
                .containsEntry("dualmode.sidecar", "127.0.0.1:" + ingress)
                .containsKey("dubbo.metadata.revision");
        assertThat(JSON.readTree(mesh.getMetadata().get("dubbo.endpoints")))
                .as("dubbo.endpoints")
                .allSatisfy(e -> assertThat(e.path("port").asInt()).isEqualTo(ingress));
        JsonNode metadataService = JSON.readTree(mesh.getMetadata().get("dubbo.metadata-service.url-params"));
        assertThat(metadataService.path("port").asText()).isEqualTo(String.valueOf(ingress));

        Instance sdk = single(sdkProvider.name);
        assertThat(sdk.getIp() + ":" + sdk.getPort()).isEqualTo("127.0.0.1:" + sdkProvider.dubboPort);
        assertThat(sdk.getMetadata()).containsEntry("dualmode.mode", "sdk");

        // application-level only: no interface-level entry at all
        assertThat(observer.getAllInstances("providers:" + GREETER + ":1.0.0:" + group, false))
                .isEmpty();
    }

    @Order(2)
    @Test
    void aMeshConsumersCallsGoThroughItsSidecarToBothProviders() throws Exception {
        Map<String, Long> before = counters();
        Map<String, Long> answered = callAll(meshConsumer);

        Map<String, Long> expected = new HashMap<>(before);
        expected.merge("consumer egress " + meshProvider.name, answered.get(meshProvider.name), Long::sum);
        expected.merge("consumer egress " + sdkProvider.name, answered.get(sdkProvider.name), Long::sum);
        expected.merge("provider ingress", answered.get(meshProvider.name), Long::sum);
        assertThat(counters()).as("requests each sidecar listener saw").isEqualTo(expected);
    }

    @Order(2)
    @Test
    void anSdkConsumersCallsReachTheMeshProviderThroughItsSidecar() throws Exception {
        Map<String, Long> before = counters();
        Map<String, Long> answered = callAll(sdkConsumer);

        Map<String, Long> expected = new HashMap<>(before);
        expected.merge("provider ingress", answered.get(meshProvider.name), Long::sum);
        assertThat(counters()).as("requests each sidecar listener saw").isEqualTo(expected);
    }

    /** {@link #CALLS} calls; every one succeeds and both providers answer. Answers per provider name. */
    private Map<String, Long> callAll(ExampleApp consumer) throws Exception {
        Map<String, Long> answered = new HashMap<>(Map.of(meshProvider.name, 0L, sdkProvider.name, 0L));
        for (int i = 0; i < CALLS; i++) {
            ExampleApp.Reply reply = consumer.call("call-" + i);
            assertThat(reply.status()).as("%s: %s", consumer.name, reply.body()).isEqualTo(200);
            ExampleApp provider = provider(reply);
            assertThat(reply.reply())
                    .startsWith("hello call-" + i + " from " + provider.name + " instance=127.0.0.1:"
                            + provider.dubboPort + " mode=" + provider.mode + " caller=127.0.0.1:");
            answered.merge(provider.name, 1L, Long::sum);
        }
        assertThat(answered.values()).as("calls each provider answered").allMatch(n -> n > 0);
        return answered;
    }

    private ExampleApp provider(ExampleApp.Reply reply) {
        if (reply.reply().contains(" from " + meshProvider.name + " ")) {
            return meshProvider;
        }
        if (reply.reply().contains(" from " + sdkProvider.name + " ")) {
            return sdkProvider;
        }
        throw new AssertionError("answered by neither provider: " + reply.body());
    }

    private Map<String, Long> counters() {
        Map<String, Long> out = new HashMap<>();
        for (ExampleApp provider : List.of(meshProvider, sdkProvider)) {
            out.put("consumer egress " + provider.name, consumerSidecar.requests("egress-dubbo-" + provider.name));
        }
        out.put("consumer egress (interface-level)", consumerSidecar.requests("egress-dubbo"));
        out.put("provider ingress", providerSidecar.requests("ingress-dubbo-" + meshProvider.name));
        out.put("provider ingress (interface-level)", providerSidecar.requests("ingress-dubbo"));
        return out;
    }

    private Instance single(String service) throws Exception {
        List<Instance> instances = observer.getAllInstances(service, false);
        assertThat(instances).as(service).hasSize(1);
        return instances.get(0);
    }

    private <T extends AutoCloseable> T closing(T closeable) {
        closeables.add(closeable);
        return closeable;
    }
}
