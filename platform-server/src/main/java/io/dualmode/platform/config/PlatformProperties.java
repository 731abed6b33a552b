package io.dualmode.platform.config;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings shared by the whole platform.
 *
 * @param dataDir the directory holding the platform's files: the embedded database ({@code platform/}) and the
 *     embedded registry's data ({@code registry/}); created when missing
 */
@ConfigurationProperties("dualmode")
public record PlatformProperties(Path dataDir) {

    public PlatformProperties {
        dataDir = dataDir == null ? Path.of("data") : dataDir;
    }
}
