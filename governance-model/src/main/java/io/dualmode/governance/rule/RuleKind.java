package io.dualmode.governance.rule;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The kinds of governance rule, each with its identifier on the wire and in URLs, and its record type. */
public enum RuleKind {
    /** Request matching to weighted subsets, header canaries, delegation and mirroring: {@link RoutingRule}. */
    ROUTING("routing", RoutingRule.class),
    /** Request timeout and retries: {@link TimeoutRetryRule}. */
    TIMEOUT_RETRY("timeout-retry", TimeoutRetryRule.class),
    /** Local and cluster-wide QPS limits and adaptive limiting: {@link RateLimitRule}. */
    RATE_LIMIT("rate-limit", RateLimitRule.class),
    /** Circuit breakers and outlier ejection: {@link CircuitBreakerRule}. */
    CIRCUIT_BREAKER("circuit-breaker", CircuitBreakerRule.class),
    /** Injected delays and aborts: {@link FaultInjectionRule}. */
    FAULT_INJECTION("fault-injection", FaultInjectionRule.class),
    /** Allow and deny by caller: {@link AccessControlRule}. */
    ACCESS_CONTROL("access-control", AccessControlRule.class);

    private final String id;
    private final Class<? extends GovernanceRule> type;

    RuleKind(String id, Class<? extends GovernanceRule> type) {
        this.id = id;
        this.type = type;
    }

    /** The identifier on the wire and in URLs, e.g. {@code rate-limit}. */
    @JsonValue
    public String id() {
        return id;
    }

    /** The record type of this kind's documents. */
    public Class<? extends GovernanceRule> type() {
        return type;
    }

    /** The kind with this identifier, if any. */
    public static Optional<RuleKind> fromId(String id) {
        return Arrays.stream(values()).filter(k -> k.id.equals(id)).findFirst();
    }

    /** Every identifier, in declaration order. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(RuleKind::id).toList();
    }
}
