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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Dubbo's Triple protocol (gRPC-compatible HTTP/2) through the sidecars, with the example jars as child JVMs: two
 * providers of one service group export over {@code tri} ({@code --dubbo.protocol.name=tri}), one in SDK mode and one
 * behind its sidecar, and two consumers, one in SDK mode and one behind its own sidecar, each reach both providers —
 * consumer {sdk, mesh} x provider {sdk, mesh} with four application JVMs, not eight, which a loaded 2-core machine
 * cannot start in time. Each Triple service gets HTTP/2 listeners of its own, opened by the sidecar's agent when it
 * sees a {@code dualmode.protocol=tri} entry: every call of the mesh consumer passes its sidecar's
 * {@code egress-h2-<service>}, every call the mesh provider answers arrives through its sidecar's
 * {@code ingress-h2-<service>}, and nothing passes the Dubbo listeners; the provider's reply says which provider
 * answered. Both a unary call ({@code Greeter.greet}) and a server-streaming call ({@code GreeterStream.greetEach}, a
 * {@code StreamObserver} method, which only Triple carries) are checked.
 *
 * <p>The SDK consumer uses interface-level discovery ({@code FORCE_INTERFACE}): the mesh provider is registered at the
 * interface level only (by its sidecar), and Dubbo's default {@code APPLICATION_FIRST} would settle on the SDK
 * provider's application-level entry alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 600, unit = TimeUnit.SECONDS)
final class DubboTripleIntegrationTest {

    private static final String GREETER = "io.dualmode.examples.dubbo.api.Greeter";
    private static final String GREETER_STREAM = "io.dualmode.examples.dubbo.api.GreeterStream";
    /** How long the child JVMs may take to start: longer with {@code -Ddualmode.it.start-seconds} on a crowded machine. */
    private static final Duration START = Duration.ofSeconds(Long.getLong("dualmode.it.start-seconds", 420));

    /** Calls per consumer at least, and at most while waiting for both providers to have answered. */
    private static final int MIN_CALLS = 6;

    private static final int MAX_CALLS = 60;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private RegistryServer registry;
    private String group;
    private MeshNode providerSidecar;
    private MeshNode consumerSidecar;
    private ExampleApp sdkProvider;
    private ExampleApp meshProvider;
    private ExampleApp sdkConsumer;
    private ExampleApp meshConsumer;

    @BeforeAll
    void startEverything() throws Exception {
        registry = RegistryServer.builder().host("127.0.0.1").port(0).build().start();
        group = Tokens.fresh("tri");
        Path home = Files.createTempDirectory("dubbo-triple");
        providerSidecar = closing(new MeshNode(registry.address()));
        consumerSidecar = closing(new MeshNode(registry.address()));
        String tri = "--dubbo.protocol.name=tri";
        sdkProvider = closing(ExampleApp.start(
                "dubbo-provider", group + "-sdk-provider", group, registry.address(), null, home, tri));
        meshProvider = closing(ExampleApp.start(
                "dubbo-provider", group + "-mesh-provider", group, registry.address(), providerSidecar, home, tri));
        sdkConsumer = closing(ExampleApp.start(
                "dubbo-consumer",
                group + "-sdk-consumer",
                group,
                registry.address(),
                null,
                home,
                "--dualmode.example.stream=true",
                "--dubbo.application.service-discovery.migration=FORCE_INTERFACE"));
        meshConsumer = closing(ExampleApp.start(
                "dubbo-consumer",
                group + "-mesh-consumer",
                group,
                registry.address(),
                consumerSidecar,
                home,
                "--dualmode.example.stream=true"));
        for (ExampleApp consumer : List.of(sdkConsumer, meshConsumer)) {
            await().atMost(START)
                    .pollInterval(Duration.ofSeconds(1))
                    .failFast(consumer.name + " exited; see " + consumer.log(), () -> !consumer.isAlive())
                    .ignoreExceptions()
                    .untilAsserted(() -> {
                        assertThat(consumer.call("warm-up").status()).isEqualTo(200);
                        assertThat(consumer.stream("warm-up").status()).isEqualTo(200);
                    });
        }
        // both providers registered and in both consumers' lists
        for (ExampleApp consumer : List.of(sdkConsumer, meshConsumer)) {
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .until(() -> consumer.call("find-both").reply().contains(" from " + meshProvider.name + " "));
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .until(() -> consumer.call("find-both").reply().contains(" from " + sdkProvider.name + " "));
        }
    }

    @AfterAll
    void stopEverything() throws Exception {
        try {
            io.dualmode.it.support.Teardown.closeAll(closeables);
        } finally {
            if (registry != null) {
                registry.close();
            }
        }
    }

    @Test
    void unaryTripleCallsReachBothProvidersFromBothConsumersOnTheExpectedPaths() throws Exception {
        Map<String, Long> before = counters();
        long meshAnswered = 0;
        long meshConsumerCalls = 0;
        for (ExampleApp consumer : List.of(sdkConsumer, meshConsumer)) {
            Set<String> answeredBy = new HashSet<>();
            int n = 0;
            for (; n < MAX_CALLS && (n < MIN_CALLS || answeredBy.size() < 2); n++) {
                ExampleApp.Reply reply = consumer.call("call-" + n);
                assertThat(reply.status())
                        .as("%s: %s", consumer.name, reply.body())
                        .isEqualTo(200);
                assertThat(reply.body().path("consumerMode").asText()).isEqualTo(consumer.mode);
                ExampleApp provider = answeredBy(reply.reply(), "call-" + n);
                assertThat(reply.reply()).contains(" caller=127.0.0.1:");
                answeredBy.add(provider.mode);
                meshAnswered += provider == meshProvider ? 1 : 0;
            }
            assertThat(answeredBy).as("providers %s reached", consumer.name).containsExactlyInAnyOrder("sdk", "mesh");
            meshConsumerCalls += consumer == meshConsumer ? n : 0;
        }

        assertPath(before, GREETER, meshConsumerCalls, meshAnswered);
    }

    @Test
    void serverStreamingTripleCallsReachBothProvidersFromBothConsumersOnTheExpectedPaths() throws Exception {
        Map<String, Long> before = counters();
        long meshAnswered = 0;
        long meshConsumerCalls = 0;
        List<String> names = List.of("ann", "bob", "cy");
        for (ExampleApp consumer : List.of(sdkConsumer, meshConsumer)) {
            Set<String> answeredBy = new HashSet<>();
            int n = 0;
            for (; n < MAX_CALLS && (n < MIN_CALLS || answeredBy.size() < 2); n++) {
                ExampleApp.Reply reply = consumer.stream(String.join(",", names));
                assertThat(reply.status())
                        .as("%s: %s", consumer.name, reply.body())
                        .isEqualTo(200);
                List<String> replies = new ArrayList<>();
                reply.body().path("replies").forEach(r -> replies.add(r.asText()));
                assertThat(replies).hasSize(3);
                // one stream, one provider: every message of it names the same one
                ExampleApp provider = answeredBy(replies.get(0), names.get(0));
                for (int i = 1; i < 3; i++) {
                    assertThat(answeredBy(replies.get(i), names.get(i))).isSameAs(provider);
                }
                answeredBy.add(provider.mode);
                meshAnswered += provider == meshProvider ? 1 : 0;
            }
            assertThat(answeredBy).as("providers %s reached", consumer.name).containsExactlyInAnyOrder("sdk", "mesh");
            meshConsumerCalls += consumer == meshConsumer ? n : 0;
        }

        assertPath(before, GREETER_STREAM, meshConsumerCalls, meshAnswered);
    }

    @Test
    void theRegistryHoldsTripleEntriesAndTheMeshProviderIsPublishedAsItsSidecarsHttp2Ingress() throws Exception {
        NamingService naming = NacosFactory.createNamingService(registry.address());
        try {
            for (String iface : List.of(GREETER, GREETER_STREAM)) {
                List<Instance> instances = naming.getAllInstances(service(iface));
                assertThat(instances).as(iface).hasSize(2);
                Map<String, Instance> byMode = new HashMap<>();
                instances.forEach(i -> byMode.put(i.getMetadata().get("dualmode.mode"), i));
                assertThat(byMode.get("sdk").getPort()).isEqualTo(sdkProvider.dubboPort);
                assertThat(byMode.get("mesh").getIp() + ":" + byMode.get("mesh").getPort())
                        .isEqualTo("127.0.0.1:" + providerSidecar.listenerPort(ingress(iface)));
                for (Instance instance : instances) {
                    assertThat(instance.getMetadata())
                            .containsEntry("protocol", "tri")
                            .containsEntry("dualmode.protocol", "tri");
                }
            }
        } finally {
            naming.shutDown();
        }
    }

    /** The provider whose reply to {@code name} this is; fails on any other reply. */
    private ExampleApp answeredBy(String reply, String name) {
        for (ExampleApp provider : List.of(sdkProvider, meshProvider)) {
            if (reply.startsWith("hello " + name + " from " + provider.name + " instance=127.0.0.1:"
                    + provider.dubboPort + " mode=" + provider.mode + " ")) {
                return provider;
            }
        }
        throw new AssertionError("not a reply of either provider to " + name + ": " + reply);
    }

    /**
     * The sidecars' counters moved by exactly the calls on each listener of the path, and by nothing anywhere else (the
     * Dubbo listeners included): the mesh consumer's egress saw each of its calls, the mesh provider's ingress each call
     * that provider answered (from either consumer).
     */
    private void assertPath(Map<String, Long> before, String iface, long meshConsumerCalls, long meshAnswered) {
        Map<String, Long> expected = new HashMap<>(before);
        expected.merge("consumer " + egress(iface), meshConsumerCalls, Long::sum);
        expected.merge("provider " + ingress(iface), meshAnswered, Long::sum);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(counters())
                .as("requests each sidecar listener saw; consumer sidecar /stats: %s", consumerSidecar.stats())
                .isEqualTo(expected));
    }

    private Map<String, Long> counters() {
        Map<String, Long> out = new HashMap<>();
        for (String listener : List.of(egress(GREETER), egress(GREETER_STREAM), "egress-dubbo", "ingress-dubbo")) {
            out.put("consumer " + listener, consumerSidecar.requests(listener));
        }
        for (String listener : List.of(ingress(GREETER), ingress(GREETER_STREAM), "egress-dubbo", "ingress-dubbo")) {
            out.put("provider " + listener, providerSidecar.requests(listener));
        }
        return out;
    }

    /** The listener the consumer's sidecar opens for the Triple service {@code iface}. */
    private String egress(String iface) {
        return "egress-h2-" + service(iface);
    }

    /** The listener the provider's sidecar opens for the mesh provider's Triple service {@code iface}. */
    private String ingress(String iface) {
        return "ingress-h2-" + service(iface);
    }

    private String service(String iface) {
        return "providers:" + iface + ":1.0.0:" + group;
    }

    private <T extends AutoCloseable> T closing(T closeable) {
        closeables.add(closeable);
        return closeable;
    }
}
