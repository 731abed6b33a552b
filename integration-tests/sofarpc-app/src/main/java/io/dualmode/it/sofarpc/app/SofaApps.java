package io.dualmode.it.sofarpc.app;

import com.alipay.sofa.rpc.config.ApplicationConfig;
import com.alipay.sofa.rpc.config.RegistryConfig;

/** Configuration both SOFARPC applications share: SOFARPC's own Nacos registry, nothing of ours. */
final class SofaApps {

    /** SOFARPC's default Nacos namespace. */
    static final String NAMESPACE = "sofa-rpc";

    private SofaApps() {}

    static RegistryConfig registry(String registryAddress) {
        return new RegistryConfig().setProtocol("nacos").setAddress(registryAddress + "/" + NAMESPACE);
    }

    static ApplicationConfig application(String name) {
        return new ApplicationConfig().setAppName(name);
    }
}
