package io.dualmode.starter.dubbo;

import io.dualmode.starter.core.InstanceMetadata;
import java.util.Map;
import org.apache.dubbo.metadata.MetadataInfo;
import org.apache.dubbo.registry.client.ServiceInstance;
import org.apache.dubbo.registry.client.ServiceInstanceCustomizer;
import org.apache.dubbo.rpc.model.ApplicationModel;
import org.apache.dubbo.rpc.model.ProviderModel;

/**
 * Puts the {@code dualmode.*} parameters of the application's services (set by {@link ServiceMetadataPostProcessor})
 * on the application-level instance Dubbo registers, as Dubbo already does for every interface-level URL. A Dubbo SPI
 * extension ({@code META-INF/dubbo}).
 */
public class DualmodeServiceInstanceCustomizer implements ServiceInstanceCustomizer {

    private static final String PREFIX = "dualmode.";
    private static final String DUBBO = "dubbo";

    @Override
    public void customize(ServiceInstance instance, ApplicationModel model) {
        Map<String, String> metadata = instance.getMetadata();
        for (ProviderModel provider : model.getApplicationServiceRepository().allProviderModels()) {
            if (provider.getServiceConfig() == null
                    || provider.getServiceConfig().getParameters() == null) {
                continue;
            }
            provider.getServiceConfig().getParameters().forEach((key, value) -> {
                if (key.startsWith(PREFIX) && value != null) {
                    metadata.putIfAbsent(key, value);
                }
            });
        }
        if (metadata.keySet().stream().anyMatch(k -> k.startsWith(PREFIX))) {
            metadata.putIfAbsent(InstanceMetadata.PROTOCOL, "dubbo");
        }
        if (DubboMode.isMesh(model)) {
            leavePortsToEndpoints(instance.getServiceMetadata(), DUBBO);
        }
    }

    /**
     * Sets the port of each service of {@code protocol} to 0: consumers then dial the instance's endpoint for that
     * protocol.
     */
    static void leavePortsToEndpoints(MetadataInfo metadataInfo, String protocol) {
        if (metadataInfo == null || metadataInfo.getServices() == null) {
            return;
        }
        for (MetadataInfo.ServiceInfo service : metadataInfo.getServices().values()) {
            if (protocol.equals(service.getProtocol()) && service.getPort() != 0) {
                service.setPort(0);
            }
        }
    }
}
