package io.dualmode.governance.rule;

import java.util.List;

/**
 * One access policy.
 *
 * @param name a name unique within the rule
 * @param action allow or deny
 * @param callers the caller identities (application or service names, or {@code spiffe://} identities) this policy
 *     covers; {@code *} means any caller
 * @param methods the methods covered; absent or empty means any
 */
public record AccessPolicy(String name, AccessAction action, List<String> callers, List<String> methods) {

    public AccessPolicy {
        callers = Copies.list(callers);
        methods = Copies.list(methods);
    }
}
