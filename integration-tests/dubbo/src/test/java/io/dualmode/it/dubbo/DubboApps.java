package io.dualmode.it.dubbo;

import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.RegistryConfig;

/** Configuration both Dubbo applications share: the registry and nothing but Dubbo's defaults on top. */
final class DubboApps {

    static final String VERSION = "1.0.0";

    private DubboApps() {}

    static ApplicationConfig application(String name) {
        ApplicationConfig application = new ApplicationConfig(name);
        application.setQosEnable(false);
        return application;
    }

    /**
     * A plain {@code nacos://} registry: Dubbo also uses it, by default, as config centre and metadata report.
     *
     * @param registryAddress the registry's {@code host:port}
     */
    static RegistryConfig registry(String registryAddress) {
        return new RegistryConfig("nacos://" + registryAddress);
    }
}
