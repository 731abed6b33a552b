package io.dualmode.it.springcloud.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.nacos.api.naming.pojo.Instance;
import io.dualmode.it.support.Tokens;
import io.dualmode.sidecar.Mode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-instance migration with the real example jars: three provider instances, each behind its own sidecar that
 * starts in SDK state (a pass-through: the registry holds the application's own address), and two consumers — one in
 * SDK mode, one in mesh mode behind a sidecar of its own — calling every 20 ms. Each provider's sidecar is switched to
 * mesh through its admin endpoint ({@code POST /mode}), one at a time, then back. After each switch the traffic
 * through each provider's sidecar ingress matches exactly the calls its provider answered (mesh) or is zero (SDK), and
 * no call fails at any point.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
final class SpringCloudMigrationIntegrationTest {

    private static final Duration SETTLE = Duration.ofSeconds(40);
    private static final int WINDOW_CALLS = 15;

    private Landscape landscape;
    private String service;
    private final List<TestSidecar> sidecars = new ArrayList<>();
    private final List<ExampleApp> providers = new ArrayList<>();
    private final List<ExampleApp> consumers = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        if (landscape != null) {
            landscape.close();
        }
    }

    @Test
    void providersMoveToTheMeshOneAtATimeAndBackWithoutAFailedCall(@TempDir Path home) throws Exception {
        landscape = new Landscape(home);
        service = Tokens.fresh("greeter");
        for (int i = 1; i <= 3; i++) {
            TestSidecar sidecar = landscape.sidecar("provider-" + i + "-sidecar", "127.0.0.5" + i, Mode.SDK);
            sidecars.add(sidecar);
            providers.add(landscape.app(
                    "sc-provider-" + i,
                    "springcloud-provider",
                    "127.0.0.6" + i,
                    Landscape.concat(sidecar.meshProperties(), "--spring.application.name=" + service)));
        }
        List<String> load = List.of("--dualmode.example.provider=" + service, "--dualmode.example.interval=20ms");
        consumers.add(landscape.app(
                "sc-consumer-sdk",
                "springcloud-consumer",
                "127.0.0.71",
                Landscape.concat(load, "--spring.application.name=consumer-sdk")));
        TestSidecar consumerSidecar = landscape.sidecar("consumer-sidecar", "127.0.0.72", Mode.MESH);
        consumers.add(landscape.app(
                "sc-consumer-mesh",
                "springcloud-consumer",
                "127.0.0.73",
                Landscape.concat(
                        Landscape.concat(load, "--spring.application.name=consumer-mesh"),
                        consumerSidecar.meshProperties().toArray(String[]::new))));
        List<ExampleApp> all = new ArrayList<>(providers);
        all.addAll(consumers);
        Landscape.awaitStarted(all.toArray(ExampleApp[]::new));

        awaitTrafficMatches("everything in SDK state", 0);
        for (int i = 1; i <= 3; i++) {
            switchProvider(i - 1, "mesh");
            awaitTrafficMatches("providers 1.." + i + " in the mesh", i);
        }
        for (int i = 1; i <= 3; i++) {
            switchProvider(i - 1, "sdk");
            awaitTrafficMatches("providers 1.." + i + " back in SDK state", -i);
        }

        for (ExampleApp consumer : consumers) {
            List<String> lines = consumer.logLines();
            assertThat(lines)
                    .as("failed calls of %s (log %s)", consumer.name(), consumer.log())
                    .noneMatch(line -> line.contains("CALL failed"));
            assertThat(lines.stream().filter(line -> line.contains("CALL ok")))
                    .as("calls of %s", consumer.name())
                    .hasSizeGreaterThan(100);
        }
    }

    /** Switches provider {@code index}'s sidecar and waits until the registry holds what that mode publishes. */
    private void switchProvider(int index, String mode) {
        TestSidecar sidecar = sidecars.get(index);
        ExampleApp provider = providers.get(index);
        sidecar.switchMode(mode);
        String expectedHost = mode.equals("mesh")
                ? sidecar.ingressHost()
                : provider.address().substring(0, provider.address().indexOf(':'));
        await("registry entry of provider " + (index + 1) + " in " + mode)
                .atMost(SETTLE)
                .until(() -> {
                    List<Instance> registered = landscape.registered(service);
                    return registered.size() == 3
                            && registered.stream()
                                    .anyMatch(i -> i.getIp().equals(expectedHost)
                                            && mode.equals(i.getMetadata().get("dualmode.mode")));
                });
    }

    /**
     * Waits for a window of calls in which each provider's sidecar ingress counted exactly the calls its provider
     * answered (to within the calls in flight at the window's edges) when it is in the mesh, and none when it is not.
     *
     * @param state {@code n > 0}: providers 1..n in the mesh; {@code -n}: providers 1..n moved back; 0: none moved
     */
    private void awaitTrafficMatches(String description, int state) {
        boolean[] inMesh = new boolean[3];
        for (int i = 0; i < 3; i++) {
            inMesh[i] = state > 0 && i < state || state < 0 && i >= -state;
        }
        await(description).atMost(SETTLE).pollInterval(Duration.ZERO).until(() -> windowMatches(inMesh));
    }

    private boolean windowMatches(boolean[] inMesh) {
        long[] ingressBefore = new long[3];
        long[] answeredBefore = new long[3];
        for (int i = 0; i < 3; i++) {
            ingressBefore[i] = sidecars.get(i).requests("ingress", service);
            answeredBefore[i] = answered(providers.get(i));
        }
        await().atMost(SETTLE).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (int i = 0; i < 3; i++) {
                if (answered(providers.get(i)) - answeredBefore[i] < WINDOW_CALLS) {
                    return false;
                }
            }
            return true;
        });
        boolean matches = true;
        for (int i = 0; i < 3; i++) {
            long answered = answered(providers.get(i)) - answeredBefore[i];
            long ingress = sidecars.get(i).requests("ingress", service) - ingressBefore[i];
            matches &= inMesh[i] ? Math.abs(ingress - answered) <= 2 : ingress == 0;
        }
        return matches;
    }

    /** Calls the consumers have logged as answered by {@code provider}. */
    private long answered(ExampleApp provider) {
        String marker = "instance=" + provider.address() + ",";
        long n = 0;
        for (ExampleApp consumer : consumers) {
            n += consumer.logLines().stream()
                    .filter(line -> line.contains("CALL ok") && line.contains(marker))
                    .count();
        }
        return n;
    }
}
