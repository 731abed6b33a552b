package io.dualmode.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

class AccessIntegrationTest extends PlatformTestBase {

    private static final String PASSWORD = "password-123";

    private String newUser(String role) {
        String name = role + "-" + UUID.randomUUID().toString().substring(0, 8);
        admin().post("/api/v1/users", Map.of("username", name, "password", PASSWORD, "role", role))
                .expectStatus()
                .isCreated()
                .expectBody()
                .jsonPath("$.role")
                .isEqualTo(role.toUpperCase())
                .jsonPath("$.passwordHash")
                .doesNotExist();
        return name;
    }

    @Test
    void loginIssuesATokenAndWrongPasswordsAreRefusedAndAudited() {
        String me = newUser("viewer");
        Api viewer = as(me, PASSWORD);
        viewer.get("/api/v1/auth/me")
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.subject")
                .isEqualTo(me)
                .jsonPath("$.roles[0]")
                .isEqualTo("VIEWER");

        client.post()
                .uri("/api/v1/auth/login")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("username", me, "password", "wrong-password"))
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PLATFORM-0303");
        assertThat(admin().getList("/api/v1/audit?actor=" + me))
                .extracting(a -> a.get("action"))
                .containsExactly("auth.login-failed", "auth.login");
    }

    @Test
    void requestsWithoutAValidTokenGet401() {
        client.get()
                .uri("/api/v1/rules")
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .valueEquals("WWW-Authenticate", "Bearer")
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PLATFORM-0301");
        client.get()
                .uri("/api/v1/rules")
                .headers(h -> h.setBearerAuth("not-a-token"))
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PLATFORM-0301");
    }

    @Test
    void viewersReadButCannotWrite() {
        String service = "access-" + UUID.randomUUID().toString().substring(0, 8);
        admin().put("/api/v1/rules/routing/" + service, RuleScenario.V1, null)
                .expectStatus()
                .isOk()
                .expectBody()
                .returnResult();
        Api viewer = as(newUser("viewer"), PASSWORD);

        viewer.get("/api/v1/rules/routing/" + service)
                .expectStatus()
                .isOk()
                .expectBody()
                .returnResult();
        viewer.get("/api/v1/audit").expectStatus().isOk().expectBody().returnResult();
        viewer.put("/api/v1/rules/routing/" + service, RuleScenario.V2, 1L)
                .expectStatus()
                .isForbidden()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PLATFORM-0302");
        viewer.delete("/api/v1/rules/routing/" + service, 1L)
                .expectStatus()
                .isForbidden()
                .expectBody()
                .returnResult();
        viewer.get("/api/v1/users").expectStatus().isForbidden().expectBody().returnResult();
        admin().get("/api/v1/rules/routing/" + service)
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.version")
                .isEqualTo(1);
    }

    @Test
    void operatorsChangeRulesButNotUsers() {
        String name = newUser("operator");
        Api operator = as(name, PASSWORD);
        String service = "access-" + UUID.randomUUID().toString().substring(0, 8);

        operator.put("/api/v1/rules/routing/" + service, RuleScenario.V1, null)
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.updatedBy")
                .isEqualTo(name);
        operator.post("/api/v1/users", Map.of("username", "x", "password", PASSWORD, "role", "admin"))
                .expectStatus()
                .isForbidden()
                .expectBody()
                .returnResult();
        operator.post("/api/v1/sidecar-tokens", Map.of("name", "edge"))
                .expectStatus()
                .isForbidden()
                .expectBody()
                .returnResult();
    }

    @Test
    void adminsManageUsersAndChangesApplyToTokensAlreadyIssued() {
        Api admin = admin();
        String name = newUser("viewer");
        Api user = as(name, PASSWORD);
        user.put("/api/v1/rules/routing/promoted-" + name, RuleScenario.V1, null)
                .expectStatus()
                .isForbidden()
                .expectBody()
                .returnResult();
        admin.post("/api/v1/users", Map.of("username", name, "password", PASSWORD, "role", "viewer"))
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PLATFORM-0304");
        admin.post("/api/v1/users", Map.of("username", "short", "password", "123", "role", "viewer"))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PLATFORM-0306");
        admin.post("/api/v1/users", Map.of("username", "boss", "password", PASSWORD, "role", "emperor"))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .returnResult();

        admin.client()
                .put()
                .uri("/api/v1/users/" + name)
                .headers(h -> h.setBearerAuth(admin.token()))
                .bodyValue(Map.of("role", "operator"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.role")
                .isEqualTo("OPERATOR");
        user.put("/api/v1/rules/routing/promoted-" + name, RuleScenario.V1, null)
                .expectStatus()
                .isOk()
                .expectBody()
                .returnResult();

        admin.delete("/api/v1/users/" + name, null)
                .expectStatus()
                .isNoContent()
                .expectBody()
                .returnResult();
        user.get("/api/v1/rules").expectStatus().isUnauthorized().expectBody().returnResult();
        client.post()
                .uri("/api/v1/auth/login")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("username", name, "password", PASSWORD))
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectBody()
                .returnResult();
        admin.delete("/api/v1/users/admin", null)
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PLATFORM-0307");
        assertThat(admin.getList("/api/v1/audit?resource=user:" + name))
                .extracting(a -> a.get("action"))
                .contains("user.delete", "user.update", "user.create");
    }

    @Test
    void sidecarTokensReadRulesOnly() {
        String service = "access-" + UUID.randomUUID().toString().substring(0, 8);
        admin().put("/api/v1/rules/routing/" + service, RuleScenario.V1, null)
                .expectStatus()
                .isOk()
                .expectBody()
                .returnResult();
        String token = admin().post("/api/v1/sidecar-tokens", Map.of("name", "edge-1"))
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("token")
                .toString();
        Api sidecar = new Api(client, token);

        sidecar.get("/api/v1/rules/routing/" + service)
                .expectStatus()
                .isOk()
                .expectBody()
                .returnResult();
        sidecar.get("/api/v1/auth/me")
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.subject")
                .isEqualTo("sidecar:edge-1");
        sidecar.put("/api/v1/rules/routing/" + service, RuleScenario.V2, 1L)
                .expectStatus()
                .isForbidden()
                .expectBody()
                .returnResult();
        sidecar.get("/api/v1/audit").expectStatus().isForbidden().expectBody().returnResult();
        sidecar.get("/api/v1/inventory/services")
                .expectStatus()
                .isForbidden()
                .expectBody()
                .returnResult();
    }

    @Test
    void healthMetricsAndOpenApiAreServedWithoutLogin() {
        client.get()
                .uri("/actuator/health")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("UP");
        client.get()
                .uri("/actuator/prometheus")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .value(body ->
                        assertThat(body).contains("jvm_memory_used_bytes").contains("http_server_requests"));
        client.get()
                .uri("/v3/api-docs")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.paths['/api/v1/rules/{kind}/{service}'].put")
                .exists()
                .jsonPath("$.paths['/api/v1/auth/login'].post")
                .exists();
        client.get()
                .uri("/actuator/env")
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectBody()
                .returnResult();
    }
}
