package io.dualmode.governance.validation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import io.dualmode.governance.rule.AccessControlRule;
import io.dualmode.governance.rule.CircuitBreakerRule;
import io.dualmode.governance.rule.FaultInjectionRule;
import io.dualmode.governance.rule.GovernanceRule;
import io.dualmode.governance.rule.RateLimitRule;
import io.dualmode.governance.rule.RoutingRule;
import io.dualmode.governance.rule.RuleKind;
import io.dualmode.governance.rule.TimeoutRetryRule;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and validates rule documents. Reading is strict (see {@link GovernanceJson}) and stops at the first problem
 * it meets; the checks of a document that could be read report every problem. Thread-safe.
 *
 * <pre>{@code
 * ValidationResult result = new RuleValidator().validate(RuleKind.ROUTING, bytes);
 * if (!result.valid()) {
 *     result.violations().forEach(v -> log.warn("{} {} {}", v.code(), v.path(), v.message()));
 * }
 * }</pre>
 */
public final class RuleValidator {

    private final ValidationLimits limits;

    /** A validator with {@link ValidationLimits#DEFAULTS}. */
    public RuleValidator() {
        this(ValidationLimits.DEFAULTS);
    }

    /** A validator with the given limits. */
    public RuleValidator(ValidationLimits limits) {
        this.limits = limits;
    }

    /** The limits this validator applies. */
    public ValidationLimits limits() {
        return limits;
    }

    /** Reads a UTF-8 JSON document of the kind named {@code kindId} (e.g. {@code routing}) and checks it. */
    public ValidationResult validate(String kindId, byte[] json) {
        Optional<RuleKind> kind = RuleKind.fromId(kindId);
        if (kind.isEmpty()) {
            return ValidationResult.failed(Violation.of(
                    ViolationCode.UNKNOWN_KIND,
                    "$",
                    "'" + kindId + "' is not a rule kind; use one of " + RuleKind.ids()));
        }
        return validate(kind.get(), json);
    }

    /** Reads a UTF-8 JSON document of {@code kind} and checks it. */
    public ValidationResult validate(RuleKind kind, byte[] json) {
        if (json.length > limits.maxDocumentBytes()) {
            return ValidationResult.failed(Violation.of(
                    ViolationCode.DOCUMENT_TOO_LARGE,
                    "$",
                    "is " + json.length + " bytes; at most " + limits.maxDocumentBytes() + " are allowed"));
        }
        GovernanceRule rule;
        try {
            JsonNode tree = GovernanceJson.mapper().readTree(json);
            if (tree == null || !tree.isObject()) {
                return ValidationResult.failed(Violation.of(
                        ViolationCode.MALFORMED_DOCUMENT, "$", "is not a JSON object; send one JSON object"));
            }
            rule = GovernanceJson.mapper().treeToValue(tree, kind.type());
        } catch (StreamReadException e) {
            return ValidationResult.failed(ParseErrors.malformed(e));
        } catch (JsonProcessingException e) {
            return ValidationResult.failed(ParseErrors.toViolation(e));
        } catch (IOException e) {
            throw new IllegalStateException("reading from a byte array cannot fail this way", e);
        }
        if (rule == null) {
            return ValidationResult.failed(
                    Violation.of(ViolationCode.MALFORMED_DOCUMENT, "$", "is null; send a JSON object"));
        }
        return new ValidationResult(Optional.of(rule), check(rule));
    }

    /** Checks a document already held as a JSON tree, as it arrives inside a push resource. */
    public ValidationResult validate(RuleKind kind, JsonNode json) {
        try {
            return validate(kind, GovernanceJson.mapper().writeValueAsBytes(json));
        } catch (JsonProcessingException e) {
            return ValidationResult.failed(ParseErrors.toViolation(e));
        }
    }

    /** Checks a rule built in code; returns every violation, empty when it is valid. */
    public List<Violation> check(GovernanceRule rule) {
        Checks checks = new Checks(limits);
        if (rule instanceof RoutingRule r) {
            new RoutingChecks(checks).check(r);
        } else if (rule instanceof TimeoutRetryRule r) {
            new ResilienceChecks(checks).check(r);
        } else if (rule instanceof CircuitBreakerRule r) {
            new ResilienceChecks(checks).check(r);
        } else if (rule instanceof RateLimitRule r) {
            new TrafficChecks(checks).check(r);
        } else if (rule instanceof FaultInjectionRule r) {
            new TrafficChecks(checks).check(r);
        } else if (rule instanceof AccessControlRule r) {
            new AccessChecks(checks).check(r);
        }
        return List.copyOf(checks.violations());
    }

    /**
     * Checks that the routing of {@code service}, together with the routing rules of other services, has no
     * delegation loop through {@code service}. {@code rulesByService} holds every service's routing rule as it
     * would be after the change, including {@code service}'s own.
     */
    public static List<Violation> checkRoutingLoops(String service, Map<String, RoutingRule> rulesByService) {
        return new RoutingLoops(rulesByService)
                .loopThrough(service)
                .map(loop -> List.of(Violation.of(
                        ViolationCode.ROUTING_LOOP,
                        "$.routes",
                        "delegation loops back: " + String.join(" -> ", loop) + "; remove a delegateTo along the way")))
                .orElse(List.of());
    }

    /** Whether a service name is one rules can be attached to. */
    public static boolean isValidServiceName(String service) {
        return service != null && Checks.SERVICE_NAME.matcher(service).matches();
    }
}
