package io.dualmode.platform.migration;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The body of {@code POST /api/v1/migrations}.
 *
 * @param name a label for people; defaults to {@code "<service> to <targetMode>"}
 * @param service the registry service whose instances move
 * @param namespace its namespace, {@code public} when absent
 * @param group its group, {@code DEFAULT_GROUP} when absent
 * @param targetMode {@code mesh} or {@code sdk}
 * @param selector exactly one of: instance addresses, labels every chosen instance carries, a percentage
 * @param batchSize instances switched together, 1 when absent
 * @param pauseSeconds how long each batch is watched before the next, 30 when absent
 * @param thresholds when to stop; {@code maxErrorRate} 0.05 and {@code minRequests} 10 when absent
 * @param onBreach {@code rollback} (the default) or {@code pause}
 * @param start whether to start at once, true when absent
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record PlanRequest(
        String name,
        String service,
        String namespace,
        String group,
        String targetMode,
        MigrationPlan.Selector selector,
        Integer batchSize,
        Integer pauseSeconds,
        MigrationPlan.Thresholds thresholds,
        String onBreach,
        Boolean start) {}
