package io.dualmode.governance.rule;

/**
 * One QPS limit.
 *
 * @param name a name unique within the rule
 * @param match the calls counted; absent means every call
 * @param scope whether the limit is per instance or shared by the whole service
 * @param qps the permitted calls per second, greater than 0 and at most 1,000,000
 * @param burst calls allowed above the rate in a burst, 0 to 1,000,000; absent means 0
 */
public record RateLimit(String name, RequestMatch match, LimitScope scope, Double qps, Integer burst) {}
