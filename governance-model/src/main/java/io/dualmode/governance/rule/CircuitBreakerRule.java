package io.dualmode.governance.rule;

import java.util.List;

/**
 * Circuit breakers and outlier ejection for calls to a service.
 *
 * <pre>{@code
 * {"breakers": [{"name": "errors", "strategy": "error-ratio", "threshold": 0.5, "minRequests": 20,
 *                "windowMillis": 10000, "openMillis": 5000}],
 *  "outlierDetection": {"consecutiveErrors": 5, "intervalMillis": 10000, "baseEjectionMillis": 30000,
 *                       "maxEjectionPercent": 50}}
 * }</pre>
 *
 * @param breakers circuit breakers; a call is rejected while any breaker whose match accepts it is open
 * @param outlierDetection ejection of misbehaving instances from load balancing, or absent
 */
public record CircuitBreakerRule(List<CircuitBreaker> breakers, OutlierDetection outlierDetection)
        implements GovernanceRule {

    public CircuitBreakerRule {
        breakers = Copies.list(breakers);
    }

    @Override
    public RuleKind kind() {
        return RuleKind.CIRCUIT_BREAKER;
    }
}
