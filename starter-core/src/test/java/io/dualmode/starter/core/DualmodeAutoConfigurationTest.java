package io.dualmode.starter.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.config.ConfigLoader;
import io.dualmode.sidecar.config.SidecarConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class DualmodeAutoConfigurationTest {

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(DualmodeAutoConfiguration.class));

    @Test
    void sdkModeIsTheDefaultAndUsesTheRegistryDirectly() {
        runner.withPropertyValues(
                        "dualmode.registry.address=127.0.0.9:8848",
                        "management.endpoints.web.exposure.include=dualmode")
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(SidecarGuard.class);
                    DualmodeProperties properties = context.getBean(DualmodeProperties.class);
                    assertThat(properties.getMode()).isEqualTo(DualmodeMode.SDK);
                    assertThat(properties.effectiveRegistryAddress()).isEqualTo("127.0.0.9:8848");
                    assertThat(context.getBean(DualmodeEndpoint.class).describe())
                            .containsEntry("mode", "sdk")
                            .containsEntry("registryAddress", "127.0.0.9:8848");
                });
    }

    @Test
    void meshModeFailsStartUpWithAnExplanationWhenNoSidecarAnswers() throws IOException {
        int closedPort = closedPort();
        java.util.concurrent.atomic.AtomicBoolean anyBeanCreated = new java.util.concurrent.atomic.AtomicBoolean();
        runner.withBean("frameworkBean", Object.class, () -> {
                    anyBeanCreated.set(true); // a framework's registry client would connect here
                    return new Object();
                })
                .withPropertyValues(
                        "dualmode.mode=mesh",
                        "dualmode.sidecar.admin-port=" + closedPort,
                        "dualmode.sidecar.startup-timeout=300ms")
                .run(context -> {
                    assertThat(context).hasFailed();
                    Throwable failure = context.getStartupFailure();
                    SidecarUnavailableException cause = findCause(failure);
                    assertThat(cause.getMessage()).startsWith("DUALMODE-0001").contains(":" + closedPort);
                    FailureAnalysis analysis = new SidecarUnavailableFailureAnalyzer().analyze(failure);
                    assertThat(analysis.getDescription()).contains("dualmode.mode=mesh");
                    assertThat(analysis.getAction())
                            .contains("dualmode.sidecar.launch=true")
                            .contains("dualmode.mode=sdk");
                    assertThat(anyBeanCreated)
                            .as("start-up fails before any bean is created")
                            .isFalse();
                });
    }

    @Test
    void meshModeStartsWhenTheSidecarIsReadyAndPointsTheFrameworkAtIt() {
        Sidecar sidecar = Sidecar.create(minimalSidecar()).start();
        try {
            int adminPort = sidecar.adminAddress().getPort();
            runner.withPropertyValues(
                            "dualmode.mode=MESH",
                            "dualmode.sidecar.admin-port=" + adminPort,
                            "dualmode.sidecar.registry-port=18848")
                    .run(context -> {
                        assertThat(context).hasNotFailed().hasSingleBean(SidecarGuard.class);
                        assertThat(context.getBean(DualmodeProperties.class).effectiveRegistryAddress())
                                .isEqualTo("127.0.0.1:18848");
                        Health health =
                                context.getBean(DualmodeHealthIndicator.class).health();
                        assertThat(health.getStatus()).isEqualTo(Status.UP);
                        assertThat(health.getDetails()).containsEntry("sidecar", "ready");
                    });
        } finally {
            sidecar.stop();
        }
    }

    @Test
    void healthGoesDownWhenTheSidecarGoesAway() {
        Sidecar sidecar = Sidecar.create(minimalSidecar()).start();
        int adminPort = sidecar.adminAddress().getPort();
        runner.withPropertyValues("dualmode.mode=mesh", "dualmode.sidecar.admin-port=" + adminPort)
                .run(context -> {
                    DualmodeHealthIndicator indicator = context.getBean(DualmodeHealthIndicator.class);
                    assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
                    sidecar.stop();
                    Health down = indicator.health();
                    assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                    assertThat((String) down.getDetails().get("sidecar")).contains("nothing answers");
                });
    }

    @Test
    void sdkHealthReflectsWhetherTheRegistryAcceptsConnections() throws IOException {
        try (ServerSocket registry = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int port = registry.getLocalPort();
            runner.withPropertyValues("dualmode.registry.address=127.0.0.1:" + port)
                    .run(context -> assertThat(context.getBean(DualmodeHealthIndicator.class)
                                    .health()
                                    .getStatus())
                            .isEqualTo(Status.UP));
        }
        int closed = closedPort();
        runner.withPropertyValues("dualmode.registry.address=127.0.0.1:" + closed)
                .run(context -> assertThat(context.getBean(DualmodeHealthIndicator.class)
                                .health()
                                .getStatus())
                        .isEqualTo(Status.DOWN));
    }

    @Test
    void launchingWithoutAJarIsAClearStartUpFailure() {
        runner.withPropertyValues(
                        "dualmode.mode=mesh", "dualmode.sidecar.launch=true", "dualmode.sidecar.jar=/nonexistent.jar")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(findCause(context.getStartupFailure()).getMessage())
                            .contains("dualmode.sidecar.jar (/nonexistent.jar) is not a file");
                });
    }

    @Test
    void registrationsFromFrameworkStartersShowInTheEndpoint() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=dualmode")
                .withBean(
                        RegistrationContributor.class,
                        () -> () -> List.of(new RegistrationContributor.Registration(
                                "demo.Greeter", "dubbo", "127.0.0.1:20880", Map.of("dualmode.mode", "sdk"))))
                .run(context -> assertThat(context.getBean(DualmodeEndpoint.class)
                                .describe()
                                .get("registrations"))
                        .asList()
                        .hasSize(1));
    }

    @Test
    void withoutActuatorThereIsNoHealthIndicatorOrEndpoint() {
        runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean(DualmodeHealthIndicator.class)
                        .doesNotHaveBean(DualmodeEndpoint.class)
                        .hasSingleBean(DualmodeProperties.class));
    }

    @Test
    void anInvalidPropertyIsRejected() {
        runner.withPropertyValues("dualmode.sidecar.admin-port=0")
                .run(context ->
                        assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("adminPort"));
    }

    private static SidecarConfig minimalSidecar() {
        return SidecarConfig.builder()
                .workers(1)
                .admin(ConfigLoader.parse("admin: {address: 127.0.0.1, port: 0}", "test")
                        .admin())
                .build();
    }

    private static SidecarUnavailableException findCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SidecarUnavailableException e) {
                return e;
            }
        }
        throw new AssertionError("no SidecarUnavailableException in " + failure, failure);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
