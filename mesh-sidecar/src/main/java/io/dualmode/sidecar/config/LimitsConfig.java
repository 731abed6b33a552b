package io.dualmode.sidecar.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Request limits: header section size (431 above it) and body size (413 above it). */
public record LimitsConfig(int maxHeaderBytes, long maxBodyBytes) {
    @JsonCreator
    static LimitsConfig of(
            @JsonProperty("maxHeaderBytes") Integer maxHeaderBytes, @JsonProperty("maxBodyBytes") Long maxBodyBytes) {
        return new LimitsConfig(
                maxHeaderBytes == null ? 16 * 1024 : maxHeaderBytes,
                maxBodyBytes == null ? 64L * 1024 * 1024 : maxBodyBytes);
    }

    /** 16 KiB of headers, 64 MiB of body. */
    public static LimitsConfig defaults() {
        return of(null, null);
    }
}
