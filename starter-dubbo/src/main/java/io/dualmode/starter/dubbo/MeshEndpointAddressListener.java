package io.dualmode.starter.dubbo;

import java.util.ArrayList;
import java.util.List;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.common.extension.Activate;
import org.apache.dubbo.registry.AddressListener;
import org.apache.dubbo.registry.client.DefaultServiceInstance;
import org.apache.dubbo.registry.client.InstanceAddressURL;
import org.apache.dubbo.registry.client.ServiceInstance;
import org.apache.dubbo.registry.client.metadata.ServiceInstanceMetadataUtils;
import org.apache.dubbo.rpc.cluster.Directory;

/**
 * In mesh mode, makes a consumer using application-level discovery dial the address its sidecar published for a
 * provider instance, not the provider's own port. A Dubbo SPI extension ({@code META-INF/dubbo}), active in every
 * application that has the starter, doing nothing outside mesh mode.
 *
 * <p>Why it is needed: Dubbo 3.3's {@code ServiceInstancesChangedListener} builds each provider address from the
 * instance's host and, when the service's {@code MetadataInfo} entry has a port ({@code ServiceInfo.getPort() > 0}),
 * that port ({@code DefaultServiceInstance.copyFrom(int)}); only a port of 0 falls back to the instance's
 * {@code dubbo.endpoints} entry for the protocol. The port in {@code MetadataInfo} is the provider's real one, carried
 * in the body of the MetadataService reply, while a mesh consumer's sidecar rewrites only the registry entry (host,
 * port and {@code dubbo.endpoints} → its {@code egress-dubbo-<application>} listener). So each address whose
 * instance has a {@code dubbo.endpoints} entry for the address's protocol at another port is replaced by the same
 * instance at that endpoint ({@code DefaultServiceInstance.copyFrom(Endpoint)}), as Dubbo itself does when the
 * {@code MetadataInfo} port is 0, and that port is set to 0 in the consumer's copy of the {@code MetadataInfo}. Runs on the list before the directory turns it into invokers
 * ({@code ServiceDiscoveryRegistryDirectory.notify}).
 */
@Activate
public class MeshEndpointAddressListener implements AddressListener {

    @Override
    public List<URL> notify(List<URL> addresses, URL consumerUrl, Directory registryDirectory) {
        if (addresses == null
                || addresses.isEmpty()
                || consumerUrl == null
                || !DubboMode.isMesh(consumerUrl.getOrDefaultApplicationModel())) {
            return addresses;
        }
        List<URL> out = new ArrayList<>(addresses.size());
        for (URL address : addresses) {
            out.add(atEndpoint(address));
        }
        return out;
    }

    /**
     * The address at its instance's endpoint for the address's protocol, or the address when there is none. The
     * services of that protocol in the instance's {@code MetadataInfo} (the consumer's copy, shared by every address of
     * the same revision) get port 0, as a mesh provider publishes them: the directory keeps only the services whose
     * port is 0 or the address's port ({@code ServiceDiscoveryRegistryDirectory.getMatchedProtocolServiceKeys}), and
     * Dubbo's next refresh then builds the endpoint address itself.
     */
    static URL atEndpoint(URL address) {
        if (!(address instanceof InstanceAddressURL url)
                || !(url.getInstance() instanceof DefaultServiceInstance instance)
                || url.getProtocol() == null
                || !ServiceInstanceMetadataUtils.hasEndpoints(instance)) {
            return address;
        }
        DefaultServiceInstance.Endpoint endpoint =
                ServiceInstanceMetadataUtils.getEndpoint(instance, url.getProtocol());
        if (endpoint == null || endpoint.getPort() <= 0) {
            return address;
        }
        DualmodeServiceInstanceCustomizer.leavePortsToEndpoints(url.getMetadataInfo(), url.getProtocol());
        if (endpoint.getPort() == instance.getPort()) {
            return address;
        }
        ServiceInstance moved = instance.copyFrom(endpoint);
        return moved.toURL(url.getProtocol()).setScopeModel(instance.getApplicationModel());
    }
}
