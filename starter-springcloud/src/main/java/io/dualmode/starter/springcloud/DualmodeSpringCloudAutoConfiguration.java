package io.dualmode.starter.springcloud;

import com.alibaba.nacos.api.naming.NamingService;
import io.dualmode.starter.core.DualmodeAutoConfiguration;
import io.dualmode.starter.core.DualmodeProperties;
import io.dualmode.starter.core.InstanceMetadata;
import io.dualmode.starter.core.SidecarGuard;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.CommonsClientAutoConfiguration;
import org.springframework.cloud.client.ConditionalOnBlockingDiscoveryEnabled;
import org.springframework.cloud.client.ConditionalOnDiscoveryEnabled;
import org.springframework.cloud.client.ConditionalOnReactiveDiscoveryEnabled;
import org.springframework.cloud.client.ReactiveCommonsClientAutoConfiguration;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.reactive.SimpleReactiveDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationProperties;
import org.springframework.cloud.commons.util.InetUtils;
import org.springframework.cloud.commons.util.InetUtilsProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;
import org.springframework.core.env.Environment;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.web.client.RestTemplate;

/**
 * Spring Cloud discovery and registration over nacos-client, pointed at {@link
 * DualmodeProperties#effectiveRegistryAddress()}: the registry in SDK mode, the local sidecar in mesh mode (which
 * then publishes its ingress for this application and answers every look-up with its own egress address).
 */
@AutoConfiguration(
        after = DualmodeAutoConfiguration.class,
        before = {
            SimpleDiscoveryClientAutoConfiguration.class,
            SimpleReactiveDiscoveryClientAutoConfiguration.class,
            CommonsClientAutoConfiguration.class,
            ReactiveCommonsClientAutoConfiguration.class
        })
@ConditionalOnClass({NamingService.class, DiscoveryClient.class})
@ConditionalOnDiscoveryEnabled
@EnableConfigurationProperties({DualmodeSpringCloudProperties.class, AutoServiceRegistrationProperties.class})
public class DualmodeSpringCloudAutoConfiguration {

    static final String PROTOCOL_KEY = InstanceMetadata.PROTOCOL;

    /** Mesh mode with the start-up check on: nacos-client is created only once the sidecar is ready. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(name = SidecarGuard.BEAN_NAME)
    static class GuardedNamingConfiguration {

        @Bean(destroyMethod = "shutDown")
        @DependsOn(SidecarGuard.BEAN_NAME)
        @ConditionalOnMissingBean
        NamingService dualmodeNamingService(DualmodeProperties properties) {
            return NamingServices.create(properties);
        }
    }

    @Bean(destroyMethod = "shutDown")
    @ConditionalOnMissingBean
    NamingService dualmodeNamingService(DualmodeProperties properties) {
        return NamingServices.create(properties);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBlockingDiscoveryEnabled
    static class BlockingDiscoveryConfiguration {

        @Bean
        @ConditionalOnMissingBean
        DualmodeDiscoveryClient dualmodeDiscoveryClient(
                NamingService naming, DualmodeSpringCloudProperties properties) {
            return new DualmodeDiscoveryClient(naming, properties);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnReactiveDiscoveryEnabled
    static class ReactiveDiscoveryConfiguration {

        @Bean
        @ConditionalOnMissingBean
        DualmodeReactiveDiscoveryClient dualmodeReactiveDiscoveryClient(
                NamingService naming, DualmodeSpringCloudProperties properties) {
            return new DualmodeReactiveDiscoveryClient(new DualmodeDiscoveryClient(naming, properties));
        }
    }

    /** Registration on web server start, deregistration on close. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(value = "spring.cloud.service-registry.auto-registration.enabled", matchIfMissing = true)
    static class RegistrationConfiguration {

        @Bean
        @ConditionalOnMissingBean
        DualmodeServiceRegistry dualmodeServiceRegistry(NamingService naming) {
            return new DualmodeServiceRegistry(naming);
        }

        @Bean
        @ConditionalOnMissingBean
        DualmodeRegistration dualmodeRegistration(
                DualmodeProperties dualmode,
                DualmodeSpringCloudProperties properties,
                Environment environment,
                ObjectProvider<InetUtils> inetUtils) {
            String service = properties.getService().isBlank()
                    ? environment.getProperty("spring.application.name", "application")
                    : properties.getService();
            String host = RegistrationAddress.host(
                    dualmode,
                    properties,
                    environment,
                    inetUtils.getIfAvailable(() -> new InetUtils(new InetUtilsProperties())));
            Map<String, String> metadata = new LinkedHashMap<>(properties.getMetadata());
            metadata.putAll(InstanceMetadata.of(
                    dualmode, environment.getProperty("spring.application.name", service), properties.getProtocol()));
            return new DualmodeRegistration(service, host, properties.getPort(), properties, metadata);
        }

        @Bean
        @ConditionalOnMissingBean
        DualmodeAutoServiceRegistration dualmodeAutoServiceRegistration(
                DualmodeServiceRegistry registry,
                AutoServiceRegistrationProperties autoProperties,
                DualmodeRegistration registration,
                DualmodeSpringCloudProperties properties) {
            return new DualmodeAutoServiceRegistration(registry, autoProperties, registration, properties);
        }

        @Bean
        @ConditionalOnMissingBean
        SpringCloudRegistrationContributor springCloudRegistrationContributor(
                DualmodeRegistration registration, ObjectProvider<DualmodeAutoServiceRegistration> auto) {
            return new SpringCloudRegistrationContributor(registration, auto.getIfAvailable());
        }
    }

    /** Mesh mode: a refused connection from a {@code @LoadBalanced WebClient} names the sidecar. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.web.reactive.function.client.WebClient")
    @ConditionalOnProperty(prefix = "dualmode", name = "mode", havingValue = "mesh")
    static class MeshWebClientConfiguration {

        @Bean
        @ConditionalOnMissingBean
        static SidecarEgressFilter.Installer dualmodeSidecarEgressFilterInstaller(
                org.springframework.beans.factory.BeanFactory beanFactory,
                ObjectProvider<DualmodeProperties> properties) {
            return new SidecarEgressFilter.Installer(beanFactory, properties);
        }
    }

    /** Mesh mode: a refused connection from a {@code @LoadBalanced RestTemplate} names the sidecar. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(RestTemplate.class)
    @ConditionalOnProperty(prefix = "dualmode", name = "mode", havingValue = "mesh")
    static class MeshRestTemplateConfiguration {

        @Bean
        @ConditionalOnMissingBean
        SidecarEgressInterceptor dualmodeSidecarEgressInterceptor(DualmodeProperties properties) {
            return new SidecarEgressInterceptor(properties);
        }

        /**
         * Adds the interceptor to every {@code @LoadBalanced RestTemplate}, after Spring Cloud has added its own (a
         * {@code RestTemplateCustomizer} bean would make Spring Cloud's load-balancing customizer back off).
         */
        @Bean
        @ConditionalOnMissingBean(name = "dualmodeSidecarEgressInitializer")
        SmartInitializingSingleton dualmodeSidecarEgressInitializer(
                @LoadBalanced ObjectProvider<RestTemplate> templates, SidecarEgressInterceptor interceptor) {
            return () -> templates.forEach(template -> {
                List<ClientHttpRequestInterceptor> interceptors = new ArrayList<>(template.getInterceptors());
                interceptors.add(interceptor);
                template.setInterceptors(interceptors);
            });
        }
    }
}
