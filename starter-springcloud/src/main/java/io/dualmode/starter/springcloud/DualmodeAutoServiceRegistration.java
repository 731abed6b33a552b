package io.dualmode.starter.springcloud;

import org.springframework.cloud.client.serviceregistry.AbstractAutoServiceRegistration;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationProperties;

/**
 * Registers the application once its web server has started (with the port it bound) and deregisters it when the
 * context closes, through Spring Cloud's {@link AbstractAutoServiceRegistration} life cycle.
 */
public class DualmodeAutoServiceRegistration extends AbstractAutoServiceRegistration<DualmodeRegistration> {

    private final DualmodeRegistration registration;
    private final DualmodeSpringCloudProperties properties;

    public DualmodeAutoServiceRegistration(
            DualmodeServiceRegistry registry,
            AutoServiceRegistrationProperties autoProperties,
            DualmodeRegistration registration,
            DualmodeSpringCloudProperties properties) {
        super(registry, autoProperties);
        this.registration = registration;
        this.properties = properties;
    }

    @Override
    protected void register() {
        if (registration.getPort() <= 0) {
            registration.setPort(getPort().get());
        }
        super.register();
    }

    @Override
    protected Object getConfiguration() {
        return properties;
    }

    @Override
    protected boolean isEnabled() {
        return properties.isRegister();
    }

    @Override
    protected DualmodeRegistration getRegistration() {
        return registration;
    }

    @Override
    protected DualmodeRegistration getManagementRegistration() {
        return null;
    }
}
