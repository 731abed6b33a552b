/** The governance rules as immutable records, one top-level record per {@link io.dualmode.governance.rule.RuleKind}. */
package io.dualmode.governance.rule;
