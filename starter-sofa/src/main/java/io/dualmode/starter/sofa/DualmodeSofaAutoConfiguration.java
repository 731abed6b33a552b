package io.dualmode.starter.sofa;

import com.alipay.sofa.rpc.config.ApplicationConfig;
import com.alipay.sofa.rpc.config.RegistryConfig;
import com.alipay.sofa.rpc.config.ServerConfig;
import io.dualmode.starter.core.DualmodeAutoConfiguration;
import io.dualmode.starter.core.DualmodeProperties;
import io.dualmode.starter.core.SidecarGuard;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * SOFARPC over Bolt with SOFARPC's Nacos registry, pointed at {@link DualmodeProperties#effectiveRegistryAddress()}:
 * the registry in SDK mode, the local sidecar's registry endpoint in mesh mode (after {@link SidecarGuard} has seen the
 * sidecar ready). Every bean can be replaced by one of the application's own.
 */
@AutoConfiguration(after = DualmodeAutoConfiguration.class)
@ConditionalOnClass(name = {"com.alipay.sofa.rpc.config.ProviderConfig", "com.alibaba.nacos.api.naming.NamingService"})
@ConditionalOnProperty(prefix = "dualmode.sofa", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(DualmodeSofaProperties.class)
public class DualmodeSofaAutoConfiguration {

    /** SOFARPC's default Nacos namespace. */
    static final String SOFA_NAMESPACE = "sofa-rpc";

    @Bean
    @ConditionalOnMissingBean
    ApplicationConfig dualmodeSofaApplication(DualmodeSofaProperties sofa, Environment environment) {
        String name = StringUtils.hasText(sofa.getApplicationName())
                ? sofa.getApplicationName()
                : environment.getProperty("spring.application.name", "application");
        return new ApplicationConfig().setAppName(name);
    }

    @Bean
    @ConditionalOnMissingBean
    RegistryConfig dualmodeSofaRegistry(DualmodeProperties dualmode, DualmodeSofaProperties sofa) {
        return new RegistryConfig()
                .setProtocol("nacos")
                .setAddress(dualmode.effectiveRegistryAddress() + "/" + namespace(dualmode, sofa))
                .setParameters(new java.util.LinkedHashMap<>(sofa.getRegistryParameters()));
    }

    @Bean
    @ConditionalOnMissingBean
    ServerConfig dualmodeSofaServer(DualmodeSofaProperties sofa) {
        DualmodeSofaProperties.Bolt bolt = sofa.getBolt();
        ServerConfig server = new ServerConfig()
                .setProtocol(SofaRpcRuntime.PROTOCOL)
                .setPort(bolt.getPort())
                .setHost(bolt.getBindHost())
                .setBoundHost(bolt.getBindHost())
                .setAdaptivePort(false);
        String registered = registeredHost(bolt);
        if (registered != null) {
            server.setVirtualHost(registered);
        }
        return server;
    }

    /** In mesh mode, created only after the sidecar guard: the first export or reference registers through it. */
    @Bean
    @ConditionalOnMissingBean
    SofaRpcRuntime dualmodeSofaRuntime(
            DualmodeProperties dualmode,
            DualmodeSofaProperties sofa,
            ApplicationConfig application,
            RegistryConfig registry,
            ServerConfig server,
            ObjectProvider<SidecarGuard> guard,
            Environment environment) {
        guard.ifAvailable(g -> {}); // the guard has checked the sidecar once it exists
        return new SofaRpcRuntime(dualmode, sofa, application, registry, server, environment);
    }

    @Bean
    @ConditionalOnMissingBean
    SofaServiceExporter dualmodeSofaServiceExporter(ApplicationContext context, SofaRpcRuntime runtime) {
        return new SofaServiceExporter(context, runtime);
    }

    @Bean
    @ConditionalOnMissingBean
    static SofaReferenceInjector dualmodeSofaReferenceInjector(ObjectProvider<SofaRpcRuntime> runtime) {
        return new SofaReferenceInjector(runtime);
    }

    @Bean
    @ConditionalOnMissingBean
    SofaRegistrationContributor dualmodeSofaRegistrations(SofaRpcRuntime runtime) {
        return new SofaRegistrationContributor(runtime);
    }

    static String namespace(DualmodeProperties dualmode, DualmodeSofaProperties sofa) {
        if (StringUtils.hasText(sofa.getNamespace())) {
            return sofa.getNamespace();
        }
        String shared = dualmode.getRegistry().getNamespace();
        return StringUtils.hasText(shared) ? shared : SOFA_NAMESPACE;
    }

    /** SOFARPC registers the machine's address for a wildcard or loopback host unless given a virtual host. */
    static String registeredHost(DualmodeSofaProperties.Bolt bolt) {
        if (StringUtils.hasText(bolt.getRegisteredHost())) {
            return bolt.getRegisteredHost();
        }
        String bind = bolt.getBindHost();
        return bind.equals("0.0.0.0") || bind.equals("::") ? null : bind;
    }
}
