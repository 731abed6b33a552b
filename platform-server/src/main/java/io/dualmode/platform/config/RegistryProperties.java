package io.dualmode.platform.config;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The embedded registry.
 *
 * @param enabled whether the platform starts the embedded registry in-process; {@code false} when the fleet uses an
 *     external Nacos cluster instead
 * @param host the address the registry binds to
 * @param port the registry's HTTP port (Nacos clients use this port + 1000 for gRPC); 0 picks free ports
 * @param dataDir where the registry keeps its data; defaults to {@code registry} under {@code dualmode.data-dir}
 */
@ConfigurationProperties("dualmode.registry")
public record RegistryProperties(Boolean enabled, String host, Integer port, Path dataDir) {

    public RegistryProperties {
        enabled = enabled == null || enabled;
        host = host == null ? "0.0.0.0" : host;
        port = port == null ? 8848 : port;
    }
}
