package io.dualmode.platform.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Governance rule documents.
 *
 * @param maxDocumentSize the largest rule document accepted; larger ones get 413
 * @param maxListItems the longest list accepted inside a rule document
 * @param syncInterval how often this instance asks the database whether another platform instance sharing it
 *     changed a rule, and pushes such changes to its own sidecars; a change made here is pushed at once
 */
@ConfigurationProperties("dualmode.rules")
public record RulesProperties(DataSize maxDocumentSize, Integer maxListItems, Duration syncInterval) {

    public RulesProperties {
        maxDocumentSize = maxDocumentSize == null ? DataSize.ofKilobytes(64) : maxDocumentSize;
        maxListItems = maxListItems == null ? 256 : maxListItems;
        syncInterval = syncInterval == null ? Duration.ofMillis(500) : syncInterval;
        if (syncInterval.isNegative() || syncInterval.isZero()) {
            throw new IllegalArgumentException("dualmode.rules.sync-interval must be positive, was " + syncInterval);
        }
    }
}
