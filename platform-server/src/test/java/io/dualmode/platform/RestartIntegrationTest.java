package io.dualmode.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Stops the platform and starts it again on the same embedded database file. */
class RestartIntegrationTest {

    private final Path dataDir = RunningPlatform.tempDir();

    @AfterEach
    void cleanUp() {
        RunningPlatform.deleteTree(dataDir);
    }

    @Test
    void rulesUsersTokensAndAuditSurviveARestart() {
        Map<String, Object> properties = RunningPlatform.baseProperties(dataDir);
        properties.put("dualmode.registry.enabled", "false");
        String token;
        try (RunningPlatform first = RunningPlatform.start(properties)) {
            token = first.login("admin", RunningPlatform.ADMIN_PASSWORD);
            Api api = new Api(first.client(), token);
            api.put("/api/v1/rules/routing/orders", RuleScenario.V1, null)
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .returnResult();
            api.put("/api/v1/rules/routing/orders", RuleScenario.V2, 1L)
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .returnResult();
        }
        assertThat(dataDir.resolve("platform/platform.mv.db")).exists();

        properties.put("dualmode.security.admin-password", "ignored-after-first-start");
        try (RunningPlatform second = RunningPlatform.start(properties)) {
            Api api = new Api(second.client(), token);
            api.get("/api/v1/rules/routing/orders")
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.version")
                    .isEqualTo(2)
                    .jsonPath("$.rule.routes[0].destinations[0].weight")
                    .isEqualTo(50);
            assertThat(api.getList("/api/v1/rules/routing/orders/versions")).hasSize(2);
            assertThat(api.getList("/api/v1/audit?resource=rule:routing/orders"))
                    .extracting(a -> a.get("action"))
                    .containsExactly("rule.update", "rule.create");
            second.login("admin", RunningPlatform.ADMIN_PASSWORD);
            api.get("/api/v1/inventory/services")
                    .expectStatus()
                    .isEqualTo(503)
                    .expectBody()
                    .jsonPath("$.code")
                    .isEqualTo("PLATFORM-0501");
        }
    }
}
