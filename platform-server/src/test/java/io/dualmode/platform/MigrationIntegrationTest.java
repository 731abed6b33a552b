package io.dualmode.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualmode.registry.RegistryServer;
import io.dualmode.registry.naming.ServiceKey;
import io.dualmode.sidecar.Mode;
import io.dualmode.sidecar.Sidecar;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import reactor.netty.resources.LoopResources;

/**
 * Gray migrations for real: a platform on loopback, five provider instances of {@code orders} (HTTP backends on
 * 127.0.0.21–25, each with an in-process sidecar connected to the push stream and registering through the sidecar's
 * registry endpoint with a real nacos-client) and a mesh-mode consumer calling them without pause. Plans move the
 * providers in batches through the sidecars' run-time mode switch; the consumer must see no failed call.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(600)
class MigrationIntegrationTest {

    private static final Duration SETTLE = Duration.ofSeconds(30);

    private final LoopResources loops = PushFixture.loops();
    private final Path dataDir = RunningPlatform.tempDir();
    private final Path stateDir = RunningPlatform.tempDir();
    private final List<MigrationFixture.Provider> providers = new ArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private RunningPlatform platform;
    private Api admin;
    private String registry;
    private String pushUrl;
    private MigrationFixture.Consumer consumer;
    private Load load;

    @BeforeAll
    void start() throws Exception {
        platform = RunningPlatform.start(RunningPlatform.baseProperties(dataDir));
        admin = new Api(platform.client(), platform.login("admin", RunningPlatform.ADMIN_PASSWORD));
        registry = platform.bean(RegistryServer.class).address();
        pushUrl = "ws://127.0.0.1:" + platform.port() + "/api/v1/push";
        for (int i = 1; i <= 5; i++) {
            String host = "127.0.0." + (20 + i);
            providers.add(MigrationFixture.provider(
                    loops, registry, pushUrl, token("orders-" + i), stateDir.resolve("p" + i), host));
        }
        consumer = MigrationFixture.consumer(registry, pushUrl, token("web"), stateDir.resolve("web"));
        // In mesh mode the consumer is handed its sidecar's egress address; the sidecar holds the five providers.
        await().atMost(SETTLE).until(() -> consumer.view().get().size() == 1 && upstreams() == 5);
        await().atMost(SETTLE).until(() -> sidecarsLinked() == 5);
    }

    @AfterEach
    void stopLoadAndReturnEveryProviderToSdk() throws Exception {
        if (load != null) {
            load.close();
            load = null;
        }
        providers.forEach(p -> p.failing().set(false));
        for (Map<String, Object> plan : admin.getList("/api/v1/migrations")) {
            if (List.of("pending", "running", "paused").contains(plan.get("state"))) {
                admin.post("/api/v1/migrations/" + plan.get("id") + "/rollback", Map.of());
            }
        }
        await().atMost(SETTLE).until(() -> admin.getList("/api/v1/migrations").stream()
                .noneMatch(plan ->
                        List.of("pending", "running", "paused", "rolling_back").contains(plan.get("state"))));
        for (MigrationFixture.Provider p : providers) {
            if (p.sidecar().mode().get() != Mode.SDK) {
                admin.put(
                                "/api/v1/inventory/instances/" + registeredAddress(p.host()) + "/mode",
                                "{\"mode\":\"sdk\"}",
                                null)
                        .expectStatus()
                        .isAccepted();
            }
        }
        await().atMost(SETTLE)
                .until(() -> providers.stream().allMatch(p -> p.sidecar().mode().get() == Mode.SDK));
        await().atMost(SETTLE).until(() -> sidecarsLinked() == 5);
    }

    @AfterAll
    void stop() throws Exception {
        if (consumer != null) {
            consumer.close();
        }
        for (MigrationFixture.Provider p : providers) {
            p.close();
        }
        if (platform != null) {
            platform.close();
        }
        loops.dispose();
        RunningPlatform.deleteTree(dataDir);
        RunningPlatform.deleteTree(stateDir);
    }

    @Test
    void aPlanMovesFiveInstancesInBatchesUnderLoadAndRollsBackOnRequestWithNoFailedCall() throws Exception {
        load = new Load();
        await().atMost(SETTLE).until(() -> load.ok.get() > 20);

        Map<String, Object> plan = create(
                """
                {"name": "orders to mesh", "service": "orders", "targetMode": "mesh",
                 "selector": {"percentage": 100}, "batchSize": 2, "pauseSeconds": 1,
                 "thresholds": {"maxErrorRate": 0.5, "minRequests": 5}, "onBreach": "rollback"}
                """);
        String id = (String) plan.get("id");
        assertThat(plan.get("state")).isEqualTo("running");
        assertThat((List<?>) plan.get("batches")).hasSize(3);

        Map<String, Object> done = awaitState(id, "completed");
        assertThat(batchStates(done)).containsOnly("done");
        providers.forEach(p -> assertThat(p.sidecar().mode().get()).isEqualTo(Mode.MESH));
        await().atMost(SETTLE).untilAsserted(() -> assertThat(registeredModes()).containsOnly("mesh"));
        long meshCalls = load.ok.get();
        await().atMost(SETTLE).until(() -> load.ok.get() > meshCalls + 50);

        admin.post("/api/v1/migrations/" + id + "/rollback", Map.of())
                .expectStatus()
                .isOk();
        Map<String, Object> back = awaitState(id, "rolled_back");
        assertThat(batchStates(back)).containsOnly("rolled_back");
        providers.forEach(p -> assertThat(p.sidecar().mode().get()).isEqualTo(Mode.SDK));
        await().atMost(SETTLE).untilAsserted(() -> assertThat(registeredModes()).containsOnly("sdk"));
        long sdkCalls = load.ok.get();
        await().atMost(SETTLE).until(() -> load.ok.get() > sdkCalls + 50);

        assertThat(load.failures)
                .as("calls that failed during the migration and its rollback")
                .isEmpty();
        assertThat(admin.getList("/api/v1/audit?actor=migration:" + id))
                .extracting(e -> e.get("action"))
                .contains("instance.mode");
    }

    @Test
    void anInjectedErrorRateRollsThePlanBackAutomaticallyWithNoCallFailedByTheMigration() throws Exception {
        MigrationFixture.Provider broken = providers.get(2);
        broken.failing().set(true);
        load = new Load();
        await().atMost(SETTLE).until(() -> load.ok.get() > 20 && load.injected.get() > 5);

        Map<String, Object> plan = create(
                """
                {"name": "orders to mesh, watched", "service": "orders", "targetMode": "mesh",
                 "selector": {"percentage": 100}, "batchSize": 2, "pauseSeconds": 4,
                 "thresholds": {"maxErrorRate": 0.05, "minRequests": 20}, "onBreach": "rollback"}
                """);
        String id = (String) plan.get("id");
        assertThat(instancesOf(plan))
                .containsExactly(providers.stream()
                        .map(MigrationFixture.Provider::address)
                        .toArray(String[]::new));

        // Batch 1 (.21, .22) is healthy and done; batch 2 moves .23, whose errors now pass its sidecar: rollback.
        Map<String, Object> back = awaitState(id, "rolled_back");
        assertThat((String) back.get("reason"))
                .startsWith("rolled back automatically: error rate")
                .contains("above the threshold 5.0%");
        assertThat(batchStates(back)).containsExactly("rolled_back", "rolled_back", "pending");
        providers.forEach(p -> assertThat(p.sidecar().mode().get()).isEqualTo(Mode.SDK));
        assertThat(admin.getList("/api/v1/audit?actor=migration:" + id))
                .as("the last provider was never switched")
                .noneMatch(e -> ("instance/" + providers.get(4).nodeId()).equals(e.get("resource")));
        await().atMost(SETTLE).untilAsserted(() -> assertThat(registeredModes()).containsOnly("sdk"));
        long after = load.ok.get();
        await().atMost(SETTLE).until(() -> load.ok.get() > after + 50);

        assertThat(load.injected.get()).isPositive();
        assertThat(load.failures).as("calls failed by the migration itself").isEmpty();
    }

    @Test
    void aPlanTowardsSdkIsJudgedByTheConsumersEgressAndRollsBackWhenAMovedInstanceFails() throws Exception {
        load = new Load();
        String toMesh = (String) create(
                        """
                {"name": "all to mesh first", "service": "orders", "targetMode": "mesh",
                 "selector": {"percentage": 100}, "batchSize": 5, "pauseSeconds": 0}
                """)
                .get("id");
        awaitState(toMesh, "completed");
        await().atMost(SETTLE).until(() -> load.ok.get() > 20);

        MigrationFixture.Provider first = providers.get(0);
        // The threshold lies between the two figures: one failing instance of five is ~20% of the calls to orders,
        // but ~50% of those to the batch that moved (.21, .22), which is what the plan must judge.
        Map<String, Object> plan = create(
                """
                {"name": "orders back to sdk, watched", "service": "orders", "targetMode": "sdk",
                 "selector": {"percentage": 100}, "batchSize": 2, "pauseSeconds": 30,
                 "thresholds": {"maxErrorRate": 0.3, "minRequests": 20}, "onBreach": "rollback"}
                """);
        String id = (String) plan.get("id");
        // The first moved instance misbehaves once it serves in SDK mode, where its own sidecar no longer sees it.
        await().atMost(SETTLE).until(() -> first.sidecar().mode().get() == Mode.SDK);
        first.failing().set(true);

        Map<String, Object> back = awaitState(id, "rolled_back");
        assertThat((String) back.get("reason"))
                .startsWith("rolled back automatically: error rate")
                .contains("calls to the moved instances of orders through the consumers' sidecars")
                .contains("above the threshold 30.0%");
        assertThat(batchStates(back)).containsExactly("rolled_back", "pending", "pending");
        providers.forEach(p -> assertThat(p.sidecar().mode().get()).isEqualTo(Mode.MESH));
        assertThat(load.injected.get()).isPositive();
        assertThat(load.failures).as("calls failed by the migration itself").isEmpty();

        // What the consumers saw of each instance, across its switches: only the failing one had errors.
        Map<String, Map<String, Object>> seen = new java.util.HashMap<>();
        admin.getList("/api/v1/metrics/instances?service=orders&window=60s")
                .forEach(i -> seen.put((String) i.get("nodeId"), i));
        assertThat(seen)
                .containsKeys(providers.stream()
                        .map(MigrationFixture.Provider::nodeId)
                        .toArray(String[]::new));
        assertThat(fromConsumers(seen.get(first.nodeId()), "errors")).isPositive();
        for (MigrationFixture.Provider p : providers.subList(1, 5)) {
            assertThat(fromConsumers(seen.get(p.nodeId()), "requests"))
                    .as(p.host())
                    .isPositive();
            assertThat(fromConsumers(seen.get(p.nodeId()), "errors"))
                    .as(p.host())
                    .isZero();
        }
    }

    @Test
    void oneInstanceSwitchesThroughTheApiAndItsSidecarRestartsInThatMode() throws Exception {
        MigrationFixture.Provider first = providers.get(0);
        Map<String, Object> answer = admin.put(
                        "/api/v1/inventory/instances/" + first.address() + "/mode", "{\"mode\":\"mesh\"}", null)
                .expectStatus()
                .isAccepted()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        assertThat(answer).containsEntry("nodeId", first.nodeId()).containsEntry("desiredMode", "mesh");
        await().atMost(SETTLE).until(() -> first.sidecar().mode().get() == Mode.MESH);
        await().atMost(SETTLE).untilAsserted(() -> assertThat(sidecarOf(first))
                .containsEntry("mode", "mesh")
                .containsEntry("desiredMode", "mesh"));

        // A sidecar started again (here: configured for SDK) comes back in the mode the platform last set, from disk,
        // before it reaches the control plane.
        Sidecar again = MigrationFixture.sidecar(
                MigrationFixture.controlPlaneYaml(
                        "ws://127.0.0.1:1/api/v1/push", "unused", stateDir.resolve("p1"), "orders@restarted"),
                Mode.SDK);
        try {
            assertThat(again.mode().get()).isEqualTo(Mode.MESH);
        } finally {
            again.stop(Duration.ofSeconds(1));
        }

        String meshAddress = registeredAddress(first.host());
        admin.put("/api/v1/inventory/instances/" + meshAddress + "/mode", "{\"mode\":\"sdk\"}", null)
                .expectStatus()
                .isAccepted();
        await().atMost(SETTLE).until(() -> first.sidecar().mode().get() == Mode.SDK);
    }

    @Test
    void badSwitchesAndBadPlansGetPreciseErrors() throws Exception {
        MigrationFixture.Provider first = providers.get(0);
        admin.put("/api/v1/inventory/instances/" + first.address() + "/mode", "{\"mode\":\"hybrid\"}", null)
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.message")
                .value(m -> assertThat((String) m).contains("mode must be mesh or sdk, got hybrid"));
        admin.put("/api/v1/inventory/instances/127.0.0.99:1/mode", "{\"mode\":\"mesh\"}", null)
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PLATFORM-0601");

        // An instance registered without a sidecar cannot be switched.
        Path cache = RunningPlatform.tempDir();
        var bare = MigrationFixture.naming(registry, cache);
        try {
            bare.registerInstance("orders", "127.0.0.29", 8080);
            await().atMost(SETTLE).until(() -> registeredAddresses().contains("127.0.0.29:8080"));
            admin.put("/api/v1/inventory/instances/127.0.0.29:8080/mode", "{\"mode\":\"mesh\"}", null)
                    .expectStatus()
                    .isEqualTo(409)
                    .expectBody()
                    .jsonPath("$.code")
                    .isEqualTo("PLATFORM-0602");
            admin.post(
                            "/api/v1/migrations",
                            Map.of(
                                    "service", "orders",
                                    "targetMode", "mesh",
                                    "selector", Map.of("instances", List.of("127.0.0.29:8080", "127.0.0.98:1"))))
                    .expectStatus()
                    .isBadRequest()
                    .expectBody()
                    .jsonPath("$.code")
                    .isEqualTo("PLATFORM-0603")
                    .jsonPath("$.errors[0].path")
                    .isEqualTo("$.selector.instances[0]")
                    .jsonPath("$.errors[0].message")
                    .value(m -> assertThat((String) m).contains("has no sidecar connected"))
                    .jsonPath("$.errors[1].message")
                    .value(m -> assertThat((String) m).contains("is not a registered instance of orders"));
        } finally {
            bare.shutDown();
            RunningPlatform.deleteTree(cache);
        }

        admin.post(
                        "/api/v1/migrations",
                        Map.of(
                                "service",
                                "orders",
                                "targetMode",
                                "cloud",
                                "selector",
                                Map.of("percentage", 0, "labels", Map.of("zone", "a")),
                                "batchSize",
                                0,
                                "pauseSeconds",
                                7200,
                                "thresholds",
                                Map.of("maxErrorRate", 5),
                                "onBreach",
                                "panic"))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[*].path")
                .value(paths -> assertThat(
                                ((List<?>) paths).stream().map(String::valueOf).toList())
                        .containsExactlyInAnyOrder(
                                "$.targetMode",
                                "$.selector",
                                "$.batchSize",
                                "$.pauseSeconds",
                                "$.thresholds.maxErrorRate",
                                "$.onBreach"));
        admin.post(
                        "/api/v1/migrations",
                        Map.of("service", "nowhere", "targetMode", "mesh", "selector", Map.of("percentage", 50)))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].message")
                .value(m -> assertThat((String) m).contains("service nowhere").contains("no registered instances"));

        // A plan that holds an instance (pending here) keeps manual switches and other plans off it.
        Map<String, Object> pending = create(
                """
                {"service": "orders", "targetMode": "mesh", "selector": {"labels": {"zone": "a"}}, "start": false}
                """);
        String id = (String) pending.get("id");
        assertThat(pending.get("state")).isEqualTo("pending");
        assertThat(instancesOf(pending)).containsExactly(first.address());
        admin.put("/api/v1/inventory/instances/" + first.address() + "/mode", "{\"mode\":\"mesh\"}", null)
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PLATFORM-0606");
        admin.post(
                        "/api/v1/migrations",
                        Map.of("service", "orders", "targetMode", "mesh", "selector", Map.of("percentage", 100)))
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PLATFORM-0606");
        admin.post("/api/v1/migrations/" + id + "/pause", Map.of())
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .jsonPath("$.message")
                .value(m -> assertThat((String) m).contains("cannot pause a plan that is pending"));
        admin.post("/api/v1/migrations/no-such-plan/resume", Map.of())
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PLATFORM-0604");
        admin.post("/api/v1/migrations/" + id + "/rollback", Map.of())
                .expectStatus()
                .isOk();
        awaitState(id, "rolled_back");
        assertThat(first.sidecar().mode().get()).isEqualTo(Mode.SDK);

        // Viewers read plans but change nothing.
        admin.post("/api/v1/users", Map.of("username", "vera", "password", "viewer-password-1", "role", "viewer"))
                .expectStatus()
                .isCreated();
        Api viewer = new Api(platform.client(), platform.login("vera", "viewer-password-1"));
        assertThat(viewer.getList("/api/v1/migrations")).isNotEmpty();
        viewer.put("/api/v1/inventory/instances/" + first.address() + "/mode", "{\"mode\":\"mesh\"}", null)
                .expectStatus()
                .isForbidden();
        viewer.post("/api/v1/migrations/" + id + "/rollback", Map.of())
                .expectStatus()
                .isForbidden();
    }

    private Map<String, Object> create(String body) {
        @SuppressWarnings("unchecked")
        Map<String, Object> plan = admin.client()
                .post()
                .uri("/api/v1/migrations")
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .headers(h -> h.setBearerAuth(admin.token()))
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        return plan;
    }

    private Map<String, Object> awaitState(String id, String state) {
        List<Map<String, Object>> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            Map<String, Object> plan = admin.getMap("/api/v1/migrations/" + id);
            seen.add(0, plan);
            assertThat(plan.get("state"))
                    .as("plan %s: %s", id, plan.get("events"))
                    .isEqualTo(state);
        });
        return seen.get(0);
    }

    @SuppressWarnings("unchecked")
    private static List<String> batchStates(Map<String, Object> plan) {
        return ((List<Map<String, Object>>) plan.get("batches"))
                .stream().map(b -> (String) b.get("state")).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<String> instancesOf(Map<String, Object> plan) {
        return ((List<Map<String, Object>>) plan.get("batches"))
                .stream()
                        .flatMap(b -> ((List<Map<String, Object>>) b.get("instances")).stream())
                        .map(i -> (String) i.get("address"))
                        .toList();
    }

    @SuppressWarnings("unchecked")
    private static long fromConsumers(Map<String, Object> instance, String field) {
        return ((Number) ((Map<String, Object>) instance.get("fromConsumers")).get(field)).longValue();
    }

    private String token(String name) {
        return admin.post("/api/v1/sidecar-tokens", Map.of("name", name))
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("token")
                .toString();
    }

    private List<io.dualmode.registry.naming.Instance> registered() {
        return platform.bean(RegistryServer.class).naming().instances(new ServiceKey(null, null, "orders"));
    }

    private List<String> registeredModes() {
        return registered().stream()
                .filter(i -> i.ip().startsWith("127.0.0.2") && !i.ip().equals("127.0.0.29"))
                .map(i -> i.metadata().getOrDefault("dualmode.mode", "sdk"))
                .toList();
    }

    private List<String> registeredAddresses() {
        return registered().stream().map(i -> i.ip() + ":" + i.port()).toList();
    }

    private String registeredAddress(String host) {
        return registeredAddresses().stream()
                .filter(a -> a.startsWith(host + ":"))
                .findFirst()
                .orElseThrow();
    }

    private int upstreams() {
        var cluster = consumer.sidecar().clusters().cluster("orders");
        return cluster == null ? 0 : cluster.hosts().size();
    }

    /** How many providers the inventory links to their connected sidecar. */
    @SuppressWarnings("unchecked")
    private long sidecarsLinked() {
        return admin.getList("/api/v1/inventory/services").stream()
                .filter(s -> "orders".equals(s.get("name")))
                .flatMap(s -> ((List<Map<String, Object>>) s.get("instances")).stream())
                .filter(i -> i.get("sidecar") != null)
                .count();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> sidecarOf(MigrationFixture.Provider p) {
        return admin.getList("/api/v1/inventory/services").stream()
                .filter(s -> "orders".equals(s.get("name")))
                .flatMap(s -> ((List<Map<String, Object>>) s.get("instances")).stream())
                .filter(i -> p.host().equals(i.get("ip")))
                .map(i -> (Map<String, Object>) i.get("sidecar"))
                .filter(java.util.Objects::nonNull)
                .findFirst()
                .orElse(Map.of());
    }

    /** Two threads calling {@code orders} through the consumer's sidecar without pause, counting what happens. */
    private final class Load implements AutoCloseable {
        final AtomicLong ok = new AtomicLong();
        final AtomicLong injected = new AtomicLong();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();

        Load() {
            for (int t = 0; t < 2; t++) {
                Thread thread = new Thread(this::run, "migration-load-" + t);
                thread.setDaemon(true);
                thread.start();
                threads.add(thread);
            }
        }

        private void run() {
            while (running.get()) {
                var target = consumer.view().get().get(0);
                HttpRequest req = HttpRequest.newBuilder(
                                URI.create("http://" + target.getIp() + ":" + target.getPort() + "/orders"))
                        .timeout(Duration.ofSeconds(5))
                        .build();
                try {
                    HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
                    if (res.statusCode() == 200) {
                        ok.incrementAndGet();
                    } else if (res.statusCode() == 500 && res.body().startsWith("injected")) {
                        injected.incrementAndGet();
                    } else if (failures.size() < 100) {
                        failures.add("HTTP " + res.statusCode() + ": " + res.body());
                    }
                } catch (Exception e) {
                    if (running.get() && failures.size() < 100) {
                        failures.add(e.toString());
                    }
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(10_000);
            }
        }
    }
}
