package io.dualmode.sidecar.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Where the admin endpoint listens; 127.0.0.1 only by default. Port -1 disables it. */
public record AdminConfig(String address, int port) {
    @JsonCreator
    static AdminConfig of(@JsonProperty("address") String address, @JsonProperty("port") Integer port) {
        return new AdminConfig(address == null ? "127.0.0.1" : address, port == null ? 15000 : port);
    }

    /** 127.0.0.1:15000. */
    public static AdminConfig defaults() {
        return of(null, null);
    }
}
