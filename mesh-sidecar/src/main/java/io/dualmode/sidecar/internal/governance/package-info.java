/**
 * Governance rules compiled for the request path: one immutable {@link
 * io.dualmode.sidecar.internal.governance.GovernanceSnapshot} per pushed configuration, holding per service the
 * filters (access control, fault injection, rate limits and circuit breakers with Sentinel, routing to subsets,
 * timeouts and retries) that admit each call.
 */
package io.dualmode.sidecar.internal.governance;
