package io.dualmode.governance.validation;

import static io.dualmode.governance.validation.Checks.field;

import io.dualmode.governance.rule.BreakerStrategy;
import io.dualmode.governance.rule.CircuitBreaker;
import io.dualmode.governance.rule.CircuitBreakerRule;
import io.dualmode.governance.rule.OutlierDetection;
import io.dualmode.governance.rule.RetryBudget;
import io.dualmode.governance.rule.RetryPolicy;
import io.dualmode.governance.rule.TimeoutRetryRule;

/** Checks of timeout/retry and circuit-breaker rules. */
final class ResilienceChecks {

    private static final long HOUR = 3_600_000L;
    private static final long MINUTE = 60_000L;

    private final Checks checks;

    ResilienceChecks(Checks checks) {
        this.checks = checks;
    }

    void check(TimeoutRetryRule rule) {
        if (rule.requestTimeoutMillis() == null && rule.retry() == null) {
            checks.add(ViolationCode.REQUIRED, "$", "sets nothing; set requestTimeoutMillis, retry or both");
        }
        checks.range("$.requestTimeoutMillis", rule.requestTimeoutMillis(), 1, HOUR);
        if (rule.retry() != null) {
            retry("$.retry", rule.retry(), rule.requestTimeoutMillis());
        }
    }

    private void retry(String path, RetryPolicy retry, Long requestTimeout) {
        if (checks.required(field(path, "attempts"), retry.attempts())) {
            checks.range(field(path, "attempts"), retry.attempts(), 0, 10);
        }
        checks.range(field(path, "perTryTimeoutMillis"), retry.perTryTimeoutMillis(), 1, HOUR);
        if (retry.perTryTimeoutMillis() != null
                && requestTimeout != null
                && retry.perTryTimeoutMillis() > requestTimeout) {
            checks.add(
                    ViolationCode.OUT_OF_RANGE,
                    field(path, "perTryTimeoutMillis"),
                    "is " + retry.perTryTimeoutMillis() + "; must not exceed requestTimeoutMillis (" + requestTimeout
                            + ")");
        }
        if (checks.required(field(path, "retryOn"), retry.retryOn())
                && retry.retryOn().isEmpty()) {
            checks.add(ViolationCode.REQUIRED, field(path, "retryOn"), "is empty; name at least one condition");
        }
        checks.each(field(path, "retryOn"), retry.retryOn(), (p, c) -> {});
        checks.range(field(path, "backoffMillis"), retry.backoffMillis(), 0, 10_000);
        if (retry.budget() != null) {
            budget(field(path, "budget"), retry.budget());
        }
    }

    private void budget(String path, RetryBudget budget) {
        if (checks.required(field(path, "budgetPercent"), budget.budgetPercent())) {
            checks.range(field(path, "budgetPercent"), budget.budgetPercent(), 0, 100);
        }
        checks.range(field(path, "minRetriesPerSecond"), budget.minRetriesPerSecond(), 0, 10_000);
    }

    void check(CircuitBreakerRule rule) {
        if (rule.breakers() == null && rule.outlierDetection() == null) {
            checks.add(ViolationCode.REQUIRED, "$", "sets nothing; set breakers, outlierDetection or both");
        }
        checks.each("$.breakers", rule.breakers(), this::breaker);
        checks.unique("$.breakers", rule.breakers(), CircuitBreaker::name);
        if (rule.outlierDetection() != null) {
            outlier("$.outlierDetection", rule.outlierDetection());
        }
    }

    private void breaker(String path, CircuitBreaker b) {
        if (checks.required(field(path, "name"), b.name())) {
            checks.itemName(field(path, "name"), b.name());
        }
        MatchChecks.match(checks, field(path, "match"), b.match());
        checks.required(field(path, "strategy"), b.strategy());
        if (checks.required(field(path, "threshold"), b.threshold())) {
            if (b.strategy() == BreakerStrategy.ERROR_COUNT) {
                checks.range(field(path, "threshold"), b.threshold(), 1, 1_000_000);
            } else {
                checks.range(field(path, "threshold"), b.threshold(), 0, false, 1);
            }
        }
        if (b.strategy() == BreakerStrategy.SLOW_CALL_RATIO) {
            checks.required(field(path, "slowCallMillis"), b.slowCallMillis());
        }
        checks.range(field(path, "slowCallMillis"), b.slowCallMillis(), 1, MINUTE);
        checks.range(field(path, "minRequests"), b.minRequests(), 1, 1_000_000);
        checks.range(field(path, "windowMillis"), b.windowMillis(), 1_000, HOUR);
        if (checks.required(field(path, "openMillis"), b.openMillis())) {
            checks.range(field(path, "openMillis"), b.openMillis(), 1, HOUR);
        }
    }

    private void outlier(String path, OutlierDetection o) {
        if (checks.required(field(path, "consecutiveErrors"), o.consecutiveErrors())) {
            checks.range(field(path, "consecutiveErrors"), o.consecutiveErrors(), 1, 1_000);
        }
        checks.range(field(path, "intervalMillis"), o.intervalMillis(), 100, HOUR);
        checks.range(field(path, "baseEjectionMillis"), o.baseEjectionMillis(), 100, HOUR);
        checks.range(field(path, "maxEjectionPercent"), o.maxEjectionPercent(), 0, 100);
    }
}
