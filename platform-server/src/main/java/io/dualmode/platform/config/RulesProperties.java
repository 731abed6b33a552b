package io.dualmode.platform.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Governance rule documents.
 *
 * @param maxDocumentSize the largest rule document accepted; larger ones get 413
 * @param maxListItems the longest list accepted inside a rule document
 */
@ConfigurationProperties("dualmode.rules")
public record RulesProperties(DataSize maxDocumentSize, Integer maxListItems) {

    public RulesProperties {
        maxDocumentSize = maxDocumentSize == null ? DataSize.ofKilobytes(64) : maxDocumentSize;
        maxListItems = maxListItems == null ? 256 : maxListItems;
    }
}
