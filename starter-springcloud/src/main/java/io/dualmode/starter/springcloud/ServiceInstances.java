package io.dualmode.starter.springcloud;

import com.alibaba.nacos.api.naming.pojo.Instance;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

/** Converts nacos-client instances into Spring Cloud {@link ServiceInstance}s. */
final class ServiceInstances {

    /** Metadata entry holding the Nacos instance id. */
    static final String INSTANCE_ID = "nacos.instanceId";

    private ServiceInstances() {}

    static List<ServiceInstance> of(String serviceId, List<Instance> instances) {
        return instances.stream().map(i -> of(serviceId, i)).toList();
    }

    static ServiceInstance of(String serviceId, Instance instance) {
        Map<String, String> metadata = new LinkedHashMap<>(instance.getMetadata());
        if (instance.getInstanceId() != null) {
            metadata.put(INSTANCE_ID, instance.getInstanceId());
        }
        metadata.put("nacos.cluster", String.valueOf(instance.getClusterName()));
        metadata.put("nacos.weight", String.valueOf(instance.getWeight()));
        boolean secure = Boolean.parseBoolean(metadata.getOrDefault("secure", "false"));
        String id = instance.getInstanceId() != null
                ? instance.getInstanceId()
                : instance.getIp() + ":" + instance.getPort();
        return new DefaultServiceInstance(id, serviceId, instance.getIp(), instance.getPort(), secure, metadata);
    }
}
