package io.dualmode.governance.validation;

import static io.dualmode.governance.validation.Checks.field;

import io.dualmode.governance.rule.AbortFault;
import io.dualmode.governance.rule.AdaptiveLimit;
import io.dualmode.governance.rule.DelayFault;
import io.dualmode.governance.rule.Fault;
import io.dualmode.governance.rule.FaultInjectionRule;
import io.dualmode.governance.rule.RateLimit;
import io.dualmode.governance.rule.RateLimitRule;

/** Checks of rate-limit and fault-injection rules. */
final class TrafficChecks {

    private final Checks checks;

    TrafficChecks(Checks checks) {
        this.checks = checks;
    }

    void check(RateLimitRule rule) {
        if (rule.limits() == null && rule.adaptive() == null) {
            checks.add(ViolationCode.REQUIRED, "$", "sets nothing; set limits, adaptive or both");
        }
        checks.each("$.limits", rule.limits(), this::limit);
        checks.unique("$.limits", rule.limits(), RateLimit::name);
        if (rule.adaptive() != null) {
            adaptive("$.adaptive", rule.adaptive());
        }
    }

    private void limit(String path, RateLimit limit) {
        if (checks.required(field(path, "name"), limit.name())) {
            checks.itemName(field(path, "name"), limit.name());
        }
        MatchChecks.match(checks, field(path, "match"), limit.match());
        checks.required(field(path, "scope"), limit.scope());
        if (checks.required(field(path, "qps"), limit.qps())) {
            checks.range(field(path, "qps"), limit.qps(), 0, false, 1_000_000);
        }
        checks.range(field(path, "burst"), limit.burst(), 0, 1_000_000);
    }

    private void adaptive(String path, AdaptiveLimit a) {
        if (a.maxCpuUsage() == null
                && a.maxSystemLoad() == null
                && a.maxConcurrency() == null
                && a.maxAverageRtMillis() == null) {
            checks.add(
                    ViolationCode.REQUIRED,
                    path,
                    "sets no threshold; set maxCpuUsage, maxSystemLoad, maxConcurrency or maxAverageRtMillis");
        }
        checks.range(field(path, "maxCpuUsage"), a.maxCpuUsage(), 0, false, 1);
        checks.range(field(path, "maxSystemLoad"), a.maxSystemLoad(), 0, false, 10_000);
        checks.range(field(path, "maxConcurrency"), a.maxConcurrency(), 1, 1_000_000);
        checks.range(field(path, "maxAverageRtMillis"), a.maxAverageRtMillis(), 1, 60_000);
    }

    void check(FaultInjectionRule rule) {
        if (checks.required("$.faults", rule.faults()) && rule.faults().isEmpty()) {
            checks.add(ViolationCode.REQUIRED, "$.faults", "is empty; add at least one fault");
        }
        checks.each("$.faults", rule.faults(), this::fault);
    }

    private void fault(String path, Fault fault) {
        MatchChecks.match(checks, field(path, "match"), fault.match());
        if (fault.delay() == null && fault.abort() == null) {
            checks.add(ViolationCode.CONFLICTING_FIELDS, path, "sets neither delay nor abort; set at least one");
        }
        if (fault.delay() != null) {
            delay(field(path, "delay"), fault.delay());
        }
        if (fault.abort() != null) {
            abort(field(path, "abort"), fault.abort());
        }
    }

    private void delay(String path, DelayFault d) {
        if (checks.required(field(path, "fixedDelayMillis"), d.fixedDelayMillis())) {
            checks.range(field(path, "fixedDelayMillis"), d.fixedDelayMillis(), 1, 60_000);
        }
        percent(field(path, "percent"), d.percent());
    }

    private void abort(String path, AbortFault a) {
        if (checks.required(field(path, "status"), a.status())) {
            checks.range(field(path, "status"), a.status(), 400, 599);
        }
        percent(field(path, "percent"), a.percent());
    }

    private void percent(String path, Double percent) {
        if (checks.required(path, percent)) {
            checks.range(path, percent, 0, false, 100);
        }
    }
}
