package io.dualmode.governance.rule;

/**
 * Traffic mirroring: a copy of a percentage of calls is sent to a subset and its replies are dropped.
 *
 * @param subset the name of a subset defined in the same rule
 * @param percent the share of calls copied, greater than 0 and at most 100
 */
public record Mirror(String subset, Double percent) {}
