package io.dualmode.registry;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.exception.NacosException;
import com.alibaba.nacos.api.naming.NamingService;
import java.util.Properties;

/** Real nacos-client instances pointed at a registry under test; each gets its own cache directory. */
final class NacosClients {

    private NacosClients() {}

    static Properties properties(String serverAddr, String namespace) {
        Properties p = new Properties();
        p.setProperty(PropertyKeyConst.SERVER_ADDR, serverAddr);
        if (namespace != null) {
            p.setProperty(PropertyKeyConst.NAMESPACE, namespace);
        }
        p.setProperty("namingLoadCacheAtStart", "false");
        // the app through the agent waits for the agent's own upstream call: 3 s (the default) is short on a loaded CI
        // machine
        p.setProperty("namingRequestTimeout", "10000");
        p.setProperty(
                "JM.SNAPSHOT.PATH", System.getProperty("java.io.tmpdir") + "/dualmode-nacos-" + System.nanoTime());
        return p;
    }

    static NamingService naming(String serverAddr) throws NacosException {
        return NacosFactory.createNamingService(properties(serverAddr, null));
    }

    static ConfigService config(String serverAddr) throws NacosException {
        return NacosFactory.createConfigService(properties(serverAddr, null));
    }
}
