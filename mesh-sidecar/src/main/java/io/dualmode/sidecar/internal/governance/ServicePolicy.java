package io.dualmode.sidecar.internal.governance;

import com.alibaba.csp.sentinel.AsyncEntry;
import com.alibaba.csp.sentinel.EntryType;
import com.alibaba.csp.sentinel.SphU;
import com.alibaba.csp.sentinel.slots.block.BlockException;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeException;
import io.dualmode.governance.rule.AccessAction;
import io.dualmode.governance.rule.AccessPolicy;
import io.dualmode.sidecar.config.GovernanceConfig;
import io.dualmode.sidecar.config.SidecarErrors;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The compiled rules of one service, immutable. {@link #admit} runs the filters in order, each skipped when
 * switched off or when the service has no rule of its kind: on the callee's side access control, rate limits, then adaptive limiting;
 * on the caller's side fault abort, circuit breakers, fault delay, routing, then timeout/retry. Runs on the event loop: no blocking, no allocation for a filter
 * without rules.
 */
public final class ServicePolicy {

    private final String service;
    private final GovernanceConfig switches;
    private final Access access;
    private final List<Fault> faults;
    private final List<Guard> limits;
    private final List<Guard> breakers;
    private final RoutingPolicy routing;
    private final long timeoutMillis;
    private final int retries;
    private final boolean retryOnReset;
    private final int retryOn;
    private final long perTryTimeoutMillis;
    private final RetryPace pace;
    /** Set once by the compiler before the policy is published. */
    private AdaptiveLimiter adaptive;

    ServicePolicy(
            String service,
            GovernanceConfig switches,
            Access access,
            List<Fault> faults,
            List<Guard> limits,
            List<Guard> breakers,
            RoutingPolicy routing,
            long timeoutMillis,
            int retries,
            boolean retryOnReset,
            int retryOn,
            long perTryTimeoutMillis,
            RetryPace pace) {
        this.pace = pace;
        this.retryOn = retryOn;
        this.perTryTimeoutMillis = perTryTimeoutMillis;
        this.service = service;
        this.switches = switches;
        this.access = access;
        this.faults = faults;
        this.limits = limits;
        this.breakers = breakers;
        this.routing = routing;
        this.timeoutMillis = timeoutMillis;
        this.retries = retries;
        this.retryOnReset = retryOnReset;
    }

    /** Adds adaptive limiting at ingress; called by the compiler before the snapshot is published. */
    ServicePolicy adaptive(AdaptiveLimiter limiter) {
        this.adaptive = limiter;
        return this;
    }

    /**
     * The verdict on one call. The callee's sidecar ({@code ingress}) enforces access control and rate limits; the
     * caller's sidecar enforces faults, circuit breakers, routing, timeouts and retries.
     */
    public Admission admit(CallView call, boolean ingress) {
        return ingress ? admitIngress(call) : admitEgress(call);
    }

    private Admission admitIngress(CallView call) {
        if (access != null && switches.accessControl()) {
            String caller = call.header(switches.callerHeader());
            if (!access.allows(caller, call)) {
                return Admission.reject(
                        403, SidecarErrors.ACCESS_DENIED, SidecarErrors.ACCESS_DENIED.format(caller, service));
            }
        }
        if (switches.rateLimit() && !limits.isEmpty()) {
            Admission limited = checkLimits(call);
            if (limited != null) {
                return limited;
            }
        }
        if (adaptive != null && switches.rateLimit()) {
            // last: an admitted call is counted in flight until it completes
            return adaptive.admit(System.nanoTime());
        }
        return Admission.PASS;
    }

    private Admission admitEgress(CallView call) {
        Fault fault = switches.faultInjection() ? fault(call) : null;
        if (fault != null && fault.abortStatus > 0 && roll(fault.abortPercent)) {
            return Admission.reject(
                    fault.abortStatus, SidecarErrors.FAULT_ABORT, SidecarErrors.FAULT_ABORT.format(service));
        }
        AsyncEntry[] entries = null;
        if (switches.circuitBreaker() && !breakers.isEmpty()) {
            entries = enterBreakers(call);
            if (entries == null) {
                return Admission.reject(503, SidecarErrors.CIRCUIT_OPEN, SidecarErrors.CIRCUIT_OPEN.format(service));
            }
        }
        long delay = fault != null && fault.delayMillis > 0 && roll(fault.delayPercent) ? fault.delayMillis : 0;
        RoutingPolicy.CompiledRoute route = routing != null && switches.routing() ? routing.route(call) : null;
        Map<String, String> subset = route == null ? null : route.pick();
        Admission.Mirror mirror = route == null ? null : route.mirrorRoll();
        boolean timeouts = switches.timeoutRetry();
        return new Admission(
                0,
                null,
                null,
                delay,
                subset,
                timeouts ? timeoutMillis : -1,
                timeouts ? retries : -1,
                timeouts && retryOnReset,
                entries,
                timeouts ? retryOn : 0,
                timeouts ? perTryTimeoutMillis : -1,
                timeouts ? pace : null,
                mirror);
    }

    private Fault fault(CallView call) {
        for (Fault f : faults) {
            if (f.match.matches(call)) {
                return f;
            }
        }
        return null;
    }

    private Admission checkLimits(CallView call) {
        for (Guard g : limits) {
            if (g.match.matches(call)) {
                if (g.bucket != null) {
                    if (!g.bucket.tryAcquire()) {
                        return Admission.reject(
                                429, SidecarErrors.RATE_LIMITED, SidecarErrors.RATE_LIMITED.format(service));
                    }
                    continue;
                }
                try {
                    SphU.asyncEntry(g.resource, EntryType.IN).exit();
                } catch (BlockException e) {
                    return Admission.reject(
                            429, SidecarErrors.RATE_LIMITED, SidecarErrors.RATE_LIMITED.format(service));
                }
            }
        }
        return null;
    }

    /** Enters every matching breaker; null when one is open (entries already taken are released). */
    private AsyncEntry[] enterBreakers(CallView call) {
        AsyncEntry[] taken = new AsyncEntry[breakers.size()];
        int n = 0;
        for (Guard g : breakers) {
            if (!g.match.matches(call)) {
                continue;
            }
            try {
                taken[n++] = SphU.asyncEntry(g.resource, EntryType.OUT);
            } catch (DegradeException e) {
                for (int i = 0; i < n - 1; i++) {
                    taken[i].exit();
                }
                return null;
            } catch (BlockException e) {
                n--;
            }
        }
        return n == taken.length ? taken : java.util.Arrays.copyOf(taken, n);
    }

    private static boolean roll(double percent) {
        return percent >= 100 || ThreadLocalRandom.current().nextDouble(100) < percent;
    }

    /**
     * A rate limit or a breaker: the calls it counts and its Sentinel resource; a rate limit with a burst is a token
     * bucket of its own instead ({@code bucket}, else null).
     */
    record Guard(RequestMatcher match, String resource, BurstBucket bucket) {
        Guard(RequestMatcher match, String resource) {
            this(match, resource, null);
        }
    }

    /** A compiled fault. */
    record Fault(RequestMatcher match, long delayMillis, double delayPercent, int abortStatus, double abortPercent) {}

    /** A compiled access control rule. */
    record Access(boolean allowByDefault, List<Policy> policies) {

        boolean allows(String caller, CallView call) {
            for (Policy p : policies) {
                if (p.covers(caller, call)) {
                    return p.allow();
                }
            }
            return allowByDefault;
        }

        record Policy(boolean allow, List<String> callers, RequestMatcher methods) {

            static Policy of(AccessPolicy p) {
                return new Policy(
                        p.action() == AccessAction.ALLOW,
                        PolicyCompiler.nn(p.callers()),
                        RequestMatcher.of(new io.dualmode.governance.rule.RequestMatch(p.methods(), List.of())));
            }

            boolean covers(String caller, CallView call) {
                return (callers.contains("*") || (caller != null && callers.contains(caller))) && methods.matches(call);
            }
        }
    }
}
