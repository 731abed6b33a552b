package io.dualmode.governance.rule;

import java.util.List;

/**
 * How failed attempts are retried.
 *
 * @param attempts retries after the first attempt, 0 to 10
 * @param perTryTimeoutMillis the deadline of each attempt; at most the request timeout
 * @param retryOn the failures that are retried; at least one
 * @param budget the cap on retries relative to live traffic, so retries cannot amplify an outage
 * @param backoffMillis the base of the jittered exponential back-off between attempts, 0 to 10 s
 */
public record RetryPolicy(
        Integer attempts,
        Long perTryTimeoutMillis,
        List<RetryCondition> retryOn,
        RetryBudget budget,
        Long backoffMillis) {

    public RetryPolicy {
        retryOn = Copies.list(retryOn);
    }
}
