package io.dualmode.starter.core;

import java.util.List;
import java.util.Map;

/** Implemented by each framework starter: what this instance is registered as, for the actuator endpoint. */
@FunctionalInterface
public interface RegistrationContributor {

    /** The instance's current registrations. */
    List<Registration> registrations();

    /** One registered service: its name, protocol, the address the application serves it on, and metadata. */
    record Registration(String service, String protocol, String address, Map<String, String> metadata) {}
}
