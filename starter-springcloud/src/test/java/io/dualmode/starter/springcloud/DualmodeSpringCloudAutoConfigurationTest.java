package io.dualmode.starter.springcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.pojo.Instance;
import io.dualmode.registry.RegistryServer;
import io.dualmode.sidecar.Mode;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.agent.MeshAgent;
import io.dualmode.sidecar.agent.SidecarDataPlane;
import io.dualmode.sidecar.config.ConfigLoader;
import io.dualmode.sidecar.config.SidecarConfig;
import io.dualmode.starter.core.DualmodeAutoConfiguration;
import io.dualmode.starter.core.DualmodeEndpoint;
import io.dualmode.starter.core.SidecarGuard;
import io.dualmode.starter.core.SidecarUnavailableException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.client.serviceregistry.ServiceRegistry;

/**
 * The auto-configuration against a real registry, and in mesh mode a real sidecar (in-process {@link Sidecar} and
 * {@link MeshAgent}): mode flips by property, frameworks hidden with {@link FilteredClassLoader}, back-offs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DualmodeSpringCloudAutoConfigurationTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(DualmodeAutoConfiguration.class, DualmodeSpringCloudAutoConfiguration.class))
            .withPropertyValues("spring.application.name=orders-app", "management.endpoints.web.exposure.include=*");

    private RegistryServer registry;
    private NamingService observer;

    @BeforeEach
    void startRegistry() throws Exception {
        registry = RegistryServer.builder().host("127.0.0.1").port(0).build().start();
        Properties p = new Properties();
        p.setProperty(PropertyKeyConst.SERVER_ADDR, registry.address());
        p.setProperty(PropertyKeyConst.NAMING_LOAD_CACHE_AT_START, "false");
        observer = NacosFactory.createNamingService(p);
    }

    @AfterEach
    void stopRegistry() throws Exception {
        observer.shutDown();
        registry.close();
    }

    @Test
    void sdkModeRegistersAndDiscoversAtTheRegistryWithInstanceMetadata() {
        runner.withPropertyValues(
                        "dualmode.registry.address=" + registry.address(),
                        "dualmode.springcloud.service=orders",
                        "dualmode.springcloud.ip=127.0.0.7",
                        "dualmode.springcloud.port=18080",
                        "dualmode.springcloud.metadata.zone=a")
                .run(context -> {
                    assertThat(context)
                            .hasNotFailed()
                            .hasSingleBean(DualmodeDiscoveryClient.class)
                            .hasSingleBean(DualmodeReactiveDiscoveryClient.class)
                            .hasSingleBean(DualmodeServiceRegistry.class)
                            .doesNotHaveBean(SidecarEgressInterceptor.class);
                    DualmodeAutoServiceRegistration auto = context.getBean(DualmodeAutoServiceRegistration.class);
                    auto.start();
                    await().atMost(WAIT)
                            .until(() -> observer.getAllInstances("orders").size() == 1);
                    Instance registered = observer.getAllInstances("orders").get(0);
                    assertThat(registered.getIp() + ":" + registered.getPort()).isEqualTo("127.0.0.7:18080");
                    assertThat(registered.getMetadata())
                            .containsEntry("dualmode.mode", "sdk")
                            .containsEntry("dualmode.protocol", "http")
                            .containsEntry("dualmode.application", "orders-app")
                            .containsEntry("zone", "a");

                    List<ServiceInstance> found =
                            context.getBean(DiscoveryClient.class).getInstances("orders");
                    assertThat(found).singleElement().satisfies(i -> {
                        assertThat(i.getHost()).isEqualTo("127.0.0.7");
                        assertThat(i.getPort()).isEqualTo(18080);
                        assertThat(i.getMetadata()).containsEntry("dualmode.mode", "sdk");
                    });
                    assertThat(context.getBean(ReactiveDiscoveryClient.class)
                                    .getInstances("orders")
                                    .collectList()
                                    .block(WAIT))
                            .hasSize(1);
                    assertThat(context.getBean(DiscoveryClient.class).getServices())
                            .contains("orders");
                    assertThat(context.getBean(DualmodeEndpoint.class).describe())
                            .extractingByKey("registrations")
                            .asList()
                            .singleElement()
                            .hasToString(new io.dualmode.starter.core.RegistrationContributor.Registration(
                                            "orders",
                                            "http",
                                            "127.0.0.7:18080",
                                            context.getBean(DualmodeRegistration.class)
                                                    .getMetadata())
                                    .toString());

                    auto.stop();
                    await().atMost(WAIT)
                            .until(() -> observer.getAllInstances("orders").isEmpty());
                });
    }

    @Test
    void meshModeRegistersAndDiscoversThroughTheSidecar() throws Exception {
        try (Sidecar sidecar = Sidecar.create(sidecarConfig(), Mode.MESH).start();
                MeshAgent agent = MeshAgent.builder(
                                registry.address(), new SidecarDataPlane(sidecar, "127.0.0.5"), sidecar.mode())
                        .localPort(0)
                        .build()
                        .start()) {
            int localPort = Integer.parseInt(agent.localAddress().substring("127.0.0.1:".length()));
            Instance sdkProvider = new Instance();
            sdkProvider.setIp("127.0.0.8");
            sdkProvider.setPort(19090);
            sdkProvider.setMetadata(Map.of("dualmode.mode", "sdk", "dualmode.protocol", "http"));
            observer.registerInstance("payments", sdkProvider);

            runner.withPropertyValues(
                            "dualmode.mode=mesh",
                            "dualmode.registry.address=" + registry.address(),
                            "dualmode.sidecar.registry-port=" + localPort,
                            "dualmode.sidecar.admin-port="
                                    + sidecar.adminAddress().getPort(),
                            "dualmode.springcloud.service=orders",
                            "dualmode.springcloud.port=18080")
                    .run(context -> {
                        assertThat(context).hasNotFailed().hasSingleBean(SidecarEgressInterceptor.class);
                        assertThat(context.getBeanFactory()
                                        .getBeanDefinition("dualmodeNamingService")
                                        .getDependsOn())
                                .containsExactly(SidecarGuard.BEAN_NAME);
                        DualmodeRegistration registration = context.getBean(DualmodeRegistration.class);
                        assertThat(registration.getHost()).isEqualTo("127.0.0.1");
                        context.getBean(DualmodeAutoServiceRegistration.class).start();

                        // The registry sees the sidecar's ingress, marked mesh; the sidecar routes it to the app.
                        await().atMost(WAIT)
                                .until(() -> observer.getAllInstances("orders").size() == 1);
                        Instance published = observer.getAllInstances("orders").get(0);
                        assertThat(published.getIp()).isEqualTo("127.0.0.5");
                        assertThat(published.getPort()).isNotEqualTo(18080);
                        assertThat(published.getMetadata())
                                .containsEntry("dualmode.mode", "mesh")
                                .containsEntry("dualmode.application", "orders-app");

                        // The application is handed the sidecar's egress for a provider that is not in the mesh.
                        List<ServiceInstance> payments =
                                context.getBean(DiscoveryClient.class).getInstances("payments");
                        String egress =
                                sidecar.listenerAddress("egress-http-payments").getPort() + "";
                        assertThat(payments).singleElement().satisfies(i -> {
                            assertThat(i.getHost()).isEqualTo("127.0.0.1");
                            assertThat(String.valueOf(i.getPort())).isEqualTo(egress);
                        });
                    });
            await().atMost(WAIT).until(() -> observer.getAllInstances("orders").isEmpty());
        }
    }

    @Test
    void aRegistrationTheRegistryDoesNotAnswerIsCompletedOnceItDoes() throws Exception {
        int port = freePortPair();
        runner.withPropertyValues(
                        "dualmode.registry.address=127.0.0.1:" + port,
                        "dualmode.springcloud.service=late",
                        "dualmode.springcloud.ip=127.0.0.7",
                        "dualmode.springcloud.port=18081")
                .run(context -> {
                    // Start-up goes on: nacos-client keeps the instance and registers it when the registry answers.
                    context.getBean(DualmodeAutoServiceRegistration.class).start();
                    try (RegistryServer late = RegistryServer.builder()
                            .host("127.0.0.1")
                            .port(port)
                            .build()
                            .start()) {
                        Properties p = new Properties();
                        p.setProperty(PropertyKeyConst.SERVER_ADDR, late.address());
                        NamingService lateObserver = NacosFactory.createNamingService(p);
                        try {
                            await().atMost(Duration.ofSeconds(40))
                                    .until(() -> lateObserver
                                                    .getAllInstances("late", false)
                                                    .size()
                                            == 1);
                        } finally {
                            lateObserver.shutDown();
                        }
                    }
                });
    }

    private static int freePortPair() throws Exception {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket http = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                int port = http.getLocalPort();
                if (port + 1000 < 65_536) {
                    try (ServerSocket grpc =
                            new ServerSocket(port + 1000, 1, java.net.InetAddress.getLoopbackAddress())) {
                        return port;
                    } catch (java.io.IOException taken) {
                        // try another
                    }
                }
            }
        }
        throw new IllegalStateException("no free port pair");
    }

    @Test
    void meshModeCreatesNoNacosClientBeforeTheSidecarIsReady() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        runner.withPropertyValues(
                        "dualmode.mode=mesh",
                        "dualmode.sidecar.admin-port=" + closed,
                        "dualmode.sidecar.startup-timeout=200ms")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure())
                            .hasStackTraceContaining(SidecarUnavailableException.class.getName());
                });
        runner.withPropertyValues(
                        "dualmode.mode=mesh",
                        "dualmode.sidecar.check-on-startup=false",
                        "dualmode.sidecar.registry-port=" + closed)
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(NamingService.class));
    }

    @Test
    void backsOffWithoutNacosClientOrSpringCloud() {
        runner.withClassLoader(new FilteredClassLoader(NamingService.class)).run(context -> assertThat(context)
                .hasNotFailed()
                .doesNotHaveBean(DiscoveryClient.class)
                .doesNotHaveBean(ServiceRegistry.class));
        runner.withClassLoader(new FilteredClassLoader(DiscoveryClient.class)).run(context -> assertThat(context)
                .hasNotFailed()
                .doesNotHaveBean(NamingService.class)
                .doesNotHaveBean(ServiceRegistry.class));
        runner.withPropertyValues("spring.cloud.discovery.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(NamingService.class));
        runner.withPropertyValues(
                        "dualmode.registry.address=" + registry.address(),
                        "spring.cloud.service-registry.auto-registration.enabled=false")
                .run(context -> assertThat(context)
                        .hasSingleBean(DualmodeDiscoveryClient.class)
                        .doesNotHaveBean(DualmodeAutoServiceRegistration.class));
        runner.withPropertyValues(
                        "dualmode.registry.address=" + registry.address(),
                        "spring.cloud.discovery.reactive.enabled=false")
                .run(context -> assertThat(context)
                        .hasSingleBean(DualmodeDiscoveryClient.class)
                        .doesNotHaveBean(ReactiveDiscoveryClient.class));
    }

    @Test
    void keepsTheApplicationsOwnBeans() throws Exception {
        NamingService own = NacosFactory.createNamingService(registry.address());
        try {
            runner.withBean("ownNaming", NamingService.class, () -> own)
                    .withBean(
                            "ownRegistration",
                            DualmodeRegistration.class,
                            () -> new DualmodeRegistration(
                                    "custom", "127.0.0.9", 1234, new DualmodeSpringCloudProperties(), Map.of()))
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        assertThat(context.getBean(NamingService.class)).isSameAs(own);
                        assertThat(context.getBean(DualmodeRegistration.class).getServiceId())
                                .isEqualTo("custom");
                    });
        } finally {
            own.shutDown();
        }
    }

    @Test
    void meshModeLoadBalancedRestTemplatesKeepTheLoadBalancerAndNameTheSidecarWhenRefused() {
        runner.withConfiguration(AutoConfigurations.of(
                        org.springframework.cloud.client.loadbalancer.LoadBalancerAutoConfiguration.class))
                .withUserConfiguration(RestTemplates.class)
                .withBean(
                        org.springframework.cloud.client.loadbalancer.LoadBalancerClient.class,
                        () -> org.mockito.Mockito.mock(
                                org.springframework.cloud.client.loadbalancer.LoadBalancerClient.class))
                .withPropertyValues("dualmode.mode=mesh", "dualmode.sidecar.check-on-startup=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    org.springframework.web.client.RestTemplate balanced =
                            context.getBean("balanced", org.springframework.web.client.RestTemplate.class);
                    assertThat(balanced.getInterceptors())
                            .hasAtLeastOneElementOfType(
                                    org.springframework.cloud.client.loadbalancer.LoadBalancerInterceptor.class)
                            .hasAtLeastOneElementOfType(SidecarEgressInterceptor.class);
                    assertThat(context.getBean("plain", org.springframework.web.client.RestTemplate.class)
                                    .getInterceptors())
                            .isEmpty();
                });
        runner.withConfiguration(AutoConfigurations.of(
                        org.springframework.cloud.client.loadbalancer.LoadBalancerAutoConfiguration.class))
                .withUserConfiguration(RestTemplates.class)
                .withPropertyValues("dualmode.registry.address=" + registry.address())
                .run(context -> assertThat(context).doesNotHaveBean(SidecarEgressInterceptor.class));
    }

    @Test
    void meshModeLoadBalancedWebClientBuildersNameTheSidecarWhenRefused() {
        runner.withUserConfiguration(WebClientBuilders.class)
                .withPropertyValues("dualmode.mode=mesh", "dualmode.sidecar.check-on-startup=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    java.util.List<Object> balanced = new java.util.ArrayList<>();
                    context.getBean(
                                    "balancedWebClient",
                                    org.springframework.web.reactive.function.client.WebClient.Builder.class)
                            .filters(balanced::addAll);
                    assertThat(balanced).hasAtLeastOneElementOfType(SidecarEgressFilter.class);
                    java.util.List<Object> plain = new java.util.ArrayList<>();
                    context.getBean(
                                    "plainWebClient",
                                    org.springframework.web.reactive.function.client.WebClient.Builder.class)
                            .filters(plain::addAll);
                    assertThat(plain).isEmpty();
                });
    }

    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    static class WebClientBuilders {
        @org.springframework.context.annotation.Bean
        @org.springframework.cloud.client.loadbalancer.LoadBalanced
        org.springframework.web.reactive.function.client.WebClient.Builder balancedWebClient() {
            return org.springframework.web.reactive.function.client.WebClient.builder();
        }

        @org.springframework.context.annotation.Bean
        org.springframework.web.reactive.function.client.WebClient.Builder plainWebClient() {
            return org.springframework.web.reactive.function.client.WebClient.builder();
        }
    }

    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    static class RestTemplates {
        @org.springframework.context.annotation.Bean
        @org.springframework.cloud.client.loadbalancer.LoadBalanced
        org.springframework.web.client.RestTemplate balanced() {
            return new org.springframework.web.client.RestTemplate();
        }

        @org.springframework.context.annotation.Bean
        org.springframework.web.client.RestTemplate plain() {
            return new org.springframework.web.client.RestTemplate();
        }
    }

    @Test
    void registrationAddressFollowsTheMode() {
        runner.withPropertyValues("dualmode.mode=mesh", "dualmode.sidecar.check-on-startup=false")
                .run(context -> assertThat(
                                context.getBean(DualmodeRegistration.class).getHost())
                        .isEqualTo("127.0.0.1"));
        runner.withPropertyValues("server.address=127.0.0.6").run(context -> assertThat(
                        context.getBean(DualmodeRegistration.class).getHost())
                .isEqualTo("127.0.0.6"));
        runner.withPropertyValues("server.address=0.0.0.0").run(context -> assertThat(
                        context.getBean(DualmodeRegistration.class).getHost())
                .isNotEqualTo("0.0.0.0"));
    }

    private static SidecarConfig sidecarConfig() {
        return ConfigLoader.parse("workers: 1\nadmin: {address: 127.0.0.1, port: 0}", "test");
    }
}
