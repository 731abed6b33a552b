package io.dualmode.governance.rule;

import java.util.List;

/**
 * Which callers may call a service: the first policy whose callers and methods accept a call decides; calls no
 * policy accepts get {@code defaultAction}.
 *
 * <pre>{@code
 * {"defaultAction": "deny",
 *  "policies": [{"name": "frontends", "action": "allow", "callers": ["web-gateway", "mobile-bff"]},
 *               {"name": "no-refunds", "action": "deny", "callers": ["*"], "methods": ["refund"]}]}
 * }</pre>
 *
 * @param defaultAction what happens to calls no policy accepts
 * @param policies the policies, tried in order
 */
public record AccessControlRule(AccessAction defaultAction, List<AccessPolicy> policies) implements GovernanceRule {

    public AccessControlRule {
        policies = Copies.list(policies);
    }

    @Override
    public RuleKind kind() {
        return RuleKind.ACCESS_CONTROL;
    }
}
