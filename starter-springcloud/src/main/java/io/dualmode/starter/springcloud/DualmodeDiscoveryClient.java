package io.dualmode.starter.springcloud;

import com.alibaba.nacos.api.exception.NacosException;
import com.alibaba.nacos.api.naming.NamingService;
import java.util.List;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * Spring Cloud's {@link DiscoveryClient} over nacos-client. The first look-up of a service subscribes to it, so later
 * ones read the list the server (the registry, or in mesh mode the local sidecar) keeps pushing: no polling, and the
 * last list stays usable when the server is away.
 */
public class DualmodeDiscoveryClient implements DiscoveryClient {

    private final NamingService naming;
    private final String group;

    public DualmodeDiscoveryClient(NamingService naming, DualmodeSpringCloudProperties properties) {
        this.naming = naming;
        this.group = properties.getGroup();
    }

    @Override
    public String description() {
        return "Dualmode discovery client (nacos-client)";
    }

    @Override
    public List<ServiceInstance> getInstances(String serviceId) {
        try {
            return ServiceInstances.of(serviceId, naming.selectInstances(serviceId, group, true, true));
        } catch (NacosException e) {
            throw new IllegalStateException(
                    "DUALMODE-0102 cannot look up service " + serviceId + ": " + e.getErrMsg(), e);
        }
    }

    @Override
    public List<String> getServices() {
        try {
            return naming.getServicesOfServer(1, Integer.MAX_VALUE, group).getData();
        } catch (NacosException e) {
            throw new IllegalStateException("DUALMODE-0102 cannot list services: " + e.getErrMsg(), e);
        }
    }

    @Override
    public void probe() {
        if (!"UP".equals(naming.getServerStatus())) {
            throw new IllegalStateException("DUALMODE-0102 the naming server does not answer");
        }
    }
}
