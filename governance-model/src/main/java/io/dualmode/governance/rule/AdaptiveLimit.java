package io.dualmode.governance.rule;

/**
 * Adaptive limiting: the instance rejects calls while its load exceeds any threshold given; at least one is set.
 *
 * @param maxCpuUsage the CPU usage above which calls are shed, greater than 0 and at most 1
 * @param maxSystemLoad the one-minute system load above which calls are shed, greater than 0
 * @param maxConcurrency the calls in flight above which calls are shed, 1 to 1,000,000
 * @param maxAverageRtMillis the average response time above which calls are shed, 1 ms to 1 minute
 */
public record AdaptiveLimit(
        Double maxCpuUsage, Double maxSystemLoad, Integer maxConcurrency, Long maxAverageRtMillis) {}
