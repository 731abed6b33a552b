package io.dualmode.starter.dubbo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.metadata.MetadataInfo;
import org.apache.dubbo.registry.AddressListener;
import org.apache.dubbo.registry.client.DefaultServiceInstance;
import org.apache.dubbo.registry.client.InstanceAddressURL;
import org.apache.dubbo.registry.client.ServiceInstance;
import org.apache.dubbo.registry.client.ServiceInstanceCustomizer;
import org.apache.dubbo.registry.client.metadata.ServiceInstanceMetadataUtils;
import org.apache.dubbo.rpc.model.ApplicationModel;
import org.apache.dubbo.rpc.model.FrameworkModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The starter's two Dubbo extensions for application-level discovery in mesh mode, on Dubbo's own objects: the
 * consumer's {@link MeshEndpointAddressListener} and the provider's {@link DualmodeServiceInstanceCustomizer}, both
 * loaded the way Dubbo loads them (its extension loader) and switched by {@code dubbo.dualmode.mode}.
 */
class MeshEndpointsTest {

    private static final String GREETER = "io.dualmode.examples.dubbo.api.Greeter";
    private static final int PROVIDER_PORT = 20880;
    private static final int SIDECAR_PORT = 31001;

    private final FrameworkModel framework = new FrameworkModel();
    private final ApplicationModel application = framework.newApplication();

    @AfterEach
    void destroy() {
        framework.destroy();
    }

    @Test
    void dubboLoadsBothExtensions() {
        URL consumer = URL.valueOf("consumer://127.0.0.1/" + GREETER).setScopeModel(application.getDefaultModule());
        assertThat(application
                        .getDefaultModule()
                        .getExtensionLoader(AddressListener.class)
                        .getActivateExtension(consumer, (String[]) null))
                .anyMatch(MeshEndpointAddressListener.class::isInstance);
        assertThat(application
                        .getExtensionLoader(ServiceInstanceCustomizer.class)
                        .getSupportedExtensionInstances())
                .anyMatch(DualmodeServiceInstanceCustomizer.class::isInstance);
    }

    @Test
    void aMeshConsumerDialsTheEndpointItsSidecarPublishedNotThePortInMetadataInfo() {
        mode("mesh");
        // what ServiceInstancesChangedListener builds: the instance at the MetadataInfo port (copyFrom(int))
        URL built = sidecarInstance().copyFrom(PROVIDER_PORT).toURL("dubbo");
        URL empty = URL.valueOf("empty://127.0.0.1/" + GREETER);

        List<URL> notified = listener().notify(new ArrayList<>(List.of(built, empty)), consumerUrl(), null);

        assertThat(notified).hasSize(2);
        assertThat(notified.get(0).getAddress()).isEqualTo("127.0.0.1:" + SIDECAR_PORT);
        assertThat(notified.get(0).getProtocol()).isEqualTo("dubbo");
        assertThat(notified.get(1)).isSameAs(empty);
        // Dubbo's directory keeps only services whose MetadataInfo port is 0 or the address's port
        assertThat(((InstanceAddressURL) notified.get(0))
                        .getMetadataInfo()
                        .getServices()
                        .values())
                .filteredOn(s -> s.getProtocol().equals("dubbo"))
                .extracting(MetadataInfo.ServiceInfo::getPort)
                .containsOnly(0);
    }

    @Test
    void anAddressAlreadyAtItsEndpointOrWithoutOneIsKept() {
        mode("mesh");
        URL atEndpoint = sidecarInstance().toURL("dubbo");
        DefaultServiceInstance bare = new DefaultServiceInstance("provider", "127.0.0.1", PROVIDER_PORT, application);
        URL withoutEndpoints = bare.toURL("dubbo");
        URL otherProtocol = sidecarInstance().copyFrom(PROVIDER_PORT).toURL("tri");

        List<URL> notified =
                listener().notify(List.of(atEndpoint, withoutEndpoints, otherProtocol), consumerUrl(), null);

        assertThat(notified).containsExactly(atEndpoint, withoutEndpoints, otherProtocol);
    }

    @Test
    void outsideMeshModeTheConsumerKeepsDubbosAddresses() {
        mode("sdk");
        List<URL> addresses = List.of(sidecarInstance().copyFrom(PROVIDER_PORT).toURL("dubbo"));
        assertThat(listener().notify(addresses, consumerUrl(), null)).isSameAs(addresses);

        application.modelEnvironment().getAppConfigMap().remove(DubboModeEnvironmentPostProcessor.DUBBO_MODE);
        assertThat(listener().notify(addresses, consumerUrl(), null)).isSameAs(addresses);
    }

    @Test
    void aMeshProviderLeavesItsDubboServicesPortsToItsEndpoints() {
        mode("mesh");
        ServiceInstance instance = providerInstance();
        String before = instance.getServiceMetadata().calRevision();

        new DualmodeServiceInstanceCustomizer().customize(instance, application);

        Map<String, MetadataInfo.ServiceInfo> services =
                instance.getServiceMetadata().getServices();
        assertThat(services.values())
                .filteredOn(s -> s.getProtocol().equals("dubbo"))
                .extracting(MetadataInfo.ServiceInfo::getPort)
                .containsOnly(0);
        assertThat(services.values())
                .filteredOn(s -> s.getProtocol().equals("tri"))
                .extracting(MetadataInfo.ServiceInfo::getPort)
                .containsOnly(50051);
        // the revision Dubbo computes after the customizers describes what the MetadataService will serve
        assertThat(instance.getServiceMetadata().calRevision()).isNotEqualTo(before);
    }

    @Test
    void anSdkProviderPublishesItsPortsAsDubboDoes() {
        mode("sdk");
        ServiceInstance instance = providerInstance();

        new DualmodeServiceInstanceCustomizer().customize(instance, application);

        assertThat(instance.getServiceMetadata().getServices().values())
                .extracting(MetadataInfo.ServiceInfo::getPort)
                .containsOnly(PROVIDER_PORT, 50051);
    }

    private void mode(String mode) {
        application.modelEnvironment().getAppConfigMap().put(DubboModeEnvironmentPostProcessor.DUBBO_MODE, mode);
    }

    private MeshEndpointAddressListener listener() {
        return application
                .getDefaultModule()
                .getExtensionLoader(AddressListener.class)
                .getActivateExtension(consumerUrl(), (String[]) null)
                .stream()
                .filter(MeshEndpointAddressListener.class::isInstance)
                .map(MeshEndpointAddressListener.class::cast)
                .findFirst()
                .orElseThrow();
    }

    private URL consumerUrl() {
        return URL.valueOf("consumer://127.0.0.1/" + GREETER).setScopeModel(application.getDefaultModule());
    }

    /** A provider instance as a consumer's sidecar hands it over: host, port and dubbo endpoint at its listener. */
    private DefaultServiceInstance sidecarInstance() {
        DefaultServiceInstance instance =
                new DefaultServiceInstance("provider", "127.0.0.1", SIDECAR_PORT, application);
        instance.getMetadata()
                .put(
                        ServiceInstanceMetadataUtils.ENDPOINTS,
                        "[{\"port\":" + SIDECAR_PORT + ",\"protocol\":\"dubbo\"}]");
        instance.setServiceMetadata(metadata());
        return instance;
    }

    private DefaultServiceInstance providerInstance() {
        DefaultServiceInstance instance =
                new DefaultServiceInstance("provider", "127.0.0.1", PROVIDER_PORT, application);
        instance.setServiceMetadata(metadata());
        return instance;
    }

    private static MetadataInfo metadata() {
        MetadataInfo metadata = new MetadataInfo("provider");
        metadata.addService(URL.valueOf("dubbo://127.0.0.1:" + PROVIDER_PORT + "/" + GREETER + "?interface=" + GREETER
                + "&version=1.0.0&group=g&side=provider"));
        metadata.addService(
                URL.valueOf("tri://127.0.0.1:50051/" + GREETER + "?interface=" + GREETER + "&side=provider"));
        return metadata;
    }
}
