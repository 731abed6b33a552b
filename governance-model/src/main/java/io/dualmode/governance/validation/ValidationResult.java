package io.dualmode.governance.validation;

import io.dualmode.governance.rule.GovernanceRule;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of validating a document: the parsed rule when the document could be read, and every violation found.
 *
 * @param rule the parsed rule, absent when the document could not be read at all
 * @param violations the problems found; empty when the rule is valid
 */
public record ValidationResult(Optional<GovernanceRule> rule, List<Violation> violations) {

    public ValidationResult {
        violations = List.copyOf(violations);
    }

    /** True when there is a rule and nothing is wrong with it. */
    public boolean valid() {
        return rule.isPresent() && violations.isEmpty();
    }

    static ValidationResult failed(Violation violation) {
        return new ValidationResult(Optional.empty(), List.of(violation));
    }
}
