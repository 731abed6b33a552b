package io.dualmode.starter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualmode.registry.RegistryServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code dualmode.sidecar.launch=true} starts the real sidecar jar, restarts it when it dies, stops it on close. */
@Timeout(120)
class SidecarLauncherIntegrationTest {

    private static final Path SIDECAR_JAR = Path.of("../mesh-sidecar/target")
            .resolve("dualmode-mesh-sidecar-" + System.getProperty("project.version", "0.1.0-SNAPSHOT") + "-all.jar");

    private RegistryServer registry;

    @BeforeEach
    void startRegistry() {
        registry = RegistryServer.builder().host("127.0.0.1").port(0).build().start();
    }

    @AfterEach
    void stopRegistry() {
        registry.close();
    }

    @Test
    void launchesSupervisesAndStopsTheSidecar() throws IOException {
        assertThat(SIDECAR_JAR)
                .as("the sidecar's -all jar; build mesh-sidecar first (the reactor build does)")
                .satisfies(p -> assertThat(Files.isRegularFile(p)).isTrue());
        int adminPort = freePort();
        int registryPort = freePortPair();
        long[] pid = new long[1];
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DualmodeAutoConfiguration.class))
                .withPropertyValues(
                        "dualmode.mode=mesh",
                        "dualmode.registry.address=127.0.0.1:" + registry.port(),
                        "dualmode.sidecar.launch=true",
                        "dualmode.sidecar.jar=" + SIDECAR_JAR.toAbsolutePath(),
                        "dualmode.sidecar.admin-port=" + adminPort,
                        "dualmode.sidecar.registry-port=" + registryPort,
                        "dualmode.sidecar.startup-timeout=30s",
                        "dualmode.sidecar.max-restart-backoff=500ms",
                        "management.endpoints.web.exposure.include=dualmode")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    SidecarLauncher launcher = context.getBean(SidecarLauncher.class);
                    SidecarProbe probe = context.getBean(SidecarProbe.class);
                    assertThat(probe.probe().ready()).isTrue();
                    pid[0] = launcher.pid();
                    assertThat(context.getBean(DualmodeEndpoint.class)
                                    .describe()
                                    .get("sidecar"))
                            .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                            .containsEntry("launched", true)
                            .containsEntry("pid", pid[0]);

                    ProcessHandle.of(pid[0]).ifPresent(ProcessHandle::destroyForcibly);
                    await().atMost(Duration.ofSeconds(30)).until(() -> launcher.restarts() == 1);
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> probe.probe().ready());
                    assertThat(launcher.pid()).isNotEqualTo(pid[0]).isPositive();
                    pid[0] = launcher.pid();
                });
        assertThat(ProcessHandle.of(pid[0]).map(ProcessHandle::isAlive).orElse(false))
                .as("the sidecar stops with the application")
                .isFalse();
    }

    /**
     * A TCP port free on 127.0.0.1 right now, below the kernel's ephemeral range (32768 and up), so no outgoing
     * connection is given it as its local port before the test binds it (a port the kernel hands out from port 0 is in
     * that range; seen taken so under load).
     */
    private static int freePort() throws IOException {
        for (int i = 0; i < 500; i++) {
            int port = 20_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(11_000);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port in 20000..30999 on loopback");
    }

    /** A port p with p + 1000 free too, for the local registry endpoint's HTTP and gRPC pair. */
    private static int freePortPair() throws IOException {
        for (int i = 0; i < 50; i++) {
            int p = freePort();
            if (p + 1000 > 65535) {
                continue;
            }
            try (ServerSocket s = new ServerSocket(p + 1000, 1, InetAddress.getLoopbackAddress())) {
                return p;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port pair");
    }
}
