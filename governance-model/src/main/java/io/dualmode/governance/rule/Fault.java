package io.dualmode.governance.rule;

/**
 * A delay, an abort, or both, for the calls a match accepts; at least one of them is set.
 *
 * @param match the calls affected; absent means every call
 * @param delay a delay added before the call is forwarded
 * @param abort an error answered instead of forwarding the call
 */
public record Fault(RequestMatch match, DelayFault delay, AbortFault abort) {}
