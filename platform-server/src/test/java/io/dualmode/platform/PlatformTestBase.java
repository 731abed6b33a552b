package io.dualmode.platform;

import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * One platform on a random port with the embedded database and registry, shared by the test classes that extend
 * this (Spring caches the context); its data directory is removed when the JVM exits.
 */
@AutoConfigureObservability
@AutoConfigureWebTestClient(timeout = "30s")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class PlatformTestBase {

    static final Path DATA_DIR = RunningPlatform.tempDir();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RunningPlatform.deleteTree(DATA_DIR)));
    }

    @Autowired
    WebTestClient client;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        RunningPlatform.baseProperties(DATA_DIR).forEach((k, v) -> {
            if (!k.equals("server.port")) {
                registry.add(k, () -> v);
            }
        });
    }

    Api as(String user, String password) {
        return new Api(client, RunningPlatform.login(client, user, password));
    }

    Api admin() {
        return as("admin", RunningPlatform.ADMIN_PASSWORD);
    }
}
