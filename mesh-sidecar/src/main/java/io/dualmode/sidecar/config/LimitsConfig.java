package io.dualmode.sidecar.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * Downstream limits: header section size (431 above it), body size (413 above it), how long an
 * HTTP connection may sit idle (no request in progress) before it is closed, and how many streams
 * one HTTP/2 connection may have open (more are refused with {@code RST_STREAM(REFUSED_STREAM)}).
 */
public record LimitsConfig(int maxHeaderBytes, long maxBodyBytes, Duration idleTimeout, int maxConcurrentStreams) {
    @JsonCreator
    static LimitsConfig of(
            @JsonProperty("maxHeaderBytes") Integer maxHeaderBytes,
            @JsonProperty("maxBodyBytes") Long maxBodyBytes,
            @JsonProperty("idleTimeout") Duration idleTimeout,
            @JsonProperty("maxConcurrentStreams") Integer maxConcurrentStreams) {
        return new LimitsConfig(
                maxHeaderBytes == null ? 16 * 1024 : maxHeaderBytes,
                maxBodyBytes == null ? 64L * 1024 * 1024 : maxBodyBytes,
                idleTimeout == null ? Duration.ofSeconds(60) : idleTimeout,
                maxConcurrentStreams == null ? 1024 : maxConcurrentStreams);
    }

    /** 16 KiB of headers, 64 MiB of body, 60 s idle, 1024 streams per HTTP/2 connection. */
    public static LimitsConfig defaults() {
        return of(null, null, null, null);
    }
}
