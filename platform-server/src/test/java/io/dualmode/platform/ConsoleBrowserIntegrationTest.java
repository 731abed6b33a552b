package io.dualmode.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.pojo.Instance;
import io.dualmode.registry.RegistryServer;
import io.dualmode.sidecar.Mode;
import io.dualmode.sidecar.Sidecar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console end to end: a real platform-server on loopback with instances registered by a real nacos-client, an
 * in-process sidecar connected to its push stream for each {@code e2e-orders} instance (its local service is the
 * registered address, which is how the inventory links an instance to its sidecar), and
 * {@code console-ui/e2e/console.e2e.mjs} driving Debian's headless Chromium through playwright-core against it (log
 * in, see the instances, create a weighted route, see it in history, roll back, audit, switch an instance's mode,
 * create a migration of two instances and roll it back, a viewer cannot edit). The
 * screenshots go to {@code target/console-screenshots}, or to {@code -Dconsole.e2e.screenshots=<dir>} (the committed
 * ones in docs/images are refreshed that way).
 */
class ConsoleBrowserIntegrationTest {

    private static final String VIEWER_PASSWORD = "viewer-password-1";

    private static Path dataDir;
    private static Path nacosCache;
    private static RunningPlatform platform;
    private static NamingService naming;
    private static Path sidecarState;
    private static final List<Sidecar> SIDECARS = new ArrayList<>();

    @BeforeAll
    static void startPlatformWithInstances() throws Exception {
        dataDir = RunningPlatform.tempDir();
        platform = RunningPlatform.start(RunningPlatform.baseProperties(dataDir));
        nacosCache = Files.createTempDirectory("dualmode-nacos-cache");
        Properties p = new Properties();
        p.setProperty(
                PropertyKeyConst.SERVER_ADDR,
                platform.bean(RegistryServer.class).address());
        p.setProperty("namingLoadCacheAtStart", "false");
        p.setProperty("JM.SNAPSHOT.PATH", nacosCache.toString());
        naming = NacosFactory.createNamingService(p);
        naming.batchRegisterInstance(
                "e2e-orders",
                "DEFAULT_GROUP",
                List.of(
                        instance(
                                20880,
                                Map.of("dualmode.mode", "mesh", "dualmode.sidecar", "127.0.0.1:15001", "version", "1")),
                        instance(20881, Map.of("dualmode.mode", "sdk", "version", "2"))));
        naming.registerInstance("e2e-payments", "DEFAULT_GROUP", instance(20990, Map.of("dualmode.mode", "sdk")));

        Api admin = new Api(platform.client(), platform.login("admin", RunningPlatform.ADMIN_PASSWORD));
        admin.post("/api/v1/users", Map.of("username", "vic", "password", VIEWER_PASSWORD, "role", "viewer"))
                .expectStatus()
                .isCreated();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(admin.getList("/api/v1/inventory/services"))
                        .extracting(s -> s.get("name"))
                        .contains("e2e-orders", "e2e-payments"));

        // a sidecar per e2e-orders instance, in the instance's registered mode; e2e-payments has none
        sidecarState = RunningPlatform.tempDir();
        String push = "ws://127.0.0.1:" + platform.port() + "/api/v1/push";
        for (Map.Entry<Integer, Mode> e :
                Map.of(20880, Mode.MESH, 20881, Mode.SDK).entrySet()) {
            String name = "e2e-orders-" + e.getKey();
            SIDECARS.add(PushFixture.sidecar(
                    sidecarYaml(e.getKey()),
                    push,
                    sidecarToken(admin, name),
                    sidecarState.resolve(name),
                    "",
                    e.getValue()));
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(instances(admin))
                .as("both e2e-orders instances are reported by their sidecars")
                .allSatisfy(i -> assertThat(i.get("sidecar")).isNotNull())
                .hasSize(2));
    }

    @AfterAll
    static void stop() throws Exception {
        for (Sidecar s : SIDECARS) {
            s.stop(Duration.ofSeconds(1));
        }
        if (naming != null) {
            naming.shutDown();
        }
        if (platform != null) {
            platform.close();
        }
        RunningPlatform.deleteTree(nacosCache);
        RunningPlatform.deleteTree(dataDir);
        RunningPlatform.deleteTree(sidecarState);
    }

    @Test
    void theConsoleWorksInARealBrowser() throws Exception {
        ConsoleE2e.run(
                "e2e/console.e2e.mjs",
                platform,
                Map.of(
                        "CONSOLE_VIEWER",
                        "vic",
                        "CONSOLE_VIEWER_PASSWORD",
                        VIEWER_PASSWORD,
                        "CONSOLE_SERVICE",
                        "e2e-orders"),
                Duration.ofMinutes(8),
                List.of(
                        "overview",
                        "services",
                        "rule-diff",
                        "rule-history",
                        "rule-editor",
                        "audit",
                        "migrations",
                        "migration-detail",
                        "viewer"));
    }

    /** An ingress in front of the local service at the registered address 127.0.0.1:{@code port}. */
    private static String sidecarYaml(int port) {
        return """
                listeners:
                  - {name: ingress, direction: ingress, protocol: http, address: 127.0.0.1, port: 0}
                services:
                  - {name: e2e-orders, address: 127.0.0.1, port: %d}
                """
                .formatted(port);
    }

    private static String sidecarToken(Api admin, String name) {
        return admin.post("/api/v1/sidecar-tokens", Map.of("name", name))
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("token")
                .toString();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> instances(Api admin) {
        return admin.getList("/api/v1/inventory/services").stream()
                .filter(s -> "e2e-orders".equals(s.get("name")))
                .flatMap(s -> ((List<Map<String, Object>>) s.get("instances")).stream())
                .toList();
    }

    private static Instance instance(int port, Map<String, String> metadata) {
        Instance instance = new Instance();
        instance.setIp("127.0.0.1");
        instance.setPort(port);
        instance.setMetadata(metadata);
        return instance;
    }
}
