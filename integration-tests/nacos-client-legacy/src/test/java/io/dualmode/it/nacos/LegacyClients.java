package io.dualmode.it.nacos;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.exception.NacosException;
import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.pojo.Instance;
import java.util.Map;
import java.util.Properties;

/** Builds unmodified nacos-client 2.0.3 clients pointed at a registry address. */
final class LegacyClients {

    private LegacyClients() {}

    static NamingService naming(String serverAddr) throws NacosException {
        return NacosFactory.createNamingService(properties(serverAddr));
    }

    static ConfigService config(String serverAddr) throws NacosException {
        return NacosFactory.createConfigService(properties(serverAddr));
    }

    static Instance instance(String ip, int port, Map<String, String> metadata) {
        Instance instance = new Instance();
        instance.setIp(ip);
        instance.setPort(port);
        instance.setWeight(2.0);
        instance.setClusterName("DEFAULT");
        instance.setMetadata(metadata);
        return instance;
    }

    private static Properties properties(String serverAddr) {
        Properties properties = new Properties();
        properties.setProperty(PropertyKeyConst.SERVER_ADDR, serverAddr);
        return properties;
    }
}
