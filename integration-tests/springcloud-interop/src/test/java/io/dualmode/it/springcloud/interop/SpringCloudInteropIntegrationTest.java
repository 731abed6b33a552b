package io.dualmode.it.springcloud.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.nacos.api.naming.pojo.Instance;
import com.fasterxml.jackson.databind.JsonNode;
import io.dualmode.it.support.Tokens;
import io.dualmode.sidecar.Mode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * The interop matrix with the real example jars: an SDK-mode and a mesh-mode consumer call a service served by an
 * SDK-mode and a mesh-mode provider instance, with a {@code @LoadBalanced RestTemplate} and a {@code @LoadBalanced
 * WebClient}. Every call is checked against the sidecars' own counters: the mesh consumer's sidecar sees exactly the
 * mesh consumer's calls (egress), the mesh provider's sidecar exactly the calls the mesh provider answers (ingress), and
 * nothing else passes through either. Then the failure cases on the same applications: the mesh consumer's sidecar
 * stops (its calls fail naming the sidecar, and work again once it is back) and the registry stops (every path keeps
 * working from the lists already held).
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
final class SpringCloudInteropIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private Landscape landscape;
    private String service;
    private TestSidecar providerSidecar;
    private TestSidecar consumerSidecar;
    private ExampleApp sdkProvider;
    private ExampleApp meshProvider;
    private ExampleApp sdkConsumer;
    private ExampleApp meshConsumer;

    @AfterAll
    void stopEverything() throws Exception {
        if (landscape != null) {
            landscape.close();
        }
    }

    @BeforeAll
    void startEverything(@TempDir Path home) throws Exception {
        landscape = new Landscape(home);
        service = Tokens.fresh("greeter");
        providerSidecar = landscape.sidecar("provider-sidecar", "127.0.0.22", Mode.MESH);
        consumerSidecar = landscape.sidecar("consumer-sidecar", "127.0.0.42", Mode.MESH);
        List<String> provider = List.of("--spring.application.name=" + service);
        List<String> consumer = List.of("--dualmode.example.provider=" + service);
        sdkProvider = landscape.app("sc-provider-sdk", "springcloud-provider", "127.0.0.11", provider);
        meshProvider = landscape.app(
                "sc-provider-mesh",
                "springcloud-provider",
                "127.0.0.12",
                Landscape.concat(providerSidecar.meshProperties(), provider.get(0)));
        sdkConsumer = landscape.app(
                "sc-consumer-sdk",
                "springcloud-consumer",
                "127.0.0.31",
                Landscape.concat(consumer, "--spring.application.name=consumer-sdk"));
        meshConsumer = landscape.app(
                "sc-consumer-mesh",
                "springcloud-consumer",
                "127.0.0.32",
                Landscape.concat(
                        consumerSidecar.meshProperties(), consumer.get(0), "--spring.application.name=consumer-mesh"));
        Landscape.awaitStarted(sdkProvider, meshProvider, sdkConsumer, meshConsumer);
    }

    @Test
    @Order(1)
    void everyConsumerReachesEveryProviderOnItsPath() throws Exception {
        // The registry holds the SDK provider at its own address and the mesh provider at its sidecar's ingress.
        await().atMost(WAIT).until(() -> landscape.registered(service).size() == 2);
        List<Instance> registered = landscape.registered(service);
        assertThat(registered)
                .anySatisfy(i -> {
                    assertThat(i.getIp() + ":" + i.getPort()).isEqualTo(sdkProvider.address());
                    assertThat(i.getMetadata())
                            .containsEntry("dualmode.mode", "sdk")
                            .containsEntry("dualmode.protocol", "http")
                            .containsEntry("dualmode.application", service);
                })
                .anySatisfy(i -> {
                    assertThat(i.getIp()).isEqualTo("127.0.0.22");
                    assertThat(i.getMetadata())
                            .containsEntry("dualmode.mode", "mesh")
                            .containsEntry("dualmode.sidecar", "127.0.0.22:" + i.getPort());
                });

        assertThat(everyPath()).hasSize(8);

        // What the mesh provider says of itself: mesh mode, its sidecar ready, registered as its own address.
        JsonNode described = meshProvider.get("/actuator/dualmode").body();
        assertThat(described.path("mode").asText()).isEqualTo("mesh");
        assertThat(described.path("registrations").get(0).path("service").asText())
                .isEqualTo(service);
        assertThat(described.path("registrations").get(0).path("address").asText())
                .isEqualTo(meshProvider.address());
        assertThat(meshProvider
                        .get("/actuator/health")
                        .body()
                        .path("components")
                        .path("dualmode")
                        .path("status")
                        .asText())
                .isEqualTo("UP");
    }

    @Test
    @Order(2)
    void meshConsumerFailsClearlyWhileItsSidecarIsDownAndRecoversWhenItReturns() {
        consumerSidecar.stop();
        ExampleApp.Reply refused = meshConsumer.get("/call?name=outage");
        assertThat(refused.status()).isEqualTo(502);
        assertThat(refused.body().path("error").asText())
                .contains("DUALMODE-0101 the local sidecar refused the call")
                .contains("in mesh mode every call goes through it");
        ExampleApp.Reply refusedReactive = meshConsumer.get("/call?name=outage&client=webclient");
        assertThat(refusedReactive.status()).isEqualTo(502);
        assertThat(refusedReactive.body().path("error").asText())
                .contains("DUALMODE-0101 the local sidecar refused the call");
        // The SDK consumer does not notice.
        assertThat(sdkConsumer.get("/call?name=outage").status()).isEqualTo(200);

        consumerSidecar.start(Mode.MESH);
        await("mesh consumer calls again through its restarted sidecar")
                .atMost(WAIT)
                .until(() -> meshConsumer.get("/call?name=back").status() == 200);
        assertThat(everyPath()).hasSize(8);
    }

    @Test
    @Order(3)
    void callsContinueFromCachedListsWhileTheRegistryIsDown() {
        landscape.stopRegistry();
        // Both consumers still reach both providers, on the same paths, from what they (or their sidecars) hold.
        assertThat(everyPath()).hasSize(8);
        assertThat(sdkConsumer
                        .get("/actuator/health")
                        .body()
                        .path("components")
                        .path("dualmode")
                        .path("status")
                        .asText())
                .isEqualTo("DOWN");
    }

    /** Calls from each consumer with each client until both providers have answered; checks each call's path. */
    private Set<String> everyPath() {
        Set<String> paths = new HashSet<>();
        for (ExampleApp caller : List.of(sdkConsumer, meshConsumer)) {
            for (String client : List.of("resttemplate", "webclient")) {
                await().atMost(WAIT).until(() -> {
                    paths.add(callAndCheckPath(caller, client));
                    return paths.containsAll(expected(caller, client));
                });
            }
        }
        return paths;
    }

    /** One call, and what the sidecars counted of it; returns {@code client consumerMode->providerMode}. */
    private String callAndCheckPath(ExampleApp caller, String client) {
        long egressBefore = consumerSidecar.requests("egress", service);
        long ingressBefore = providerSidecar.requests("ingress", service);
        ExampleApp.Reply call = caller.get("/call?name=matrix&client=" + client);
        assertThat(call.status()).as(call.body().toString()).isEqualTo(200);
        JsonNode reply = call.body().path("reply");
        String consumerMode = call.body().path("consumerMode").asText();
        String providerMode = reply.path("mode").asText();
        assertThat(reply.path("greeting").asText()).isEqualTo("Hello, matrix");
        assertThat(reply.path("provider").asText()).isEqualTo(service);
        // The answering application, at its own address even when its sidecar forwarded the call.
        assertThat(reply.path("instance").asText())
                .isEqualTo(providerMode.equals("mesh") ? meshProvider.address() : sdkProvider.address());
        // Every hop on one machine's loopback comes from 127.0.0.1: the provider saw a local caller, never the network.
        assertThat(reply.path("caller").asText()).isEqualTo("127.0.0.1");
        assertThat(consumerSidecar.requests("egress", service) - egressBefore)
                .as("calls through the consumer's sidecar, %s %s->%s", client, consumerMode, providerMode)
                .isEqualTo(consumerMode.equals("mesh") ? 1 : 0);
        assertThat(providerSidecar.requests("ingress", service) - ingressBefore)
                .as("calls through the provider's sidecar, %s %s->%s", client, consumerMode, providerMode)
                .isEqualTo(providerMode.equals("mesh") ? 1 : 0);
        return client + " " + consumerMode + "->" + providerMode;
    }

    private static Set<String> expected(ExampleApp caller, String client) {
        String mode = caller.name().endsWith("mesh") ? "mesh" : "sdk";
        return Set.of(client + " " + mode + "->sdk", client + " " + mode + "->mesh");
    }
}
