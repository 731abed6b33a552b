package io.dualmode.platform.rules;

import io.dualmode.governance.rule.RuleKind;

/**
 * A committed change of one rule, as the push path sees it.
 *
 * @param kind the rule kind
 * @param service the service the rule applies to
 * @param version the new version
 * @param deleted whether the change deleted the rule
 * @param document the canonical JSON document of the new version; null when deleted
 */
public record RuleChange(RuleKind kind, String service, long version, boolean deleted, String document) {

    static RuleChange of(StoredRule rule) {
        return new RuleChange(
                RuleKind.fromId(rule.kind()).orElseThrow(),
                rule.service(),
                rule.version(),
                rule.deleted(),
                rule.document());
    }
}
