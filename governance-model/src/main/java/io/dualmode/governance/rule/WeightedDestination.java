package io.dualmode.governance.rule;

/**
 * A share of a route's calls sent to one subset.
 *
 * @param subset the name of a subset defined in the same rule
 * @param weight the percentage of the route's calls, 0 to 100; may be omitted when it is the only destination
 */
public record WeightedDestination(String subset, Integer weight) {}
