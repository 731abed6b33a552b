package io.dualmode.governance.rule;

/**
 * Timeouts and retries for calls to a service.
 *
 * <pre>{@code
 * {"requestTimeoutMillis": 3000,
 *  "retry": {"attempts": 2, "perTryTimeoutMillis": 1000, "retryOn": ["connect-failure", "unavailable"],
 *            "budget": {"budgetPercent": 20, "minRetriesPerSecond": 10}, "backoffMillis": 25}}
 * }</pre>
 *
 * @param requestTimeoutMillis the deadline of the whole call, retries included, 1 ms to 1 hour
 * @param retry how failed attempts are retried; absent means no retries
 */
public record TimeoutRetryRule(Long requestTimeoutMillis, RetryPolicy retry) implements GovernanceRule {

    @Override
    public RuleKind kind() {
        return RuleKind.TIMEOUT_RETRY;
    }
}
