package io.dualmode.governance.validation;

import io.dualmode.governance.rule.RuleKind;
import java.util.Map;

/** One valid document per rule kind, as an operator would write it. */
final class Examples {

    static final String ROUTING =
            """
            {"subsets": [{"name": "v1", "labels": {"version": "1"}},
                         {"name": "v2", "labels": {"version": "2", "zone": "eu-1"}}],
             "routes": [{"name": "canary", "match": {"methods": ["pay"],
                                                    "headers": [{"name": "x-canary", "exact": "true"},
                                                                {"name": "x-user", "regex": "u-[0-9]+"}]},
                         "destinations": [{"subset": "v2"}]},
                        {"name": "default", "destinations": [{"subset": "v1", "weight": 90},
                                                              {"subset": "v2", "weight": 10}],
                         "mirror": {"subset": "v2", "percent": 5}}]}
            """;

    static final String TIMEOUT_RETRY =
            """
            {"requestTimeoutMillis": 3000,
             "retry": {"attempts": 2, "perTryTimeoutMillis": 1000, "retryOn": ["connect-failure", "unavailable"],
                       "budget": {"budgetPercent": 20, "minRetriesPerSecond": 10}, "backoffMillis": 25}}
            """;

    static final String RATE_LIMIT =
            """
            {"limits": [{"name": "orders", "match": {"methods": ["createOrder"]}, "scope": "cluster", "qps": 500},
                        {"name": "all", "scope": "local", "qps": 100, "burst": 20}],
             "adaptive": {"maxCpuUsage": 0.8, "maxConcurrency": 200}}
            """;

    static final String CIRCUIT_BREAKER =
            """
            {"breakers": [{"name": "errors", "strategy": "error-ratio", "threshold": 0.5, "minRequests": 20,
                           "windowMillis": 10000, "openMillis": 5000},
                          {"name": "slow", "strategy": "slow-call-ratio", "threshold": 0.3, "slowCallMillis": 200,
                           "openMillis": 5000}],
             "outlierDetection": {"consecutiveErrors": 5, "intervalMillis": 10000, "baseEjectionMillis": 30000,
                                  "maxEjectionPercent": 50}}
            """;

    static final String FAULT_INJECTION =
            """
            {"faults": [{"match": {"methods": ["pay"]}, "delay": {"fixedDelayMillis": 200, "percent": 10},
                         "abort": {"status": 503, "percent": 1}}]}
            """;

    static final String ACCESS_CONTROL =
            """
            {"defaultAction": "deny",
             "policies": [{"name": "frontends", "action": "allow", "callers": ["web-gateway", "mobile-bff"]},
                          {"name": "no-refunds", "action": "deny", "callers": ["*"], "methods": ["refund"]}]}
            """;

    static final Map<RuleKind, String> BY_KIND = Map.of(
            RuleKind.ROUTING, ROUTING,
            RuleKind.TIMEOUT_RETRY, TIMEOUT_RETRY,
            RuleKind.RATE_LIMIT, RATE_LIMIT,
            RuleKind.CIRCUIT_BREAKER, CIRCUIT_BREAKER,
            RuleKind.FAULT_INJECTION, FAULT_INJECTION,
            RuleKind.ACCESS_CONTROL, ACCESS_CONTROL);

    private Examples() {}
}
