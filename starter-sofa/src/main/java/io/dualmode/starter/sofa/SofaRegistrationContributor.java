package io.dualmode.starter.sofa;

import io.dualmode.starter.core.RegistrationContributor;
import java.util.List;

/** What the SOFARPC services of this instance are registered as, for the {@code dualmode} actuator endpoint. */
public class SofaRegistrationContributor implements RegistrationContributor {

    private final SofaRpcRuntime runtime;

    public SofaRegistrationContributor(SofaRpcRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public List<Registration> registrations() {
        return runtime.registrations();
    }
}
