package io.dualmode.starter.dubbo;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.config.ConfigLoader;
import io.dualmode.sidecar.config.SidecarConfig;
import io.dualmode.starter.core.DualmodeAutoConfiguration;
import io.dualmode.starter.core.RegistrationContributor;
import io.dualmode.starter.core.SidecarGuard;
import io.dualmode.starter.core.SidecarUnavailableException;
import java.util.List;
import java.util.Map;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.spring.ServiceBean;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.GenericBeanDefinition;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.logging.DeferredLogs;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.DefaultResourceLoader;

class DualmodeDubboAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withInitializer(DualmodeDubboAutoConfigurationTest::postProcessEnvironment)
            .withConfiguration(
                    AutoConfigurations.of(DualmodeAutoConfiguration.class, DualmodeDubboAutoConfiguration.class));

    @Test
    void sdkModePointsDubboAtTheRegistryUnlessTheApplicationAlreadyDid() {
        runner.withPropertyValues("dualmode.registry.address=127.0.0.9:8848").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(DubboRegistrationContributor.class);
            assertThat(context.getEnvironment().getProperty("dubbo.registry.address"))
                    .isEqualTo("nacos://127.0.0.9:8848");
            assertThat(context.getEnvironment().getProperty("dubbo.application.service-discovery.migration"))
                    .isNull();
            assertThat(context.getEnvironment().getProperty("dubbo.application.register-mode"))
                    .isNull();
            assertThat(context.getEnvironment().getProperty("dubbo.consumer.parameters.heartbeat"))
                    .isNull();
        });
        runner.withPropertyValues(
                        "dualmode.registry.address=127.0.0.9:8848", "dubbo.registry.address=nacos://10.1.1.1:8848")
                .run(context -> assertThat(context.getEnvironment().getProperty("dubbo.registry.address"))
                        .isEqualTo("nacos://10.1.1.1:8848"));
    }

    @Test
    void theModeReachesDubbosOwnConfigurationAndTheApplicationCannotOverrideIt() {
        runner.withPropertyValues("dualmode.registry.address=127.0.0.9:8848", "dubbo.dualmode.mode=mesh")
                .run(context -> assertThat(context.getEnvironment().getProperty("dubbo.dualmode.mode"))
                        .isEqualTo("sdk"));
        Sidecar sidecar = readySidecar();
        try {
            runner.withPropertyValues(
                            "dualmode.mode=mesh",
                            "dualmode.sidecar.admin-port="
                                    + sidecar.adminAddress().getPort(),
                            "dubbo.dualmode.mode=sdk")
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        // what MeshEndpointAddressListener and DualmodeServiceInstanceCustomizer read through Dubbo
                        assertThat(context.getEnvironment().getProperty("dubbo.dualmode.mode"))
                                .isEqualTo("mesh");
                    });
        } finally {
            sidecar.close();
        }
    }

    @Test
    void theNamespaceGoesOnTheRegistryUrl() {
        runner.withPropertyValues("dualmode.registry.address=127.0.0.9:8848", "dualmode.registry.namespace=dev")
                .run(context -> assertThat(context.getEnvironment().getProperty("dubbo.registry.address"))
                        .isEqualTo("nacos://127.0.0.9:8848?namespace=dev"));
    }

    @Test
    void meshModeSendsDubboThroughTheSidecarAndDefaultsToInterfaceLevelDiscovery() {
        Sidecar sidecar = readySidecar();
        try {
            runner.withPropertyValues(
                            "dualmode.mode=mesh",
                            "dualmode.sidecar.admin-port="
                                    + sidecar.adminAddress().getPort(),
                            "dualmode.sidecar.registry-port=18848",
                            "dubbo.registry.address=nacos://10.1.1.1:8848")
                    .run(context -> {
                        assertThat(context).hasNotFailed().hasSingleBean(SidecarGuard.class);
                        var env = context.getEnvironment();
                        // the application's own registry would bypass the mesh: the sidecar wins
                        assertThat(env.getProperty("dubbo.registry.address")).isEqualTo("nacos://127.0.0.1:18848");
                        assertThat(env.getProperty("dubbo.application.register-mode"))
                                .isEqualTo("interface");
                        assertThat(env.getProperty("dubbo.application.service-discovery.migration"))
                                .isEqualTo("FORCE_INTERFACE");
                        // a restarted sidecar is reconnected within seconds, not Dubbo's default minute
                        assertThat(env.getProperty("dubbo.consumer.parameters.heartbeat"))
                                .isEqualTo("3000");
                        assertThat(env.getProperty(
                                        "dubbo.consumer.parameters.dubbo.application.least-reconnect-duration"))
                                .isEqualTo("3000");
                    });
            runner.withPropertyValues(
                            "dualmode.mode=mesh",
                            "dualmode.sidecar.admin-port="
                                    + sidecar.adminAddress().getPort(),
                            "dubbo.application.service-discovery.migration=APPLICATION_FIRST",
                            "dubbo.consumer.parameters.heartbeat=20000")
                    .run(context -> {
                        var env = context.getEnvironment();
                        assertThat(env.getProperty("dubbo.application.service-discovery.migration"))
                                .isEqualTo("APPLICATION_FIRST");
                        assertThat(env.getProperty("dubbo.consumer.parameters.heartbeat"))
                                .isEqualTo("20000");
                    });
        } finally {
            sidecar.close();
        }
    }

    @Test
    void meshModeMakesDubboServicesAndReferencesWaitForTheSidecar() {
        Sidecar sidecar = readySidecar();
        try {
            runner.withInitializer(DualmodeDubboAutoConfigurationTest::lazyServiceBeanDefinition)
                    .withPropertyValues(
                            "dualmode.mode=mesh",
                            "dualmode.sidecar.admin-port="
                                    + sidecar.adminAddress().getPort())
                    .run(context -> {
                        assertThat(context).hasNotFailed().hasSingleBean(MeshStartupOrder.class);
                        assertThat(context.getBeanFactory()
                                        .getBeanDefinition("greeterService")
                                        .getDependsOn())
                                .containsExactly(SidecarGuard.BEAN_NAME);
                    });
        } finally {
            sidecar.close();
        }
    }

    @Test
    void meshModeWithoutASidecarFailsBeforeAnyDubboBeanIsCreated() {
        runner.withInitializer(DualmodeDubboAutoConfigurationTest::lazyServiceBeanDefinition)
                .withPropertyValues(
                        "dualmode.mode=mesh", "dualmode.sidecar.admin-port=1", "dualmode.sidecar.startup-timeout=200ms")
                .run(context ->
                        assertThat(context).hasFailed().getFailure().isInstanceOf(SidecarUnavailableException.class));
    }

    @Test
    void sdkModeAndMeshModeWithoutTheCheckLeaveDubboBeansAlone() {
        runner.withInitializer(DualmodeDubboAutoConfigurationTest::lazyServiceBeanDefinition)
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(MeshStartupOrder.class);
                    assertThat(context.getBeanFactory()
                                    .getBeanDefinition("greeterService")
                                    .getDependsOn())
                            .isNull();
                });
        runner.withInitializer(DualmodeDubboAutoConfigurationTest::lazyServiceBeanDefinition)
                .withPropertyValues("dualmode.mode=mesh", "dualmode.sidecar.check-on-startup=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(MeshStartupOrder.class));
    }

    @Test
    void everyServiceCarriesTheDualmodeMetadataAndTheEndpointListsIt() {
        runner.withPropertyValues("spring.application.name=orders", "dualmode.registry.address=127.0.0.9:8848")
                .withBean("ordersService", ServiceConfig.class, DualmodeDubboAutoConfigurationTest::ordersService)
                .run(context -> {
                    ServiceConfig<?> service = context.getBean(ServiceConfig.class);
                    assertThat(service.getParameters())
                            .containsEntry("dualmode.mode", "sdk")
                            .containsEntry("dualmode.protocol", "dubbo")
                            .containsEntry("dualmode.application", "orders")
                            .containsEntry("team", "kept");
                    // not exported in this context: nothing registered yet
                    assertThat(context.getBean(RegistrationContributor.class).registrations())
                            .isEmpty();
                });
    }

    @Test
    void aServiceOnTheDefaultProtocolCarriesThatProtocol() {
        runner.withPropertyValues("spring.application.name=orders", "dubbo.protocol.name=tri")
                .withBean("ordersService", ServiceConfig.class, () -> {
                    ServiceConfig<Runnable> service = new ServiceConfig<>();
                    service.setInterface(Runnable.class);
                    return service;
                })
                .withBean("paymentsService", ServiceConfig.class, () -> {
                    ServiceConfig<Runnable> service = new ServiceConfig<>();
                    service.setInterface(Runnable.class);
                    service.setProtocols(List.of(new ProtocolConfig("dubbo", 20880)));
                    return service;
                })
                .run(context -> {
                    assertThat(context.getBean("ordersService", ServiceConfig.class)
                                    .getParameters())
                            .containsEntry("dualmode.protocol", "tri");
                    assertThat(context.getBean("paymentsService", ServiceConfig.class)
                                    .getParameters())
                            .containsEntry("dualmode.protocol", "dubbo");
                });
    }

    @Test
    void backsOffWhenDubboIsMissingDisabledOrTheBeanIsTheApplications() {
        runner.withClassLoader(new FilteredClassLoader(ServiceBean.class)).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(DubboRegistrationContributor.class);
            assertThat(context).doesNotHaveBean(ServiceMetadataPostProcessor.class);
            assertThat(context.getEnvironment().getProperty("dubbo.registry.address"))
                    .isNull();
        });
        runner.withPropertyValues("dubbo.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(DubboRegistrationContributor.class);
            assertThat(context.getEnvironment().getProperty("dubbo.registry.address"))
                    .isNull();
        });
        DubboRegistrationContributor own = new DubboRegistrationContributor(null, null, "x");
        runner.withBean(DubboRegistrationContributor.class, () -> own)
                .run(context -> assertThat(context.getBean(DubboRegistrationContributor.class))
                        .isSameAs(own));
    }

    private static ServiceConfig<?> ordersService() {
        ServiceConfig<Runnable> service = new ServiceConfig<>();
        service.setInterface(Runnable.class);
        service.setProtocols(List.of(new ProtocolConfig("dubbo", 20880)));
        service.setParameters(new java.util.HashMap<>(Map.of("team", "kept")));
        return service;
    }

    /** What Spring Boot does before the context exists; the runner has no SpringApplication, so the test does it. */
    private static void postProcessEnvironment(ConfigurableApplicationContext context) {
        SpringApplication application = new SpringApplication(new DefaultResourceLoader(context.getClassLoader()));
        new DubboModeEnvironmentPostProcessor(new DeferredLogs())
                .postProcessEnvironment(context.getEnvironment(), application);
    }

    private static void lazyServiceBeanDefinition(ConfigurableApplicationContext context) {
        GenericBeanDefinition definition = new GenericBeanDefinition();
        definition.setBeanClassName(ServiceBean.class.getName());
        definition.setLazyInit(true);
        ((org.springframework.beans.factory.support.BeanDefinitionRegistry) context.getBeanFactory())
                .registerBeanDefinition("greeterService", definition);
    }

    private static Sidecar readySidecar() {
        return Sidecar.create(SidecarConfig.builder()
                        .workers(1)
                        .admin(ConfigLoader.parse("admin: {address: 127.0.0.1, port: 0}", "test")
                                .admin())
                        .build())
                .start();
    }
}
