package io.dualmode.governance.rule;

/**
 * An injected error reply, written in the call's own protocol (the RPC protocols map the status to their nearest
 * error).
 *
 * @param status the HTTP status answered, 400 to 599
 * @param percent the share of calls aborted, greater than 0 and at most 100
 */
public record AbortFault(Integer status, Double percent) {}
