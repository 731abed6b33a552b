package io.dualmode.it.sofa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.exception.NacosException;
import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.pojo.Instance;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualmode.it.support.LocalNetwork;
import io.dualmode.it.support.Tokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The SOFARPC interop matrix with the real example applications: an SDK-mode and a mesh-mode provider serve one
 * service (same interface and uniqueId), an SDK-mode and a mesh-mode consumer call it; every call must succeed and
 * take the path its two modes say, checked through the sidecars' own stats — the consumer's sidecar forwarded it on
 * the service's cluster, and/or the provider's sidecar on its {@code inbound|} cluster, or neither — and through the
 * caller address the provider saw. Then the failure cases: the mesh consumer's sidecar stops and comes back; the
 * registry stops and calls go on.
 *
 * <p>The registry (its jar), the two sidecars (the sidecar jar, with its registry agent) and the four applications
 * are {@code java -jar} child JVMs, the applications configured only by properties. Every address is on loopback: the SDK provider serves
 * on 127.0.0.2, the mesh provider on 127.0.0.3, the sidecars' ingress listeners on 127.0.0.13 and 127.0.0.14.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
final class SofaInteropIntegrationTest {

    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Longer than the sidecar's switch overlap (its default, 2 s): the old path has left the consumer's list. */
    private static final Duration PAST_OVERLAP = Duration.ofSeconds(3);
    /** Threads calling through the mesh consumer alone during its own switch, besides the one calling both. */
    private static final int MESH_CALLERS = 4;

    private static final Pattern REPLY = Pattern.compile("provider=(\\S+) instance=(\\S+) mode=(\\S+) caller=(\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SERVICE = "io.dualmode.examples.sofa.api.Greeter";

    private static RegistryProcess registry;
    private static NamingService naming;
    private static MeshNode providerSidecar;
    private static MeshNode consumerSidecar;
    private static BootApp providerSdk;
    private static BootApp providerMesh;
    private static BootApp consumerSdk;
    private static BootApp consumerMesh;
    private static String serviceName;

    @BeforeAll
    static void startEverything() throws IOException {
        String token = Tokens.fresh("sofa");
        serviceName = SERVICE + ":" + token + ":DEFAULT";
        Path home = Files.createTempDirectory("sofa-interop");
        registry = RegistryProcess.start(home.resolve("registry"));
        await().atMost(START).until(registry::ready);
        providerSidecar =
                MeshNode.start("sidecar-provider", registry.address(), "127.0.0.13", home.resolve("sidecar-p"));
        consumerSidecar =
                MeshNode.start("sidecar-consumer", registry.address(), "127.0.0.14", home.resolve("sidecar-c"));
        await().atMost(START).until(() -> providerSidecar.ready() && consumerSidecar.ready());

        Path provider = Path.of(System.getProperty("dualmode.example.sofa-provider"));
        Path consumer = Path.of(System.getProperty("dualmode.example.sofa-consumer"));
        providerSdk = BootApp.start(
                "provider-sdk",
                provider,
                home.resolve("provider-sdk"),
                LocalNetwork.freePort(),
                app(
                        token,
                        "sdk",
                        null,
                        Map.of(
                                "dualmode.sofa.bolt.bind-host",
                                "127.0.0.2",
                                "dualmode.sofa.bolt.port",
                                String.valueOf(LocalNetwork.freePort()))));
        providerMesh = BootApp.start(
                "provider-mesh",
                provider,
                home.resolve("provider-mesh"),
                LocalNetwork.freePort(),
                app(
                        token,
                        "mesh",
                        providerSidecar,
                        Map.of(
                                "dualmode.sofa.bolt.bind-host",
                                "127.0.0.3",
                                "dualmode.sofa.bolt.port",
                                String.valueOf(LocalNetwork.freePort()))));
        // Two at a time: CI has two cores, and four JVMs starting at once starve nacos-client's connection check.
        awaitUp(providerSdk, providerMesh);
        consumerSdk = BootApp.start(
                "consumer-sdk",
                consumer,
                home.resolve("consumer-sdk"),
                LocalNetwork.freePort(),
                app(token, "sdk", null, Map.of()));
        consumerMesh = BootApp.start(
                "consumer-mesh",
                consumer,
                home.resolve("consumer-mesh"),
                LocalNetwork.freePort(),
                app(token, "mesh", consumerSidecar, Map.of()));
        awaitUp(consumerSdk, consumerMesh);
    }

    private static void awaitUp(BootApp... apps) {
        for (BootApp app : apps) {
            await().atMost(START).pollInterval(Duration.ofMillis(500)).until(app::up);
        }
    }

    private static Map<String, String> app(String token, String mode, MeshNode sidecar, Map<String, String> extra) {
        Map<String, String> p = new LinkedHashMap<>(extra);
        p.put("spring.application.name", "sofa-" + mode + "-" + token);
        p.put("dualmode.mode", mode);
        p.put("dualmode.registry.address", registry.address());
        p.put("dualmode.example.unique-id", token);
        if (sidecar != null) {
            p.put("dualmode.sidecar.admin-port", String.valueOf(sidecar.adminPort()));
            p.put("dualmode.sidecar.registry-port", String.valueOf(sidecar.registryPort()));
            // the sidecar is ready before the application starts; a loaded CI machine can still be slow to answer
            p.put("dualmode.sidecar.startup-timeout", "60s");
        }
        return p;
    }

    @AfterAll
    static void stopEverything() {
        if (naming != null) {
            try {
                naming.shutDown();
            } catch (NacosException e) {
                // keep closing the rest
            }
        }
        // in the order they were started; closed the other way round
        List<AutoCloseable> started = java.util.Arrays.stream(new AutoCloseable[] {
                    registry, providerSidecar, consumerSidecar, providerSdk, providerMesh, consumerSdk, consumerMesh
                })
                .filter(java.util.Objects::nonNull)
                .toList();
        try {
            io.dualmode.it.support.Teardown.closeAll(started);
        } catch (Exception e) {
            // nothing else to close
        }
    }

    @Test
    @Order(1)
    void theRegistryHoldsTheSdkProviderItselfAndTheMeshProvidersSidecar() throws NacosException {
        await().atMost(WAIT).until(() -> registered().size() == 2);
        Map<String, Instance> byMode = new LinkedHashMap<>();
        registered().forEach(i -> byMode.put(i.getMetadata().get("dualmode.mode"), i));
        assertThat(byMode.get("sdk").getIp()).isEqualTo("127.0.0.2");
        assertThat(byMode.get("mesh").getIp()).isEqualTo("127.0.0.13");
        assertThat(byMode.get("mesh").getPort())
                .isEqualTo(providerSidecar.ingress().getPort());
        assertThat(byMode.get("mesh").getMetadata())
                .containsEntry("dualmode.protocol", "bolt")
                .containsEntry(
                        "dualmode.sidecar",
                        "127.0.0.13:" + providerSidecar.ingress().getPort());
        assertThat(byMode.values()).allSatisfy(i -> assertThat(i.getMetadata().get("dualmode.application"))
                .startsWith("sofa-"));

        // The actuator endpoint says what the instance is registered as, in its mode.
        JsonNode described = json(providerMesh.get("/actuator/dualmode"));
        assertThat(described.path("mode").asText()).isEqualTo("mesh");
        assertThat(described.path("registryAddress").asText()).isEqualTo("127.0.0.1:" + providerSidecar.registryPort());
        JsonNode registration = described.path("registrations").get(0);
        assertThat(registration.path("service").asText()).isEqualTo(serviceName);
        assertThat(registration.path("protocol").asText()).isEqualTo("bolt");
        assertThat(registration.path("metadata").path("dualmode.mode").asText()).isEqualTo("mesh");
        assertThat(json(providerSdk.get("/actuator/health"))
                        .path("components")
                        .path("dualmode")
                        .path("status")
                        .asText())
                .isEqualTo("UP");
    }

    @Test
    @Order(2)
    void anSdkConsumerReachesBothProvidersOnTheirOwnPaths() {
        matrixRow(consumerSdk, "sdk");
    }

    @Test
    @Order(3)
    void aMeshConsumerReachesBothProvidersThroughItsSidecar() {
        matrixRow(consumerMesh, "mesh");
    }

    @Test
    @Order(4)
    void switchingEachSideToSdkAndBackAtRunTimeMovesTheTraffic() throws Exception {
        try {
            // The mesh provider's sidecar switches to SDK: it publishes the application's own address, and both
            // consumers reach the application directly. Each consumer keeps the other, connected provider while its
            // list changes: no call fails.
            underLoad(() -> {
                providerSidecar.switchTo("sdk");
                await().atMost(WAIT).until(() -> modeOf("127.0.0.3").equals("sdk"));
            });
            await().atMost(WAIT).untilAsserted(() -> matrixRow(consumerSdk, "sdk", false, false));
            await().atMost(WAIT).untilAsserted(() -> matrixRow(consumerMesh, "mesh", true, false));
            underLoad(() -> {
                providerSidecar.switchTo("mesh");
                await().atMost(WAIT).until(() -> modeOf("127.0.0.13").equals("mesh"));
            });
            await().atMost(WAIT).untilAsserted(() -> matrixRow(consumerSdk, "sdk", false, true));

            // The mesh consumer's sidecar switches to SDK: it hands the application the real providers, and back —
            // under load, no call failing. SOFARPC replaces its address list before it has connected the new addresses,
            // so the agent switches make-before-break: it first hands the application the union of its
            // egress and the real providers, and the new list alone once the overlap (2 s by default) is over. The
            // load goes on past the overlap's end, when the old path leaves the list.
            underLoad(
                    () -> {
                        consumerSidecar.switchTo("sdk");
                        Thread.sleep(PAST_OVERLAP.toMillis());
                    },
                    MESH_CALLERS);
            await().atMost(WAIT).untilAsserted(() -> matrixRow(consumerMesh, "mesh", false, true));
            underLoad(
                    () -> {
                        consumerSidecar.switchTo("mesh");
                        Thread.sleep(PAST_OVERLAP.toMillis());
                    },
                    MESH_CALLERS);
            await().atMost(WAIT).untilAsserted(() -> matrixRow(consumerMesh, "mesh", true, true));
        } finally {
            providerSidecar.switchTo("mesh");
            consumerSidecar.switchTo("mesh");
        }
    }

    /**
     * Runs {@code change} while both consumers call back to back, keeps calling for 200 more calls once it is done (the
     * address pushes and reconnections happen then), and asserts that no call failed.
     */
    private static void underLoad(ThrowingRunnable change) throws Exception {
        underLoad(change, 0);
    }

    /**
     * As {@link #underLoad(ThrowingRunnable)}, with {@code meshCallers} more threads calling through the mesh consumer
     * alone, back to back, so that a short window without a connected provider is hit.
     */
    private static void underLoad(ThrowingRunnable change, int meshCallers) throws Exception {
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> load = new java.util.ArrayList<>();
        for (int t = 0; t <= meshCallers; t++) {
            List<BootApp> targets = t == 0 ? List.of(consumerSdk, consumerMesh) : List.of(consumerMesh);
            load.add(new Thread(
                    () -> {
                        while (running.get()) {
                            for (BootApp consumer : targets) {
                                HttpResponse<String> r = consumer.get("/call?name=load");
                                if (r.statusCode() == 200) {
                                    ok.incrementAndGet();
                                } else {
                                    failed.incrementAndGet();
                                    failures.add(consumer.name() + ": " + r.body());
                                }
                            }
                        }
                    },
                    "sofa-interop-load-" + t));
        }
        load.forEach(Thread::start);
        try {
            change.run();
            int after = ok.get() + failed.get() + 200;
            await().atMost(WAIT).until(() -> ok.get() + failed.get() >= after);
        } finally {
            running.set(false);
            for (Thread t : load) {
                t.join(Duration.ofSeconds(30).toMillis());
            }
        }
        assertThat(failures).as("calls failed during the switch").isEmpty();
    }

    /** A step that may throw. */
    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    @Order(5)
    void whenTheMeshConsumersSidecarStopsCallsFailClearlyAndRecoverWhenItReturns() {
        consumerSidecar.kill();
        await().atMost(WAIT).until(() -> consumerMesh.get("/call?name=down").statusCode() == 502);
        JsonNode failed = json(consumerMesh.get("/call?name=down"));
        // SOFARPC's own error, naming the sidecar address it could not reach.
        assertThat(failed.path("error").asText()).startsWith("RPC-").contains(consumerSidecar.egress());
        // The SDK consumer does not depend on that sidecar.
        assertThat(consumerSdk.get("/call?name=unaffected").statusCode()).isEqualTo(200);

        consumerSidecar.start();
        await().atMost(START).until(consumerSidecar::ready);
        await().atMost(WAIT)
                .ignoreExceptions()
                .until(() -> consumerMesh.get("/call?name=back").statusCode() == 200);
        matrixRow(consumerMesh, "mesh");
    }

    @Test
    @Order(6)
    void whenTheRegistryStopsCallsContinueFromTheCachedLists() {
        registry.kill();
        // Calls go on for longer than the clients take to notice the registry is gone and start reconnecting.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Set<String> seen = new HashSet<>();
        for (int i = 0; System.nanoTime() < deadline; i++) {
            for (BootApp consumer : List.of(consumerSdk, consumerMesh)) {
                HttpResponse<String> r = consumer.get("/call?name=cached-" + i);
                assertThat(r.statusCode()).as(consumer.describe(r.body())).isEqualTo(200);
                seen.add(consumer.name() + "->"
                        + parse(json(r).path("reply").asText()).group(3));
            }
        }
        // Both providers stay in both consumers' lists.
        assertThat(seen)
                .contains("consumer-sdk->sdk", "consumer-sdk->mesh", "consumer-mesh->sdk", "consumer-mesh->mesh");
    }

    /**
     * Calls through {@code consumer} until both providers have answered (warm-up: SOFARPC connects to new providers in
     * the background), then 12 calls that must all succeed and each take exactly the path the modes say.
     */
    private static void matrixRow(BootApp consumer, String consumerMode) {
        matrixRow(consumer, consumerMode, consumerMode.equals("mesh"), true);
    }

    /**
     * As {@link #matrixRow(BootApp, String)}, with whether the consumer's sidecar and the mesh provider's sidecar are in
     * the path (each can be switched to SDK mode at run time).
     */
    private static void matrixRow(
            BootApp consumer, String consumerMode, boolean viaConsumerSidecar, boolean meshProviderViaSidecar) {
        Set<String> warm = new HashSet<>();
        await().atMost(WAIT).until(() -> {
            HttpResponse<String> r = consumer.get("/call?name=warm");
            if (r.statusCode() == 200) {
                warm.add(parse(json(r).path("reply").asText()).group(3));
            }
            return warm.size() == 2;
        });
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            long consumerSide = consumerSidecar.answered(serviceName);
            long providerSide = providerSidecar.answered("inbound|" + serviceName);
            HttpResponse<String> r = consumer.get("/call?name=n" + i);
            assertThat(r.statusCode()).as(consumer.describe(r.body())).isEqualTo(200);
            JsonNode body = json(r);
            assertThat(body.path("consumerMode").asText()).isEqualTo(consumerMode);
            Matcher reply = parse(body.path("reply").asText());
            String providerMode = reply.group(3);
            seen.add(providerMode);
            assertThat(reply.group(2))
                    .as("the provider's own Bolt address")
                    .startsWith(providerMode.equals("sdk") ? "127.0.0.2:" : "127.0.0.3:");
            // Loopback only: every hop connects from 127.0.0.1, never from the machine's network address.
            assertThat(reply.group(4)).isEqualTo("127.0.0.1");
            String path = consumerMode + " consumer -> " + providerMode + " provider";
            assertThat(consumerSidecar.answered(serviceName) - consumerSide)
                    .as(path + ": calls forwarded by the consumer's sidecar")
                    .isEqualTo(viaConsumerSidecar ? 1 : 0);
            assertThat(providerSidecar.answered("inbound|" + serviceName) - providerSide)
                    .as(path + ": calls forwarded by the provider's sidecar")
                    .isEqualTo(providerMode.equals("mesh") && meshProviderViaSidecar ? 1 : 0);
        }
        assertThat(seen).containsExactlyInAnyOrder("sdk", "mesh");
    }

    /** {@code dualmode.mode} of the registered instance at {@code ip}, or empty. */
    private static String modeOf(String ip) throws NacosException {
        return registered().stream()
                .filter(i -> i.getIp().equals(ip))
                .map(i -> i.getMetadata().get("dualmode.mode"))
                .findFirst()
                .orElse("");
    }

    private static Matcher parse(String reply) {
        Matcher m = REPLY.matcher(reply);
        assertThat(m.find()).as(reply).isTrue();
        return m;
    }

    private static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(r.body(), e);
        }
    }

    private static List<Instance> registered() throws NacosException {
        if (naming == null) {
            Properties p = new Properties();
            p.setProperty(PropertyKeyConst.SERVER_ADDR, registry.address());
            p.setProperty(PropertyKeyConst.NAMESPACE, "sofa-rpc");
            naming = NacosFactory.createNamingService(p);
        }
        return naming.getAllInstances(serviceName, false);
    }
}
