package io.dualmode.sidecar.cluster;

import io.dualmode.governance.rule.OutlierDetection;
import java.time.Duration;

/**
 * Outlier ejection set by a {@code circuit-breaker} rule's {@code outlierDetection} for the service's cluster; it
 * replaces the cluster's own {@code outlier} setting while the rule is in force. A host with {@code
 * consecutiveErrors} failures in a row is ejected for {@code baseEjection} times the number of its ejections (at
 * most {@link #MAX_MULTIPLIER} times); the count falls by one for every {@code interval} the host spends back in
 * service without being ejected again.
 *
 * @param consecutiveErrors the failures in a row that eject a host
 * @param interval how long a returned host must stay in service for its ejection count to fall by one
 * @param baseEjection the first ejection's length
 * @param maxEjectionPercent the most hosts of the cluster ejected at once, in percent
 */
public record RuleOutlier(int consecutiveErrors, Duration interval, Duration baseEjection, int maxEjectionPercent) {

    /** The longest ejection, as a multiple of {@code baseEjection}. */
    public static final int MAX_MULTIPLIER = 10;

    /** The rule's settings, with the governance model's defaults for absent fields. */
    public static RuleOutlier of(OutlierDetection d) {
        return new RuleOutlier(
                d.consecutiveErrors() == null ? 5 : d.consecutiveErrors(),
                Duration.ofMillis(d.intervalMillis() == null ? 10_000 : d.intervalMillis()),
                Duration.ofMillis(d.baseEjectionMillis() == null ? 30_000 : d.baseEjectionMillis()),
                d.maxEjectionPercent() == null ? 10 : d.maxEjectionPercent());
    }
}
