package io.dualmode.starter.springcloud;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.exception.NacosException;
import com.alibaba.nacos.api.naming.NamingService;
import io.dualmode.starter.core.DualmodeProperties;
import java.util.Properties;

/** Creates the nacos-client {@link NamingService} for the mode: the registry in SDK mode, the sidecar in mesh mode. */
final class NamingServices {

    private NamingServices() {}

    static Properties properties(DualmodeProperties dualmode) {
        Properties p = new Properties();
        p.setProperty(PropertyKeyConst.SERVER_ADDR, dualmode.effectiveRegistryAddress());
        String namespace = dualmode.getRegistry().getNamespace();
        if (namespace != null && !namespace.isBlank()) {
            p.setProperty(PropertyKeyConst.NAMESPACE, namespace);
        }
        // Read the instance lists the server pushes, not a snapshot on disk from an earlier run.
        p.setProperty(PropertyKeyConst.NAMING_LOAD_CACHE_AT_START, "false");
        return p;
    }

    static NamingService create(DualmodeProperties dualmode) {
        try {
            return NacosFactory.createNamingService(properties(dualmode));
        } catch (NacosException e) {
            throw new IllegalStateException(
                    "DUALMODE-0100 cannot create the nacos-client naming service for "
                            + dualmode.effectiveRegistryAddress() + ": " + e.getErrMsg(),
                    e);
        }
    }
}
