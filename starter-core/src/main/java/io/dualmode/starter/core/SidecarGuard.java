package io.dualmode.starter.core;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.InitializingBean;

/**
 * Makes a mesh-mode start-up wait for the local sidecar, and fail with {@link SidecarUnavailableException} when it
 * does not come. Framework starters make their registry beans depend on it, so nothing registers before the sidecar
 * is there.
 */
public class SidecarGuard implements InitializingBean {

    /** The bean name framework starters put in {@code @DependsOn}. */
    public static final String BEAN_NAME = "dualmodeSidecarGuard";

    private static final Log log = LogFactory.getLog(SidecarGuard.class);

    private final DualmodeProperties properties;
    private final SidecarProbe probe;
    private final boolean launched;

    public SidecarGuard(DualmodeProperties properties, SidecarProbe probe, boolean launched) {
        this.properties = properties;
        this.probe = probe;
        this.launched = launched;
    }

    @Override
    public void afterPropertiesSet() {
        var timeout = properties.getSidecar().getStartupTimeout();
        SidecarProbe.Readiness readiness = probe.awaitReady(timeout);
        if (!readiness.ready()) {
            throw new SidecarUnavailableException(probe.readyUri(), timeout, launched, readiness.detail());
        }
        log.info("Mesh mode: the local sidecar at " + probe.readyUri().getAuthority() + " is ready; registry traffic"
                + " goes to " + properties.effectiveRegistryAddress());
    }
}
