/**
 * Governance rules: the REST API under {@code /api/v1/rules} (create, read, update, delete per kind and service,
 * history and rollback), validated with the governance model's validator, versioned with optimistic concurrency and
 * audited in the same transaction. Starting points: {@link io.dualmode.platform.rules.RuleController}, {@link
 * io.dualmode.platform.rules.RuleService}.
 */
package io.dualmode.platform.rules;
