package io.dualmode.it.dubbo.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualmode.it.support.Tokens;
import io.dualmode.registry.RegistryServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The consumer {sdk, mesh} x provider {sdk, mesh} set-up the interop suites share: the real registry (in the test
 * JVM), one SDK-mode and one mesh-mode example provider (the latter behind its own sidecar), and four example
 * consumers, one per pair, the mesh ones each behind its own sidecar. Each pair has its own Dubbo group
 * ({@code <token>-<provider mode>}), so a consumer reaches exactly one provider. Built only once every consumer has
 * answered a call; closing it stops everything in reverse order.
 */
final class DubboMatrix implements AutoCloseable {

    /** How long the child JVMs may take to start: longer with {@code -Ddualmode.it.start-seconds} on a crowded machine. */
    static final Duration START = Duration.ofSeconds(Long.getLong("dualmode.it.start-seconds", 300));

    final RegistryServer registry;
    final String token;
    final MeshNode providerSidecar;
    final ExampleApp sdkProvider;
    final ExampleApp meshProvider;
    /** By {@code "<consumer mode>-><provider mode>"}. */
    final Map<String, ExampleApp> consumers = new HashMap<>();
    /** The mesh consumers' sidecars, by the same key. */
    final Map<String, MeshNode> consumerSidecars = new HashMap<>();

    private final List<AutoCloseable> closeables = new ArrayList<>();

    /**
     * Starts everything and waits until every consumer answers.
     *
     * @param tokenPrefix names this suite's applications and groups
     * @param providerArgs extra arguments of both providers
     * @param consumerArgs extra arguments of the consumer of a key ({@code "sdk->mesh"} …)
     */
    DubboMatrix(String tokenPrefix, String[] providerArgs, Function<String, String[]> consumerArgs) throws IOException {
        registry = RegistryServer.builder().host("127.0.0.1").port(0).build().start();
        try {
            token = Tokens.fresh(tokenPrefix);
            Path home = Files.createTempDirectory("dubbo-" + tokenPrefix);
            providerSidecar = closing(new MeshNode(registry.address()));
            sdkProvider = closing(ExampleApp.start(
                    "dubbo-provider",
                    token + "-sdk-provider",
                    group("sdk"),
                    registry.address(),
                    null,
                    home,
                    providerArgs));
            meshProvider = closing(ExampleApp.start(
                    "dubbo-provider",
                    token + "-mesh-provider",
                    group("mesh"),
                    registry.address(),
                    providerSidecar,
                    home,
                    providerArgs));
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
                                    consumerArgs.apply(key))));
                }
            }
            for (ExampleApp consumer : consumers.values()) {
                await(consumer.name + " answering")
                        .atMost(START)
                        .pollInterval(Duration.ofSeconds(1))
                        .failFast(consumer.name + " exited; see " + consumer.log(), () -> !consumer.isAlive())
                        .ignoreExceptions()
                        .untilAsserted(() ->
                                assertThat(consumer.call("warm-up").status()).isEqualTo(200));
            }
        } catch (IOException | RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** The four (consumer mode, provider mode) pairs, for a {@code @MethodSource}. */
    static Stream<Arguments> pairs() {
        return Stream.of(
                Arguments.of("sdk", "sdk"),
                Arguments.of("sdk", "mesh"),
                Arguments.of("mesh", "sdk"),
                Arguments.of("mesh", "mesh"));
    }

    /** The Dubbo group of the pairs whose provider is in {@code providerMode}. */
    String group(String providerMode) {
        return token + "-" + providerMode;
    }

    ExampleApp provider(String providerMode) {
        return providerMode.equals("mesh") ? meshProvider : sdkProvider;
    }

    /** Requests each of {@code listeners} counted, per sidecar: {@code "<key> <listener>"} and {@code "provider …"}. */
    Map<String, Long> counters(List<String> listeners) {
        Map<String, Long> out = new HashMap<>();
        consumerSidecars.forEach((key, sidecar) -> {
            for (String listener : listeners) {
                out.put(key + " " + listener, sidecar.requests(listener));
            }
        });
        for (String listener : listeners) {
            out.put("provider " + listener, providerSidecar.requests(listener));
        }
        return out;
    }

    private <T extends AutoCloseable> T closing(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    @Override
    public void close() {
        try {
            io.dualmode.it.support.Teardown.closeAll(closeables);
        } catch (Exception e) {
            // the registry is closed all the same
        }
        registry.close();
    }
}
