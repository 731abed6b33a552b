package io.dualmode.governance.rule;

/**
 * Outlier ejection: an instance with {@code consecutiveErrors} failures in a row is taken out of load balancing for
 * {@code baseEjectionMillis} times the number of times it has been ejected.
 *
 * @param consecutiveErrors the failures in a row that eject an instance, 1 to 1,000
 * @param intervalMillis how often ejections are reviewed, 100 ms to 1 hour
 * @param baseEjectionMillis the first ejection's length, 100 ms to 1 hour
 * @param maxEjectionPercent the most instances of the service ejected at once, 0 to 100
 */
public record OutlierDetection(
        Integer consecutiveErrors, Long intervalMillis, Long baseEjectionMillis, Integer maxEjectionPercent) {}
