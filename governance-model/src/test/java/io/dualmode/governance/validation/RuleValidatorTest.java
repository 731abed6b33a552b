package io.dualmode.governance.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualmode.governance.rule.GovernanceRule;
import io.dualmode.governance.rule.Route;
import io.dualmode.governance.rule.RoutingRule;
import io.dualmode.governance.rule.RuleKind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class RuleValidatorTest {

    private final RuleValidator validator = new RuleValidator();

    private ValidationResult validate(RuleKind kind, String json) {
        return validator.validate(kind, json.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @EnumSource(RuleKind.class)
    void everyExampleIsValidAndSurvivesARoundTrip(RuleKind kind) throws Exception {
        ValidationResult result = validate(kind, Examples.BY_KIND.get(kind));

        assertThat(result.violations()).isEmpty();
        GovernanceRule rule = result.rule().orElseThrow();
        assertThat(rule.kind()).isEqualTo(kind);
        byte[] written = GovernanceJson.mapper().writeValueAsBytes(rule);
        assertThat(validator.validate(kind, written).rule()).contains(rule);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '~',
            textBlock =
                    """
            routing | {"routes": [{"name": "r", "destinations": [{"subset": "v1"}]}], "extra": 1} | GOV-0003 | $.extra | 'extra' is not a field here
            routing | {"routes": [{"name": "r", "destinations": [{"subsett": "v1"}]}]} | GOV-0003 | $.routes[0].destinations[0].subsett | [subset, weight]
            routing | {"subsets": [{"name": "a", "labels": {"v": "1"}}, {"name": "b", "labels": {"v": "2"}}], "routes": [{"name": "r", "destinations": [{"subset": "a", "weight": 60}, {"subset": "b", "weight": 30}]}]} | GOV-0007 | $.routes[0].destinations | weights sum to 90; make them sum to 100
            routing | {"subsets": [{"name": "a", "labels": {"v": "1"}}], "routes": [{"name": "r", "destinations": [{"subset": "zz"}]}]} | GOV-0009 | $.routes[0].destinations[0].subset | 'zz' is not defined in $.subsets
            routing | {"subsets": [{"name": "a", "labels": {"v": "1"}}], "routes": [{"name": "r", "match": {"headers": [{"name": "x", "regex": "a(b"}]}, "destinations": [{"subset": "a"}]}]} | GOV-0008 | $.routes[0].match.headers[0].regex | is not a valid regular expression
            routing | {"subsets": [{"name": "a", "labels": {"v": "1"}}], "routes": [{"name": "r", "match": {"headers": [{"name": "x", "exact": "1", "prefix": "2"}]}, "destinations": [{"subset": "a"}]}]} | GOV-0012 | $.routes[0].match.headers[0] | set exactly one
            routing | {"subsets": [{"name": "a", "labels": {"v": "1"}}], "routes": [{"name": "r", "destinations": [{"subset": "a"}], "delegateTo": "b"}]} | GOV-0012 | $.routes[0] | keep one
            routing | {"subsets": [{"name": "a", "labels": {"v": "1"}}, {"name": "a", "labels": {"v": "2"}}], "routes": [{"name": "r", "destinations": [{"subset": "a"}]}]} | GOV-0010 | $.subsets[1].name | 'a' is already used
            routing | {"subsets": [{"name": "a", "labels": {"v": "1"}}], "routes": [{"name": "r", "destinations": [{"subset": "a", "weight": 100}], "mirror": {"subset": "a", "percent": 150}}]} | GOV-0006 | $.routes[0].mirror.percent | is 150.0; must be greater than 0 and at most 100
            routing | {"routes": [{"name": "r", "destinations": [{"subset": "a", "weight": "ten"}]}]} | GOV-0004 | $.routes[0].destinations[0].weight | expected a whole number
            routing | {"routes": [{"name": "r", "destinations": [{"subset": "a", "weight": 50.5}]}]} | GOV-0004 | $.routes[0].destinations[0].weight | expected a whole number
            routing | {"routes": []} | GOV-0005 | $.routes | is empty
            routing | {"routes": [{"name": "r", "destinations": [{"subset": "a"}]} | GOV-0001 | $ | is not well-formed JSON
            routing | {"routes": [], "routes": []} | GOV-0001 | $ | Duplicate field 'routes'
            routing | [1, 2] | GOV-0001 | $ | is not a JSON object
            routing | {"routes": [{"name": "bad name!", "delegateTo": "b"}]} | GOV-0014 | $.routes[0].name | 'bad name!' is not valid
            timeout-retry | {"requestTimeoutMillis": 500, "retry": {"attempts": 3, "perTryTimeoutMillis": 800, "retryOn": ["timeout"]}} | GOV-0006 | $.retry.perTryTimeoutMillis | must not exceed requestTimeoutMillis (500)
            timeout-retry | {"retry": {"attempts": 11, "retryOn": ["timeout"]}} | GOV-0006 | $.retry.attempts | is 11; must be at least 0 and at most 10
            timeout-retry | {"retry": {"attempts": 1, "retryOn": ["sometimes"]}} | GOV-0004 | $.retry.retryOn[0] | one of [connect-failure, reset, timeout, gateway-error, 5xx, unavailable]
            timeout-retry | {"retry": {"attempts": 1}} | GOV-0005 | $.retry.retryOn | is required
            timeout-retry | {"retry": {"attempts": 1, "retryOn": ["reset"], "budget": {"budgetPercent": 101}}} | GOV-0006 | $.retry.budget.budgetPercent | at most 100
            rate-limit | {"limits": [{"name": "a", "scope": "global", "qps": 1}]} | GOV-0004 | $.limits[0].scope | one of [local, cluster]
            rate-limit | {"limits": [{"name": "a", "scope": "local", "qps": 0}]} | GOV-0006 | $.limits[0].qps | must be greater than 0
            rate-limit | {"adaptive": {}} | GOV-0005 | $.adaptive | sets no threshold
            rate-limit | {"adaptive": {"maxCpuUsage": 1.5}} | GOV-0006 | $.adaptive.maxCpuUsage | is 1.5; must be greater than 0 and at most 1
            circuit-breaker | {"breakers": [{"name": "a", "strategy": "slow-call-ratio", "threshold": 0.5, "openMillis": 1000}]} | GOV-0005 | $.breakers[0].slowCallMillis | is required
            circuit-breaker | {"breakers": [{"name": "a", "strategy": "error-ratio", "threshold": 2, "openMillis": 1000}]} | GOV-0006 | $.breakers[0].threshold | at most 1
            circuit-breaker | {"outlierDetection": {"consecutiveErrors": 0}} | GOV-0006 | $.outlierDetection.consecutiveErrors | is 0; must be at least 1
            fault-injection | {"faults": [{"match": {"methods": ["pay"]}}]} | GOV-0012 | $.faults[0] | sets neither delay nor abort
            fault-injection | {"faults": [{"abort": {"status": 200, "percent": 10}}]} | GOV-0006 | $.faults[0].abort.status | is 200; must be at least 400 and at most 599
            fault-injection | {"faults": [{"delay": {"fixedDelayMillis": 10}}]} | GOV-0005 | $.faults[0].delay.percent | is required
            access-control | {"defaultAction": "maybe"} | GOV-0004 | $.defaultAction | one of [allow, deny]
            access-control | {"defaultAction": "deny", "policies": [{"name": "p", "action": "allow", "callers": []}]} | GOV-0005 | $.policies[0].callers | is empty
            access-control | {"defaultAction": "deny", "policies": [{"name": "p", "action": "allow", "callers": [null]}]} | GOV-0005 | $.policies[0].callers[0] | is required
            """)
    void eachInvalidDocumentGetsAPreciseViolation(String kind, String json, String code, String path, String message) {
        ValidationResult result = validator.validate(kind, json.getBytes(StandardCharsets.UTF_8));

        assertThat(result.valid()).isFalse();
        assertThat(result.violations()).anySatisfy(v -> {
            assertThat(v.code()).isEqualTo(code);
            assertThat(v.path()).isEqualTo(path);
            assertThat(v.message()).contains(message);
        });
    }

    @Test
    void reportsEveryProblemOfAReadableDocument() {
        ValidationResult result = validate(
                RuleKind.ROUTING,
                """
                {"subsets": [{"name": "a", "labels": {}}],
                 "routes": [{"name": "r", "destinations": [{"subset": "a", "weight": 50}, {"subset": "b", "weight": 20}]}]}
                """);

        assertThat(result.rule()).isPresent();
        assertThat(result.violations())
                .extracting(Violation::code, Violation::path)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("GOV-0005", "$.subsets[0].labels"),
                        org.assertj.core.groups.Tuple.tuple("GOV-0009", "$.routes[0].destinations[1].subset"),
                        org.assertj.core.groups.Tuple.tuple("GOV-0007", "$.routes[0].destinations"));
    }

    @Test
    void rejectsOversizedDocumentsBeforeReadingThem() {
        RuleValidator small = new RuleValidator(new ValidationLimits(100, 10, 10));
        byte[] big = ("{\"routes\": [" + "1,".repeat(100) + "1]}").getBytes(StandardCharsets.UTF_8);

        assertThat(small.validate(RuleKind.ROUTING, big).violations())
                .singleElement()
                .satisfies(v -> {
                    assertThat(v.code()).isEqualTo("GOV-0002");
                    assertThat(v.message()).contains("at most 100 are allowed");
                });
    }

    @Test
    void rejectsTooManyItemsAndTooLongRegexes() {
        RuleValidator small = new RuleValidator(new ValidationLimits(10_000, 2, 5));

        assertThat(small.validate(
                                RuleKind.ACCESS_CONTROL,
                                bytes(
                                        "{\"defaultAction\": \"allow\", \"policies\": [{\"name\": \"p\", \"action\": \"deny\","
                                                + " \"callers\": [\"a\", \"b\", \"c\"]}]}"))
                        .violations())
                .extracting(Violation::code, Violation::path)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("GOV-0013", "$.policies[0].callers"));
        assertThat(small.validate(
                                RuleKind.ROUTING,
                                bytes("{\"routes\": [{\"name\": \"r\", \"delegateTo\": \"b\", \"match\": {\"headers\":"
                                        + " [{\"name\": \"h\", \"regex\": \"abcdefgh\"}]}}]}"))
                        .violations())
                .extracting(Violation::code, Violation::path)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("GOV-0006", "$.routes[0].match.headers[0].regex"));
    }

    @Test
    void unknownKindIsReported() {
        assertThat(validator.validate("teleport", bytes("{}")).violations())
                .singleElement()
                .satisfies(v -> assertThat(v.code()).isEqualTo("GOV-0015"));
    }

    @Test
    void findsDelegationLoopsAcrossServices() {
        RoutingRule aToB = delegating("b");
        RoutingRule bToC = delegating("c");
        RoutingRule cToA = delegating("a");

        assertThat(RuleValidator.checkRoutingLoops("a", Map.of("a", aToB, "b", bToC)))
                .isEmpty();
        assertThat(RuleValidator.checkRoutingLoops("a", Map.of("a", aToB, "b", bToC, "c", cToA)))
                .singleElement()
                .satisfies(v -> {
                    assertThat(v.code()).isEqualTo("GOV-0011");
                    assertThat(v.message()).contains("a -> b -> c -> a");
                });
        assertThat(RuleValidator.checkRoutingLoops("a", Map.of("a", delegating("a"))))
                .hasSize(1);
    }

    @Test
    void serviceNames() {
        assertThat(RuleValidator.isValidServiceName("com.example.OrderService:1.0.0"))
                .isTrue();
        assertThat(RuleValidator.isValidServiceName("DEFAULT_GROUP@@orders")).isTrue();
        assertThat(RuleValidator.isValidServiceName("bad name")).isFalse();
        assertThat(RuleValidator.isValidServiceName("")).isFalse();
    }

    private static RoutingRule delegating(String to) {
        return new RoutingRule(null, List.of(new Route("r", null, null, to, null)));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
