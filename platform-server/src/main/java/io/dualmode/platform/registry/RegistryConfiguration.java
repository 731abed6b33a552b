package io.dualmode.platform.registry;

import io.dualmode.platform.config.PlatformProperties;
import io.dualmode.platform.config.RegistryProperties;
import io.dualmode.registry.RegistryServer;
import java.nio.file.Path;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Starts the embedded registry in-process unless {@code dualmode.registry.enabled=false}. */
@Configuration(proxyBeanMethods = false)
class RegistryConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(prefix = "dualmode.registry", name = "enabled", havingValue = "true", matchIfMissing = true)
    RegistryServer registryServer(RegistryProperties registry, PlatformProperties platform) {
        Path dataDir = registry.dataDir() != null
                ? registry.dataDir()
                : platform.dataDir().resolve("registry");
        return RegistryServer.builder()
                .host(registry.host())
                .port(registry.port())
                .dataDir(dataDir)
                .build()
                .start();
    }
}
