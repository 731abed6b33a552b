package io.dualmode.governance.rule;

/**
 * One governance rule document: the whole configuration of one {@link RuleKind} for one service. The service it
 * applies to is not part of the document; it is the resource's scope (see {@code ResourceKey}).
 */
public sealed interface GovernanceRule
        permits RoutingRule,
                TimeoutRetryRule,
                RateLimitRule,
                CircuitBreakerRule,
                FaultInjectionRule,
                AccessControlRule {

    /** The kind of this rule. */
    RuleKind kind();
}
