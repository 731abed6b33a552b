package io.dualmode.platform.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Users, logins and tokens.
 *
 * @param adminPassword the password of the {@code admin} user created at first start when there is no user; when
 *     absent a random one is generated and printed once in the log
 * @param tokenSecret the HMAC key (Base64, at least 32 bytes) that signs tokens; when absent one is generated at first
 *     start and kept in the database, so every platform instance sharing the database accepts every token
 * @param tokenTtl how long a login token stays valid
 * @param sidecarTokenTtl how long a sidecar token stays valid
 */
@ConfigurationProperties("dualmode.security")
public record SecurityProperties(
        String adminPassword, String tokenSecret, Duration tokenTtl, Duration sidecarTokenTtl) {

    public SecurityProperties {
        tokenTtl = tokenTtl == null ? Duration.ofHours(8) : tokenTtl;
        sidecarTokenTtl = sidecarTokenTtl == null ? Duration.ofDays(365) : sidecarTokenTtl;
    }
}
