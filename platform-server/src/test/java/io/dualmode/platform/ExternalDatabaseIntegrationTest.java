package io.dualmode.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualmode.registry.RegistryServer;
import io.dualmode.sidecar.Mode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.netty.resources.LoopResources;

/**
 * The platform on the machine's real PostgreSQL and MariaDB servers, each in a database created for this run and
 * dropped after it, with two platform instances sharing the database. The servers must be running (CI starts them;
 * see the module's {@code start-test-databases.sh}); {@code -Dplatform.test.external-db=false} skips this test.
 */
@EnabledIfSystemProperty(named = "platform.test.external-db", matches = "true")
class ExternalDatabaseIntegrationTest {

    enum Server {
        POSTGRESQL("jdbc:postgresql://127.0.0.1:5432/", "test", "postgres", " WITH (FORCE)"),
        MARIADB("jdbc:mariadb://127.0.0.1:3306/", "test", "root", "");

        final String baseUrl;
        final String adminDatabase;
        final String user;
        final String dropSuffix;

        Server(String baseUrl, String adminDatabase, String user, String dropSuffix) {
            this.baseUrl = baseUrl;
            this.adminDatabase = adminDatabase;
            this.user = user;
            this.dropSuffix = dropSuffix;
        }

        Connection connect(String database) throws SQLException {
            return DriverManager.getConnection(baseUrl + database, user, "");
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void rulesLifeCycleOnTwoInstancesSharingOneDatabase(Server server) throws Exception {
        String database = "dualmode_it_" + Long.toHexString(System.nanoTime());
        execute(server, "CREATE DATABASE " + database);
        Path dataA = RunningPlatform.tempDir();
        Path dataB = RunningPlatform.tempDir();
        try (RunningPlatform a = RunningPlatform.start(properties(server, database, dataA));
                RunningPlatform b = RunningPlatform.start(properties(server, database, dataB))) {
            String token = a.login("admin", RunningPlatform.ADMIN_PASSWORD);
            Api onA = new Api(a.client(), token);
            Api onB = new Api(b.client(), token);

            RuleScenario.run(onA, "admin", "orders");

            onB.get("/api/v1/rules/routing/orders")
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.version")
                    .isEqualTo(5);
            assertThat(raceOnBothInstances(onA, onB, 5L)).containsExactlyInAnyOrder(200, 409);
            onB.put("/api/v1/rules/routing/orders", RuleScenario.V1, 6L)
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .returnResult();
            onA.put("/api/v1/rules/routing/orders", RuleScenario.V1, 6L)
                    .expectStatus()
                    .isEqualTo(409)
                    .expectBody()
                    .returnResult();
            assertThat(onB.getList("/api/v1/audit?resource=rule:routing/orders"))
                    .hasSize(7);
            onA.put("/api/v1/rules/access-control/orders", "{\"defaultAction\":\"deny\"}", null)
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .returnResult();
        } finally {
            execute(server, "DROP DATABASE " + database + server.dropSuffix);
            RunningPlatform.deleteTree(dataA);
            RunningPlatform.deleteTree(dataB);
        }
    }

    /**
     * Migration plans and instance modes on the real server: two platform instances (A with the registry) share the
     * database, one provider's sidecar is connected to each. A plan created through A and started through B moves
     * both providers to mesh, driven by one engine only (the lease never changes hands while both tick), and a
     * rollback through A returns them; the {@code instance_mode} rows follow what the sidecars report.
     */
    @ParameterizedTest
    @EnumSource(Server.class)
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void plansAndModesOnTwoInstancesSharingOneDatabase(Server server) throws Exception {
        String database = "dualmode_it_" + Long.toHexString(System.nanoTime());
        execute(server, "CREATE DATABASE " + database);
        Path dataA = RunningPlatform.tempDir();
        Path dataB = RunningPlatform.tempDir();
        Path stateDir = RunningPlatform.tempDir();
        LoopResources loops = PushFixture.loops();
        Map<String, Object> withRegistry = properties(server, database, dataA);
        withRegistry.put("dualmode.registry.enabled", "true");
        List<AutoCloseable> closing = new ArrayList<>();
        try (RunningPlatform a = RunningPlatform.start(withRegistry);
                RunningPlatform b = RunningPlatform.start(properties(server, database, dataB))) {
            Api onA = new Api(a.client(), a.login("admin", RunningPlatform.ADMIN_PASSWORD));
            Api onB = new Api(b.client(), onA.token());
            String registry = a.bean(RegistryServer.class).address();
            List<MigrationFixture.Provider> providers = new ArrayList<>();
            for (RunningPlatform p : List.of(a, b)) {
                String host = "127.0.0." + (41 + providers.size());
                MigrationFixture.Provider provider = MigrationFixture.provider(
                        loops,
                        registry,
                        "ws://127.0.0.1:" + p.port() + "/api/v1/push",
                        sidecarToken(onA, host),
                        stateDir.resolve(host),
                        host);
                closing.add(0, provider);
                providers.add(provider);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> linkedSidecars(onA) == 2);

            Map<?, ?> plan = onA.post(
                            "/api/v1/migrations",
                            Map.of(
                                    "service",
                                    "orders",
                                    "targetMode",
                                    "mesh",
                                    "selector",
                                    Map.of("percentage", 100),
                                    "batchSize",
                                    1,
                                    "pauseSeconds",
                                    1,
                                    "start",
                                    false))
                    .expectStatus()
                    .isCreated()
                    .expectBody(Map.class)
                    .returnResult()
                    .getResponseBody();
            String id = (String) plan.get("id");
            assertThat(plan.get("state")).isEqualTo("pending");
            onB.post("/api/v1/migrations/" + id + "/start", Map.of())
                    .expectStatus()
                    .isOk();

            Set<String> owners = new HashSet<>();
            awaitPlan(onB, id, "completed", () -> owners.add(leaseOwner(server, database, id)));
            owners.remove(null);
            assertThat(owners)
                    .as("engines that held the lease while both ticked")
                    .hasSize(1);
            Map<String, Object> done = onB.getMap("/api/v1/migrations/" + id);
            assertThat(done.get("events").toString().split("switching", -1)).hasSize(3);
            providers.forEach(p -> assertThat(p.sidecar().mode().get()).isEqualTo(Mode.MESH));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(modeRows(server, database))
                    .containsOnlyKeys(
                            providers.get(0).nodeId(), providers.get(1).nodeId())
                    .allSatisfy((node, row) -> assertThat(row).isEqualTo("mesh/mesh/applied")));

            onA.post("/api/v1/migrations/" + id + "/rollback", Map.of())
                    .expectStatus()
                    .isOk();
            awaitPlan(onA, id, "rolled_back", () -> true);
            providers.forEach(p -> assertThat(p.sidecar().mode().get()).isEqualTo(Mode.SDK));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(modeRows(server, database))
                    .allSatisfy((node, row) -> assertThat(row).isEqualTo("sdk/sdk/applied")));
            assertThat(onB.getList("/api/v1/migrations"))
                    .extracting(p -> p.get("id"))
                    .containsExactly(id);
            for (AutoCloseable c : closing) {
                c.close();
            }
            closing.clear();
        } finally {
            for (AutoCloseable c : closing) {
                c.close();
            }
            loops.dispose();
            execute(server, "DROP DATABASE " + database + server.dropSuffix);
            for (Path dir : List.of(dataA, dataB, stateDir)) {
                RunningPlatform.deleteTree(dir);
            }
        }
    }

    private static void awaitPlan(Api api, String id, String state, Callable<Boolean> meanwhile) {
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            meanwhile.call();
            Map<String, Object> plan = api.getMap("/api/v1/migrations/" + id);
            assertThat(plan.get("state"))
                    .as("plan %s: %s", id, plan.get("events"))
                    .isEqualTo(state);
        });
    }

    private static String sidecarToken(Api api, String host) {
        return api.post("/api/v1/sidecar-tokens", Map.of("name", "orders-" + host))
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("token")
                .toString();
    }

    @SuppressWarnings("unchecked")
    private static long linkedSidecars(Api api) {
        return api.getList("/api/v1/inventory/services").stream()
                .filter(s -> "orders".equals(s.get("name")))
                .flatMap(s -> ((List<Map<String, Object>>) s.get("instances")).stream())
                .filter(i -> i.get("sidecar") != null)
                .count();
    }

    private static String leaseOwner(Server server, String database, String id) throws SQLException {
        try (Connection c = server.connect(database);
                PreparedStatement s = c.prepareStatement("SELECT lease_owner FROM migration_plan WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Each instance_mode row as {@code desired/reported/applied-or-not}, by node id. */
    private static Map<String, String> modeRows(Server server, String database) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (Connection c = server.connect(database);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT node_id, desired_mode, mode_version, reported_mode,"
                        + " reported_version FROM instance_mode")) {
            while (rs.next()) {
                boolean applied = rs.getLong("reported_version") == rs.getLong("mode_version");
                out.put(
                        rs.getString("node_id"),
                        rs.getString("desired_mode") + "/" + rs.getString("reported_mode") + "/"
                                + (applied ? "applied" : "pending"));
            }
        }
        return out;
    }

    /** The same change from version {@code from} on both instances at once; returns both statuses. */
    private static List<Integer> raceOnBothInstances(Api onA, Api onB, long from) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> a = pool.submit(() -> status(onA, from));
            Future<Integer> b = pool.submit(() -> status(onB, from));
            return List.of(a.get(60, TimeUnit.SECONDS), b.get(60, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
    }

    private static int status(Api api, long from) {
        return api.put("/api/v1/rules/routing/orders", RuleScenario.V2, from)
                .expectBody()
                .returnResult()
                .getStatus()
                .value();
    }

    private static Map<String, Object> properties(Server server, String database, Path dataDir) {
        Map<String, Object> p = RunningPlatform.baseProperties(dataDir);
        p.put("dualmode.registry.enabled", "false");
        p.put("spring.datasource.url", server.baseUrl + database);
        p.put("spring.datasource.username", server.user);
        p.put("spring.datasource.password", "");
        return p;
    }

    private static void execute(Server server, String sql) throws SQLException {
        try (Connection c = server.connect(server.adminDatabase);
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new SQLException(
                    server + " at " + server.baseUrl + " is needed (start it with platform-server/"
                            + "start-test-databases.sh): " + e.getMessage(),
                    e);
        }
    }
}
