package io.dualmode.starter.sofa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alipay.sofa.rpc.config.RegistryConfig;
import com.alipay.sofa.rpc.config.ServerConfig;
import io.dualmode.registry.RegistryServer;
import io.dualmode.registry.naming.Instance;
import io.dualmode.registry.naming.ServiceKey;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.agent.MeshAgent;
import io.dualmode.sidecar.agent.SidecarDataPlane;
import io.dualmode.sidecar.config.ConfigLoader;
import io.dualmode.starter.core.DualmodeAutoConfiguration;
import io.dualmode.starter.core.DualmodeEndpoint;
import io.dualmode.starter.core.RegistrationContributor;
import io.dualmode.starter.core.SidecarGuard;
import io.dualmode.starter.core.SidecarUnavailableException;
import io.dualmode.starter.sofa.demo.Greeter;
import io.dualmode.starter.sofa.demo.GreeterCaller;
import io.dualmode.starter.sofa.demo.GreeterImpl;
import java.io.IOException;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The starter in an {@link ApplicationContextRunner} with real SOFARPC on Bolt, a real registry and, for mesh mode, a
 * real sidecar with its registry agent — all in this JVM, on loopback, on Spring Boot's own Jackson and Netty.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DualmodeSofaAutoConfigurationTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static RegistryServer registry;

    private final String token = "t" + UUID.randomUUID().toString().substring(0, 8);
    private final String serviceName = Greeter.class.getName() + ":" + token + ":DEFAULT";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    DualmodeAutoConfiguration.class,
                    DualmodeSofaAutoConfiguration.class,
                    EndpointAutoConfiguration.class))
            .withPropertyValues(
                    "spring.application.name=greeter-app",
                    "test.unique-id=" + token,
                    "dualmode.registry.address=" + registry.address(),
                    "dualmode.sofa.bolt.bind-host=127.0.0.1",
                    "dualmode.sofa.bolt.port=" + freePort());

    @BeforeAll
    static void startRegistry() {
        registry = RegistryServer.builder().host("127.0.0.1").port(0).build().start();
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @Test
    void sdkModeRegistersAtTheRegistryWithTheDualmodeMetadataAndCallsOverBolt() {
        runner.withBean(GreeterImpl.class).withBean(GreeterCaller.class).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(SidecarGuard.class);
            assertThat(context.getBean(RegistryConfig.class).getAddress()).isEqualTo(registry.address() + "/sofa-rpc");

            await().atMost(WAIT).until(() -> !registered().isEmpty());
            Instance instance = registered().get(0);
            assertThat(instance.ip()).isEqualTo("127.0.0.1");
            assertThat(instance.port())
                    .isEqualTo(context.getBean(ServerConfig.class).getPort());
            assertThat(instance.metadata())
                    .containsEntry("dualmode.mode", "sdk")
                    .containsEntry("dualmode.protocol", "bolt")
                    .containsEntry("dualmode.application", "greeter-app")
                    .containsEntry("protocol", "bolt");

            Greeter greeter = context.getBean(GreeterCaller.class).greeter();
            await().atMost(WAIT).ignoreExceptions().until(() -> greeter.greet("sdk"), "hello sdk"::equals);

            List<RegistrationContributor.Registration> registrations =
                    context.getBean(RegistrationContributor.class).registrations();
            assertThat(registrations)
                    .singleElement()
                    .satisfies(r -> assertThat(r.service()).isEqualTo(serviceName))
                    .satisfies(r -> assertThat(r.protocol()).isEqualTo("bolt"));
        });
        // Closing the context unexports: the instance is gone from the registry.
        await().atMost(WAIT).until(() -> registered().isEmpty());
    }

    @Test
    void withoutAUniqueIdTheServiceIsExportedAndCalledUnderItsInterfaceName() {
        // An empty uniqueId (the annotations' default) means none: SOFARPC itself refuses "".
        String plainName = Greeter.class.getName() + ":DEFAULT";
        runner.withPropertyValues("test.unique-id=")
                .withBean(GreeterImpl.class)
                .withBean(GreeterCaller.class)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    await().atMost(WAIT).until(() -> !registry.naming()
                            .instances(new ServiceKey("sofa-rpc", null, plainName))
                            .isEmpty());
                    Greeter greeter = context.getBean(GreeterCaller.class).greeter();
                    await().atMost(WAIT).ignoreExceptions().until(() -> greeter.greet("plain"), "hello plain"::equals);
                });
    }

    @Test
    void meshModeRegistersAndSubscribesThroughTheSidecarWhichPublishesItsIngress() throws Exception {
        try (Sidecar sidecar = Sidecar.create(ConfigLoader.parse(
                                """
                        workers: 1
                        admin: {address: 127.0.0.1, port: 0}
                        listeners:
                          - {name: egress-bolt, direction: egress, protocol: bolt, address: 127.0.0.1, port: 0}
                          - {name: ingress-bolt, direction: ingress, protocol: bolt, address: 127.0.0.1, port: 0}
                        """,
                                "test"))
                        .start();
                MeshAgent agent = MeshAgent.builder(
                                registry.address(), new SidecarDataPlane(sidecar, "127.0.0.1"), sidecar.mode())
                        .localPort(0)
                        .build()
                        .start()) {
            int ingressPort = sidecar.listenerAddress("ingress-bolt").getPort();
            runner.withPropertyValues(
                            "dualmode.mode=mesh",
                            "dualmode.sidecar.admin-port="
                                    + sidecar.adminAddress().getPort(),
                            "dualmode.sidecar.registry-port="
                                    + agent.localAddress().split(":")[1],
                            "management.endpoints.web.exposure.include=dualmode")
                    .withBean(GreeterImpl.class)
                    .withBean(GreeterCaller.class)
                    .run(context -> {
                        assertThat(context).hasNotFailed().hasSingleBean(SidecarGuard.class);
                        assertThat(context.getBean(RegistryConfig.class).getAddress())
                                .isEqualTo(agent.localAddress() + "/sofa-rpc");
                        await().atMost(WAIT).until(() -> !registered().isEmpty());
                        Instance instance = registered().get(0);
                        assertThat(instance.port()).isEqualTo(ingressPort);
                        assertThat(instance.metadata())
                                .containsEntry("dualmode.mode", "mesh")
                                .containsEntry("dualmode.protocol", "bolt")
                                .containsEntry("dualmode.application", "greeter-app");

                        Greeter greeter = context.getBean(GreeterCaller.class).greeter();
                        await().atMost(WAIT)
                                .ignoreExceptions()
                                .until(() -> greeter.greet("mesh"), "hello mesh"::equals);
                        assertThat(context.getBean(DualmodeEndpoint.class).describe())
                                .containsEntry("mode", "mesh")
                                .containsEntry("registryAddress", agent.localAddress());
                    });
        }
    }

    @Test
    void meshModeWithoutASidecarFailsBeforeAnythingRegisters() throws IOException {
        int closed = freePort();
        runner.withPropertyValues(
                        "dualmode.mode=mesh",
                        "dualmode.sidecar.admin-port=" + closed,
                        "dualmode.sidecar.startup-timeout=300ms")
                .withBean(GreeterImpl.class)
                .withBean(GreeterCaller.class)
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).isInstanceOf(SidecarUnavailableException.class);
                });
        assertThat(registered()).isEmpty();
    }

    @Test
    void backsOffWithoutSofaRpcOnTheClasspath() {
        runner.withClassLoader(new FilteredClassLoader("com.alipay.sofa.rpc")).run(context -> assertThat(context)
                .hasNotFailed()
                .doesNotHaveBean(SofaRpcRuntime.class)
                .doesNotHaveBean(DualmodeSofaProperties.class));
    }

    @Test
    void backsOffWithoutNacosClient() {
        runner.withClassLoader(new FilteredClassLoader("com.alibaba.nacos"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SofaRpcRuntime.class));
    }

    @Test
    void backsOffWhenDisabled() {
        runner.withPropertyValues("dualmode.sofa.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SofaRpcRuntime.class));
    }

    @Test
    void theApplicationsOwnRegistryConfigWins() {
        RegistryConfig own = new RegistryConfig().setProtocol("nacos").setAddress("127.0.0.9:8848/mine");
        runner.withBean(RegistryConfig.class, () -> own)
                .run(context -> assertThat(context.getBean(SofaRpcRuntime.class).registry())
                        .isSameAs(own));
    }

    @Test
    void propertiesShapeTheRegistryAddressAndTheBoltServer() {
        runner.withPropertyValues(
                        "dualmode.registry.namespace=shared",
                        "dualmode.sofa.bolt.bind-host=0.0.0.0",
                        "dualmode.sofa.bolt.registered-host=127.0.0.5",
                        "dualmode.sofa.application-name=explicit-app")
                .run(context -> {
                    assertThat(context.getBean(RegistryConfig.class).getAddress())
                            .isEqualTo(registry.address() + "/shared");
                    assertThat(context.getBean(RegistryConfig.class).getParameters())
                            .containsEntry("nacos.remote.client.grpc.server.check.timeout", "10000")
                            .containsEntry("namingRequestTimeout", "10000");
                    ServerConfig server = context.getBean(ServerConfig.class);
                    assertThat(server.getBoundHost()).isEqualTo("0.0.0.0");
                    assertThat(server.getVirtualHost()).isEqualTo("127.0.0.5");
                    assertThat(context.getBean(com.alipay.sofa.rpc.config.ApplicationConfig.class)
                                    .getAppName())
                            .isEqualTo("explicit-app");
                });
        runner.withPropertyValues("dualmode.sofa.namespace=own", "dualmode.sofa.bolt.bind-host=0.0.0.0")
                .run(context -> {
                    assertThat(context.getBean(RegistryConfig.class).getAddress())
                            .isEqualTo(registry.address() + "/own");
                    assertThat(context.getBean(ServerConfig.class).getVirtualHost())
                            .isNull();
                });
    }

    @Test
    void aServiceBeanWithTwoInterfacesMustSayWhichToExport() {
        runner.withBean(TwoFaced.class).run(context -> assertThat(context)
                .hasFailed()
                .getFailure()
                .rootCause()
                .hasMessageContaining("DUALMODE-0101")
                .hasMessageContaining("interfaceType"));
    }

    @Test
    void anInvalidPropertyIsRejected() {
        runner.withPropertyValues("dualmode.sofa.bolt.port=0")
                .run(context ->
                        assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("bolt.port"));
    }

    /** Implements two interfaces and does not say which to export. */
    @DualmodeSofaService
    static class TwoFaced implements Greeter, Serializable {
        @Override
        public String greet(String name) {
            return name;
        }
    }

    private List<Instance> registered() {
        return registry.naming().instances(new ServiceKey("sofa-rpc", null, serviceName));
    }

    /**
     * A TCP port free on 127.0.0.1 right now, below the kernel's ephemeral range (32768 and up), so no outgoing
     * connection is given it as its local port before the test binds it (a port the kernel hands out from port 0 is in
     * that range; seen taken so under load).
     */
    private static int freePort() {
        for (int i = 0; i < 500; i++) {
            int port = 20_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(11_000);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new java.io.UncheckedIOException(new IOException("no free port in 20000..30999 on loopback"));
    }
}
