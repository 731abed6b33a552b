package io.dualmode.platform.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.dualmode.governance.rule.GovernanceRule;
import io.dualmode.governance.rule.RoutingRule;
import io.dualmode.governance.rule.RuleKind;
import io.dualmode.governance.validation.GovernanceJson;
import io.dualmode.governance.validation.RuleValidator;
import io.dualmode.governance.validation.ValidationLimits;
import io.dualmode.governance.validation.ValidationResult;
import io.dualmode.governance.validation.Violation;
import io.dualmode.platform.config.RulesProperties;
import io.dualmode.platform.web.ApiException;
import io.dualmode.platform.web.ErrorBody;
import io.dualmode.platform.web.PlatformError;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** Turns request bodies into valid, canonical rule documents, or into the 4xx that says what to fix. */
@Component
final class RuleDocuments {

    private final RuleValidator validator;

    RuleDocuments(RulesProperties properties) {
        this.validator = new RuleValidator(
                new ValidationLimits((int) properties.maxDocumentSize().toBytes(), properties.maxListItems(), 1024));
    }

    int maxBytes() {
        return validator.limits().maxDocumentBytes();
    }

    static RuleKind kind(String id) {
        return RuleKind.fromId(id)
                .orElseThrow(() -> new ApiException(
                        PlatformError.UNKNOWN_RULE_KIND,
                        "'" + id + "' is not a rule kind; use one of " + RuleKind.ids()));
    }

    static void checkService(String service) {
        if (!RuleValidator.isValidServiceName(service)) {
            throw new ApiException(
                    PlatformError.INVALID_SERVICE_NAME,
                    "'" + service + "' is not a valid service name; use letters, digits and '_.:@-', at most 255");
        }
    }

    /** The validated rule; throws the 400 (or 413) listing every problem. */
    GovernanceRule parse(RuleKind kind, byte[] body) {
        ValidationResult result = validator.validate(kind, body);
        if (!result.valid()) {
            throw invalid(kind, result.violations());
        }
        return result.rule().orElseThrow();
    }

    GovernanceRule parse(RuleKind kind, String document) {
        return parse(kind, document.getBytes(StandardCharsets.UTF_8));
    }

    /** Rejects a routing change that would close a delegation loop. */
    static void checkLoops(String service, Map<String, RoutingRule> routingAfterChange) {
        List<Violation> loops = RuleValidator.checkRoutingLoops(service, routingAfterChange);
        if (!loops.isEmpty()) {
            throw invalid(RuleKind.ROUTING, loops);
        }
    }

    static String canonical(GovernanceRule rule) {
        try {
            return GovernanceJson.mapper().writeValueAsString(rule);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a valid rule is always serialisable", e);
        }
    }

    private static ApiException invalid(RuleKind kind, List<Violation> violations) {
        List<ErrorBody.FieldError> errors = violations.stream()
                .map(v -> new ErrorBody.FieldError(v.code(), v.path(), v.message()))
                .toList();
        boolean tooLarge = violations.stream().anyMatch(v -> v.code().equals("GOV-0002"));
        PlatformError error = tooLarge ? PlatformError.DOCUMENT_TOO_LARGE : PlatformError.INVALID_RULE;
        String message = "the " + kind.id() + " rule is invalid: " + violations.size()
                + (violations.size() == 1 ? " problem" : " problems") + "; fix each one listed in errors";
        return new ApiException(error, message, errors);
    }
}
