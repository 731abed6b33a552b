package io.dualmode.governance.rule;

import java.util.List;

/**
 * Rate limits on calls to a service, and adaptive limiting driven by the instance's own load.
 *
 * <pre>{@code
 * {"limits": [{"name": "orders", "match": {"methods": ["createOrder"]}, "scope": "cluster", "qps": 500},
 *             {"name": "all", "scope": "local", "qps": 100, "burst": 20}],
 *  "adaptive": {"maxCpuUsage": 0.8, "maxConcurrency": 200}}
 * }</pre>
 *
 * @param limits QPS limits; a call counts against every limit whose match accepts it
 * @param adaptive load-driven limiting of the instance, or absent
 */
public record RateLimitRule(List<RateLimit> limits, AdaptiveLimit adaptive) implements GovernanceRule {

    public RateLimitRule {
        limits = Copies.list(limits);
    }

    @Override
    public RuleKind kind() {
        return RuleKind.RATE_LIMIT;
    }
}
