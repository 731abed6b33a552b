package io.dualmode.starter.dubbo;

import io.dualmode.starter.core.DualmodeProperties;
import io.dualmode.starter.core.InstanceMetadata;
import io.dualmode.starter.core.RegistrationContributor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ServiceConfigBase;
import org.springframework.beans.factory.ListableBeanFactory;

/**
 * The Dubbo services this instance exports, for the {@code dualmode} actuator endpoint: one entry per service and
 * protocol, named as Dubbo's interface-level registration names it in Nacos
 * ({@code providers:<interface>:<version>:<group>}).
 */
public class DubboRegistrationContributor implements RegistrationContributor {

    private final ListableBeanFactory beans;
    private final DualmodeProperties properties;
    private final String application;

    public DubboRegistrationContributor(ListableBeanFactory beans, DualmodeProperties properties, String application) {
        this.beans = beans;
        this.properties = properties;
        this.application = application;
    }

    @Override
    public List<Registration> registrations() {
        List<Registration> out = new ArrayList<>();
        for (ServiceConfigBase<?> service :
                beans.getBeansOfType(ServiceConfigBase.class, false, false).values()) {
            if (!service.isExported()) {
                continue;
            }
            for (ProtocolConfig protocol : protocols(service)) {
                out.add(registration(service, protocol));
            }
        }
        return out;
    }

    private Registration registration(ServiceConfigBase<?> service, ProtocolConfig protocol) {
        String name = "providers:" + service.getInterface() + ":" + orEmpty(service.getVersion()) + ":"
                + orEmpty(service.getGroup());
        String protocolName = Objects.requireNonNullElse(protocol.getName(), "dubbo");
        Map<String, String> metadata = InstanceMetadata.of(properties, application, protocolName);
        return new Registration(name, protocolName, address(protocol), metadata);
    }

    private static List<ProtocolConfig> protocols(ServiceConfigBase<?> service) {
        List<ProtocolConfig> protocols = service.getProtocols();
        return protocols == null || protocols.isEmpty() ? List.of(new ProtocolConfig("dubbo")) : protocols;
    }

    private static String address(ProtocolConfig protocol) {
        String host = protocol.getHost() == null ? "" : protocol.getHost();
        Integer port = protocol.getPort();
        return port == null || port <= 0 ? host : host + ":" + port;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
