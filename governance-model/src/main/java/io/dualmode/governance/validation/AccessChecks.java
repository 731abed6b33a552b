package io.dualmode.governance.validation;

import static io.dualmode.governance.validation.Checks.field;

import io.dualmode.governance.rule.AccessControlRule;
import io.dualmode.governance.rule.AccessPolicy;

/** Checks of access-control rules. */
final class AccessChecks {

    private final Checks checks;

    AccessChecks(Checks checks) {
        this.checks = checks;
    }

    void check(AccessControlRule rule) {
        checks.required("$.defaultAction", rule.defaultAction());
        checks.each("$.policies", rule.policies(), this::policy);
        checks.unique("$.policies", rule.policies(), AccessPolicy::name);
    }

    private void policy(String path, AccessPolicy policy) {
        if (checks.required(field(path, "name"), policy.name())) {
            checks.itemName(field(path, "name"), policy.name());
        }
        checks.required(field(path, "action"), policy.action());
        if (checks.required(field(path, "callers"), policy.callers())
                && policy.callers().isEmpty()) {
            checks.add(ViolationCode.REQUIRED, field(path, "callers"), "is empty; name at least one caller or '*'");
        }
        checks.each(field(path, "callers"), policy.callers(), this::caller);
        checks.each(field(path, "methods"), policy.methods(), checks::text);
    }

    private void caller(String path, String caller) {
        if (!"*".equals(caller) && !caller.startsWith("spiffe://")) {
            checks.serviceName(path, caller);
        } else {
            checks.text(path, caller);
        }
    }
}
