package io.dualmode.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

/** The life of one rule through the API, checked step by step; run against every storage backend. */
final class RuleScenario {

    static final String V1 =
            "{\"subsets\":[{\"name\":\"v1\",\"labels\":{\"version\":\"1\"}},{\"name\":\"v2\",\"labels\":{\"version\":\"2\"}}],"
                    + "\"routes\":[{\"name\":\"all\",\"destinations\":[{\"subset\":\"v1\",\"weight\":90},{\"subset\":\"v2\",\"weight\":10}]}]}";
    static final String V2 =
            "{\"subsets\":[{\"name\":\"v1\",\"labels\":{\"version\":\"1\"}},{\"name\":\"v2\",\"labels\":{\"version\":\"2\"}}],"
                    + "\"routes\":[{\"name\":\"all\",\"destinations\":[{\"subset\":\"v1\",\"weight\":50},{\"subset\":\"v2\",\"weight\":50}]}]}";

    private RuleScenario() {}

    static void run(Api api, String actor, String service) {
        String path = "/api/v1/rules/routing/" + service;

        api.put(path, V1, null)
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("ETag", "\"1\"")
                .expectBody()
                .jsonPath("$.version")
                .isEqualTo(1)
                .jsonPath("$.updatedBy")
                .isEqualTo(actor)
                .jsonPath("$.rule.routes[0].destinations[1].weight")
                .isEqualTo(10);
        api.put(path, V2, null)
                .expectStatus()
                .isEqualTo(428)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PLATFORM-0203");
        api.put(path, V2, 1L)
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.version")
                .isEqualTo(2);
        api.put(path, V1, 1L)
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PLATFORM-0202")
                .jsonPath("$.message")
                .value(m -> assertThat((String) m).contains("it is at version 2"));

        api.get(path)
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("ETag", "\"2\"")
                .expectBody()
                .jsonPath("$.rule.routes[0].destinations[0].weight")
                .isEqualTo(50);

        api.post(path + "/rollback", Map.of("toVersion", 1))
                .expectStatus()
                .isEqualTo(428)
                .expectBody()
                .returnResult();
        api.client()
                .post()
                .uri(path + "/rollback")
                .headers(h -> {
                    h.setBearerAuth(api.token());
                    h.setIfMatch("\"2\"");
                })
                .bodyValue(Map.of("toVersion", 1))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.version")
                .isEqualTo(3)
                .jsonPath("$.rule.routes[0].destinations[0].weight")
                .isEqualTo(90);

        api.delete(path, 2L).expectStatus().isEqualTo(409).expectBody().returnResult();
        api.delete(path, 3L).expectStatus().isNoContent().expectBody().returnResult();
        api.get(path)
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PLATFORM-0201");

        List<Map<String, Object>> history = api.getList(path + "/versions");
        assertThat(history).extracting(v -> v.get("version")).containsExactly(4, 3, 2, 1);
        assertThat(history).extracting(v -> v.get("change")).containsExactly("delete", "rollback", "update", "create");
        api.get(path + "/versions/2")
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.rule.routes[0].destinations[0].weight")
                .isEqualTo(50);
        api.get(path + "/versions/9")
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PLATFORM-0204");

        List<Map<String, Object>> audit = api.getList("/api/v1/audit?resource=rule:routing/" + service);
        assertThat(audit)
                .extracting(a -> a.get("action"))
                .containsExactly("rule.delete", "rule.rollback", "rule.update", "rule.create");
        assertThat(audit).allSatisfy(a -> assertThat(a.get("actor")).isEqualTo(actor));
        Map<String, Object> update = audit.get(2);
        assertThat(update.get("detail")).isEqualTo("version 1 -> 2");
        assertThat(weightOfFirst(update.get("before"))).isEqualTo(90);
        assertThat(weightOfFirst(update.get("after"))).isEqualTo(50);
        assertThat(audit.get(0)).doesNotContainKey("after");

        api.put(path, V2, null)
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.version")
                .isEqualTo(5);
    }

    @SuppressWarnings("unchecked")
    private static Object weightOfFirst(Object document) {
        Map<String, Object> doc = (Map<String, Object>) document;
        List<Map<String, Object>> routes = (List<Map<String, Object>>) doc.get("routes");
        List<Map<String, Object>> destinations =
                (List<Map<String, Object>>) routes.get(0).get("destinations");
        return destinations.get(0).get("weight");
    }
}
