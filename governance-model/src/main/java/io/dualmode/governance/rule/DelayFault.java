package io.dualmode.governance.rule;

/**
 * An injected delay.
 *
 * @param fixedDelayMillis the delay, 1 ms to 1 minute
 * @param percent the share of calls delayed, greater than 0 and at most 100
 */
public record DelayFault(Long fixedDelayMillis, Double percent) {}
