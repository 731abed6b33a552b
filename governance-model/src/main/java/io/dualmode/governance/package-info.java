/**
 * The governance model shared by the control plane and the sidecar. Starting points: {@link
 * io.dualmode.governance.rule.RuleKind} (the rule kinds and their record types), {@link
 * io.dualmode.governance.validation.RuleValidator} (parsing and validation with machine-readable violations) and
 * {@link io.dualmode.governance.push.PushMessage} (the push protocol's messages).
 */
package io.dualmode.governance;
