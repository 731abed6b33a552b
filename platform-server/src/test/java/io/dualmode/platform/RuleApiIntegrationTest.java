package io.dualmode.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuleApiIntegrationTest extends PlatformTestBase {

    private static String service() {
        return "svc-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void ruleLifeCycleWithConcurrencyHistoryRollbackAndAudit() {
        RuleScenario.run(admin(), "admin", service());
    }

    @ParameterizedTest(name = "{0}: {2} at {3}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '~',
            textBlock =
                    """
            routing | {"routes":[{"name":"r","destinations":[{"subset":"a"}]}],"colour":"red"} | GOV-0003 | $.colour
            routing | {"subsets":[{"name":"a","labels":{"v":"1"}},{"name":"b","labels":{"v":"2"}}],"routes":[{"name":"r","destinations":[{"subset":"a","weight":70},{"subset":"b","weight":20}]}]} | GOV-0007 | $.routes[0].destinations
            routing | {"subsets":[{"name":"a","labels":{"v":"1"}}],"routes":[{"name":"r","match":{"headers":[{"name":"x-user","regex":"[a-"}]},"destinations":[{"subset":"a"}]}]} | GOV-0008 | $.routes[0].match.headers[0].regex
            routing | {"subsets":[{"name":"a","labels":{"v":"1"}}],"routes":[{"name":"r","destinations":[{"subset":"canary"}]}]} | GOV-0009 | $.routes[0].destinations[0].subset
            timeout-retry | {"requestTimeoutMillis":-5} | GOV-0006 | $.requestTimeoutMillis
            rate-limit | {"limits":[{"name":"a","scope":"everywhere","qps":10}]} | GOV-0004 | $.limits[0].scope
            circuit-breaker | {"breakers":[{"name":"a","strategy":"error-ratio","threshold":0.5}]} | GOV-0005 | $.breakers[0].openMillis
            fault-injection | {"faults":[{"abort":{"status":503,"percent":250}}]} | GOV-0006 | $.faults[0].abort.percent
            access-control | {"defaultAction":"deny","policies":[{"name":"p","action":"allow","callers":["bad caller"]}]} | GOV-0014 | $.policies[0].callers[0]
            routing | {"routes": | GOV-0001 | $
            """)
    void invalidRulesGet400WithCodeAndPath(String kind, String body, String code, String path) {
        String rulePath = "/api/v1/rules/" + kind + "/" + service();
        Api api = admin();

        api.put(rulePath, body, null)
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PLATFORM-0101")
                .jsonPath("$.errors[0].code")
                .isEqualTo(code)
                .jsonPath("$.errors[0].path")
                .isEqualTo(path)
                .jsonPath("$.errors[0].message")
                .value(m -> assertThat((String) m).isNotBlank());
        api.get(rulePath).expectStatus().isNotFound().expectBody().returnResult();
        assertThat(api.getList("/api/v1/audit?resource=rule:" + kind + "/"
                        + rulePath.substring(rulePath.lastIndexOf('/') + 1)))
                .isEmpty();
    }

    @Test
    void delegationLoopsAcrossServicesAreRejectedAndNothingIsWritten() {
        Api api = admin();
        String a = service();
        String b = service();
        api.put("/api/v1/rules/routing/" + a, delegate(b), null)
                .expectStatus()
                .isOk()
                .expectBody()
                .returnResult();

        api.put("/api/v1/rules/routing/" + b, delegate(a), null)
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].code")
                .isEqualTo("GOV-0011")
                .jsonPath("$.errors[0].message")
                .value(m -> assertThat((String) m).contains(b + " -> " + a + " -> " + b));
        api.get("/api/v1/rules/routing/" + b)
                .expectStatus()
                .isNotFound()
                .expectBody()
                .returnResult();
        api.get("/api/v1/rules/routing/" + b + "/versions")
                .expectStatus()
                .isNotFound()
                .expectBody()
                .returnResult();
    }

    @Test
    void ofTwoConcurrentChangesFromTheSameVersionExactlyOneWins() throws Exception {
        Api api = admin();
        String path = "/api/v1/rules/routing/" + service();
        api.put(path, RuleScenario.V1, null).expectStatus().isOk().expectBody().returnResult();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Integer>> writes = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String body = i % 2 == 0 ? RuleScenario.V2 : RuleScenario.V1;
                writes.add(pool.submit(() -> api.put(path, body, 1L)
                        .expectBody()
                        .returnResult()
                        .getStatus()
                        .value()));
            }
            List<Integer> statuses = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<Integer> write : writes) {
                statuses.add(write.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertThat(statuses)
                    .containsOnly(200, 409)
                    .filteredOn(s -> s == 200)
                    .hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(api.getList(path + "/versions")).hasSize(2);
        assertThat(api.getList("/api/v1/audit?resource=rule:routing/" + path.substring(path.lastIndexOf('/') + 1)))
                .hasSize(2);
    }

    @Test
    void oversizedDocumentsGet413() {
        String huge = "{\"faults\":[" + "{\"delay\":{\"fixedDelayMillis\":1,\"percent\":1}},".repeat(3000)
                + "{\"delay\":{\"fixedDelayMillis\":1,\"percent\":1}}]}";

        admin().put("/api/v1/rules/fault-injection/" + service(), huge, null)
                .expectStatus()
                .isEqualTo(413)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PLATFORM-0104");
    }

    @Test
    void unknownKindsBadServicesAndBadVersionsAreClientErrors() {
        Api api = admin();
        api.put("/api/v1/rules/teleport/orders", "{}", null)
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PLATFORM-0102");
        api.get("/api/v1/rules/routing/bad$name")
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PLATFORM-0103");
        api.client()
                .put()
                .uri("/api/v1/rules/routing/" + service())
                .headers(h -> {
                    h.setBearerAuth(api.token());
                    h.set("If-Match", "\"abc\"");
                })
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .bodyValue(RuleScenario.V1)
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PLATFORM-0205");
        api.get("/api/v1/audit?from=yesterday")
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PLATFORM-0401");
    }

    @Test
    void everyKindCanBeStoredAndListed() {
        Api api = admin();
        String service = service();
        Map<String, String> docs = Map.of(
                "timeout-retry", "{\"requestTimeoutMillis\":2000,\"retry\":{\"attempts\":2,\"retryOn\":[\"reset\"]}}",
                "rate-limit",
                        "{\"limits\":[{\"name\":\"all\",\"scope\":\"local\",\"qps\":100}],\"adaptive\":{\"maxCpuUsage\":0.9}}",
                "circuit-breaker", "{\"outlierDetection\":{\"consecutiveErrors\":5}}",
                "fault-injection", "{\"faults\":[{\"delay\":{\"fixedDelayMillis\":100,\"percent\":10}}]}",
                "access-control",
                        "{\"defaultAction\":\"allow\",\"policies\":[{\"name\":\"p\",\"action\":\"deny\",\"callers\":[\"*\"],\"methods\":[\"refund\"]}]}");
        docs.forEach((kind, doc) -> api.put("/api/v1/rules/" + kind + "/" + service, doc, null)
                .expectStatus()
                .isOk());

        List<Map<String, Object>> listed = api.getList("/api/v1/rules?service=" + service);
        assertThat(listed).extracting(r -> r.get("kind")).containsExactlyInAnyOrderElementsOf(docs.keySet());
        assertThat(api.getList("/api/v1/rules?kind=rate-limit&service=" + service))
                .hasSize(1);
    }

    @Test
    void auditCanBeFilteredByActorAndTime() {
        Api api = admin();
        String service = service();
        String since = java.time.Instant.now().minusSeconds(1).toString();
        api.put("/api/v1/rules/routing/" + service, RuleScenario.V1, null)
                .expectStatus()
                .isOk()
                .expectBody()
                .returnResult();

        assertThat(api.getList("/api/v1/audit?actor=admin&resource=rule:routing/" + service + "&from=" + since))
                .hasSize(1);
        assertThat(api.getList("/api/v1/audit?actor=nobody&resource=rule:routing/" + service))
                .isEmpty();
        assertThat(api.getList("/api/v1/audit?resource=rule:routing/" + service + "&to=" + since))
                .isEmpty();
        assertThat(api.getList("/api/v1/audit?resource=rule:routing/svc-*&action=rule.create&limit=1000"))
                .extracting(a -> a.get("resource"))
                .contains("rule:routing/" + service);
    }

    private static String delegate(String to) {
        return "{\"routes\":[{\"name\":\"all\",\"delegateTo\":\"" + to + "\"}]}";
    }
}
