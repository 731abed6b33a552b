package io.dualmode.starter.core;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigureOrder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The shared part of every dual-mode starter: binds {@code dualmode.*}, and in mesh mode launches (optionally) and
 * waits for the local sidecar before any framework registers.
 */
@AutoConfiguration
@AutoConfigureOrder(Ordered.HIGHEST_PRECEDENCE)
@EnableConfigurationProperties(DualmodeProperties.class)
public class DualmodeAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SidecarProbe dualmodeSidecarProbe(DualmodeProperties properties) {
        return new SidecarProbe(properties);
    }

    /** Mesh mode: the sidecar must be there before the framework registers or subscribes. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "dualmode", name = "mode", havingValue = "mesh")
    static class MeshModeConfiguration {

        /** Launches and waits for the sidecar before any other bean or early event (see {@link SidecarBootstrap}). */
        @Bean
        static SidecarBootstrap dualmodeSidecarBootstrap() {
            return new SidecarBootstrap();
        }

        @Bean(SidecarGuard.BEAN_NAME)
        @ConditionalOnMissingBean
        @ConditionalOnProperty(
                prefix = "dualmode.sidecar",
                name = "check-on-startup",
                havingValue = "true",
                matchIfMissing = true)
        SidecarGuard dualmodeSidecarGuard(
                DualmodeProperties properties, SidecarProbe probe, ObjectProvider<SidecarLauncher> launcher) {
            return new SidecarGuard(properties, probe, launcher.getIfAvailable() != null);
        }
    }

    /** The health indicator and the {@code dualmode} endpoint, when Actuator is there. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class ActuatorConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "dualmodeHealthIndicator")
        @ConditionalOnEnabledHealthIndicator("dualmode")
        DualmodeHealthIndicator dualmodeHealthIndicator(DualmodeProperties properties, SidecarProbe probe) {
            return new DualmodeHealthIndicator(properties, probe);
        }

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnAvailableEndpoint
        DualmodeEndpoint dualmodeEndpoint(
                DualmodeProperties properties,
                ObjectProvider<RegistrationContributor> contributors,
                ObjectProvider<SidecarLauncher> launcher) {
            return new DualmodeEndpoint(properties, contributors, launcher);
        }
    }
}
