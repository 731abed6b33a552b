package io.dualmode.starter.dubbo;

import io.dualmode.starter.core.DualmodeProperties;
import io.dualmode.starter.core.InstanceMetadata;
import java.util.HashMap;
import java.util.Map;
import org.apache.dubbo.config.ServiceConfigBase;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Adds {@code dualmode.mode}, {@code dualmode.protocol} and {@code dualmode.application} to the parameters of every
 * Dubbo service: Dubbo puts service parameters in the URL it registers, so they become the metadata of the
 * interface-level Nacos instance; {@link DualmodeServiceInstanceCustomizer} copies them onto the application-level
 * instance. A value the application set itself is kept.
 *
 * <p>The protocol is the service's first protocol when the service names one, else the application's default protocol
 * ({@code dubbo.protocol.name}, e.g. {@code tri}), else {@code dubbo}: a service that takes the default protocol has no
 * protocol yet when this runs (Dubbo assigns the default at export), and the sidecar picks its listener by this value.
 */
class ServiceMetadataPostProcessor implements BeanPostProcessor {

    private final DualmodeProperties properties;
    private final String application;
    private final String defaultProtocol;

    ServiceMetadataPostProcessor(DualmodeProperties properties, String application, String defaultProtocol) {
        this.properties = properties;
        this.application = application;
        this.defaultProtocol = defaultProtocol == null || defaultProtocol.isBlank() ? "dubbo" : defaultProtocol;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof ServiceConfigBase<?> service) {
            Map<String, String> parameters =
                    service.getParameters() == null ? new HashMap<>() : new HashMap<>(service.getParameters());
            InstanceMetadata.of(properties, application, protocol(service, defaultProtocol))
                    .forEach(parameters::putIfAbsent);
            service.setParameters(parameters);
        }
        return bean;
    }

    private static String protocol(ServiceConfigBase<?> service, String defaultProtocol) {
        if (service.getProtocols() != null && !service.getProtocols().isEmpty()) {
            String name = service.getProtocols().get(0).getName();
            if (name != null) {
                return name;
            }
        }
        return defaultProtocol;
    }
}
