package io.dualmode.governance.rule;

/**
 * One circuit breaker: it opens when the strategy's statistic over a window crosses the threshold, stays open for
 * {@code openMillis}, then lets one probe through.
 *
 * @param name a name unique within the rule
 * @param match the calls counted and cut off; absent means every call
 * @param strategy what is measured
 * @param threshold for ratios a number greater than 0 and at most 1, for {@code error-count} a whole number of
 *     errors at least 1
 * @param slowCallMillis the response time above which a call is slow; required by {@code slow-call-ratio} only
 * @param minRequests the calls needed in a window before the breaker may open, 1 to 1,000,000
 * @param windowMillis the statistics window, 1 s to 1 hour
 * @param openMillis how long the breaker stays open, 1 ms to 1 hour
 */
public record CircuitBreaker(
        String name,
        RequestMatch match,
        BreakerStrategy strategy,
        Double threshold,
        Long slowCallMillis,
        Integer minRequests,
        Long windowMillis,
        Long openMillis) {}
