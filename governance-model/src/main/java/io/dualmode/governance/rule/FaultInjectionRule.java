package io.dualmode.governance.rule;

import java.util.List;

/**
 * Faults injected into calls to a service, for testing resilience.
 *
 * <pre>{@code
 * {"faults": [{"match": {"methods": ["pay"]}, "delay": {"fixedDelayMillis": 200, "percent": 10},
 *              "abort": {"status": 503, "percent": 1}}]}
 * }</pre>
 *
 * @param faults the faults; the first whose match accepts a call applies
 */
public record FaultInjectionRule(List<Fault> faults) implements GovernanceRule {

    public FaultInjectionRule {
        faults = Copies.list(faults);
    }

    @Override
    public RuleKind kind() {
        return RuleKind.FAULT_INJECTION;
    }
}
