package io.dualmode.starter.dubbo;

import io.dualmode.starter.core.DualmodeAutoConfiguration;
import io.dualmode.starter.core.DualmodeProperties;
import org.apache.dubbo.config.spring.ServiceBean;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Dubbo in SDK or mesh mode. Dubbo's own properties are set by {@link DubboModeEnvironmentPostProcessor}; this
 * configuration makes Dubbo's service and reference beans wait for the sidecar in mesh mode and tells the
 * {@code dualmode} actuator endpoint what the instance exports.
 */
@AutoConfiguration(after = DualmodeAutoConfiguration.class)
@ConditionalOnClass(ServiceBean.class)
@ConditionalOnProperty(prefix = "dubbo", name = "enabled", havingValue = "true", matchIfMissing = true)
public class DualmodeDubboAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    DubboRegistrationContributor dualmodeDubboRegistrationContributor(
            ListableBeanFactory beans, DualmodeProperties properties, Environment environment) {
        return new DubboRegistrationContributor(beans, properties, applicationName(environment));
    }

    @Bean
    @ConditionalOnMissingBean
    static ServiceMetadataPostProcessor dualmodeDubboServiceMetadata(Environment environment) {
        DualmodeProperties properties = Binder.get(environment)
                .bind("dualmode", Bindable.of(DualmodeProperties.class))
                .orElseGet(DualmodeProperties::new);
        return new ServiceMetadataPostProcessor(
                properties, applicationName(environment), environment.getProperty("dubbo.protocol.name", "dubbo"));
    }

    static String applicationName(Environment environment) {
        return environment.getProperty(
                "dubbo.application.name", environment.getProperty("spring.application.name", ""));
    }

    /** Mesh mode with the start-up check on: services and references depend on the sidecar guard. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "dualmode", name = "mode", havingValue = "mesh")
    static class MeshConfiguration {

        @Bean
        @ConditionalOnProperty(
                prefix = "dualmode.sidecar",
                name = "check-on-startup",
                havingValue = "true",
                matchIfMissing = true)
        static MeshStartupOrder dualmodeDubboMeshStartupOrder() {
            return new MeshStartupOrder();
        }
    }
}
