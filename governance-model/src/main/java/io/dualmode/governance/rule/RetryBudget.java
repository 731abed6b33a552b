package io.dualmode.governance.rule;

/**
 * A cap on retries: at any time retries may add at most {@code budgetPercent} of the live requests, but at least
 * {@code minRetriesPerSecond} per second are always allowed.
 *
 * @param budgetPercent retries as a percentage of active requests, 0 to 100
 * @param minRetriesPerSecond retries always allowed per second, 0 to 10,000
 */
public record RetryBudget(Double budgetPercent, Integer minRetriesPerSecond) {}
