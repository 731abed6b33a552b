package io.dualmode.starter.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/** {@code /actuator/dualmode}: the instance's mode, where it registers, and what it is registered as. */
@Endpoint(id = "dualmode")
public class DualmodeEndpoint {

    private final DualmodeProperties properties;
    private final ObjectProvider<RegistrationContributor> contributors;
    private final ObjectProvider<SidecarLauncher> launcher;

    public DualmodeEndpoint(
            DualmodeProperties properties,
            ObjectProvider<RegistrationContributor> contributors,
            ObjectProvider<SidecarLauncher> launcher) {
        this.properties = properties;
        this.contributors = contributors;
        this.launcher = launcher;
    }

    @ReadOperation
    public Map<String, Object> describe() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("mode", properties.getMode().metadataValue());
        body.put("registryAddress", properties.effectiveRegistryAddress());
        body.put("registry", properties.getRegistry().getAddress());
        Map<String, Object> sidecar = new LinkedHashMap<>();
        sidecar.put("host", properties.getSidecar().getHost());
        sidecar.put("registryPort", properties.getSidecar().getRegistryPort());
        sidecar.put("adminPort", properties.getSidecar().getAdminPort());
        SidecarLauncher l = launcher.getIfAvailable();
        sidecar.put("launched", l != null);
        if (l != null) {
            sidecar.put("pid", l.pid());
            sidecar.put("restarts", l.restarts());
        }
        body.put("sidecar", sidecar);
        List<RegistrationContributor.Registration> registrations = contributors
                .orderedStream()
                .flatMap(c -> c.registrations().stream())
                .toList();
        body.put("registrations", registrations);
        return body;
    }
}
