package io.dualmode.platform.config;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings shared by the whole platform.
 *
 * @param dataDir the directory holding the platform's files: the embedded database ({@code platform/}) and the
 *     embedded registry's data ({@code registry/}); created when missing
 * @param syncInterval how often this instance syncs through the database with the other platform instances sharing
 *     it: it pushes the rule changes made through them to its own sidecars, and publishes its sidecars' statuses
 *     while reading theirs; a change made through this instance is pushed to its own sidecars at once
 */
@ConfigurationProperties("dualmode")
public record PlatformProperties(Path dataDir, Duration syncInterval) {

    public PlatformProperties {
        dataDir = dataDir == null ? Path.of("data") : dataDir;
        syncInterval = syncInterval == null ? Duration.ofMillis(500) : syncInterval;
        if (syncInterval.isNegative() || syncInterval.isZero()) {
            throw new IllegalArgumentException("dualmode.sync-interval must be positive, was " + syncInterval);
        }
    }
}
