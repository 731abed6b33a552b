package io.dualmode.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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
