package io.dualmode.sidecar.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A service the local application provides: ingress traffic for {@code name} goes to {@code
 * address:port} (127.0.0.1 by default).
 */
public record LocalServiceConfig(String name, String address, int port) {
    @JsonCreator
    public static LocalServiceConfig of(
            @JsonProperty("name") String name,
            @JsonProperty("address") String address,
            @JsonProperty("port") Integer port) {
        return new LocalServiceConfig(name, address == null ? "127.0.0.1" : address, port == null ? -1 : port);
    }
}
