package io.dualmode.it.sofarpc.app;

import com.alipay.sofa.rpc.config.ApplicationConfig;
import com.alipay.sofa.rpc.config.RegistryConfig;

/**
 * Configuration both SOFARPC applications share: SOFARPC's own registries, nothing of ours. An {@code http://} address
 * selects SOFARPC's {@code mesh} registry (the sidecar's mesh API), anything else its Nacos registry.
 */
final class SofaApps {

    /** SOFARPC's default Nacos namespace. */
    static final String NAMESPACE = "sofa-rpc";

    private SofaApps() {}

    static RegistryConfig registry(String registryAddress) {
        if (isMesh(registryAddress)) {
            return new RegistryConfig().setProtocol("mesh").setAddress(registryAddress);
        }
        return new RegistryConfig().setProtocol("nacos").setAddress(registryAddress + "/" + NAMESPACE);
    }

    static boolean isMesh(String registryAddress) {
        return registryAddress.startsWith("http://");
    }

    static ApplicationConfig application(String name) {
        return new ApplicationConfig().setAppName(name);
    }
}
