package io.dualmode.sidecar.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * Downstream limits: header section size (431 above it), body size (413 above it), and how long an
 * HTTP connection may sit idle (no request in progress) before it is closed.
 */
public record LimitsConfig(int maxHeaderBytes, long maxBodyBytes, Duration idleTimeout) {
    @JsonCreator
    static LimitsConfig of(
            @JsonProperty("maxHeaderBytes") Integer maxHeaderBytes,
            @JsonProperty("maxBodyBytes") Long maxBodyBytes,
            @JsonProperty("idleTimeout") Duration idleTimeout) {
        return new LimitsConfig(
                maxHeaderBytes == null ? 16 * 1024 : maxHeaderBytes,
                maxBodyBytes == null ? 64L * 1024 * 1024 : maxBodyBytes,
                idleTimeout == null ? Duration.ofSeconds(60) : idleTimeout);
    }

    /** 16 KiB of headers, 64 MiB of body, 60 s idle. */
    public static LimitsConfig defaults() {
        return of(null, null, null);
    }
}
