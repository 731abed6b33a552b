package io.dualmode.starter.springcloud;

import io.dualmode.starter.core.RegistrationContributor;
import java.util.List;

/** Tells the {@code dualmode} actuator endpoint what this Spring Cloud application is registered as. */
public class SpringCloudRegistrationContributor implements RegistrationContributor {

    private final DualmodeRegistration registration;
    private final DualmodeAutoServiceRegistration auto;

    public SpringCloudRegistrationContributor(DualmodeRegistration registration, DualmodeAutoServiceRegistration auto) {
        this.registration = registration;
        this.auto = auto;
    }

    @Override
    public List<Registration> registrations() {
        if (auto == null || !auto.isRunning()) {
            return List.of();
        }
        String protocol = registration.getMetadata().getOrDefault("dualmode.protocol", "http");
        return List.of(new Registration(
                registration.getServiceId(),
                protocol,
                registration.getHost() + ":" + registration.getPort(),
                registration.getMetadata()));
    }
}
