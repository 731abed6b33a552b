package io.dualmode.it.dubbo.interop;

import io.dualmode.it.support.SidecarAdmin;
import io.dualmode.sidecar.Mode;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.agent.MeshAgent;
import io.dualmode.sidecar.agent.SidecarDataPlane;
import io.dualmode.sidecar.config.ConfigLoader;
import io.dualmode.sidecar.config.ListenerConfig;
import io.dualmode.sidecar.config.SidecarConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * One application's sidecar, in the test JVM: a real {@link Sidecar} with the shared {@code egress-dubbo} and
 * {@code ingress-dubbo} listeners and its {@link MeshAgent} (the local registry endpoint the app points nacos-client
 * at). Dubbo dials every {@code 127.*} address as {@code 127.0.0.1} (protocols/dubbo.md §8), so every listener is on
 * 127.0.0.1 and the sidecars differ by port. Restartable on the same ports, for the sidecar-stops case; switchable
 * between mesh and SDK state through its admin endpoint, as an operator does it.
 */
final class MeshNode implements AutoCloseable {

    private final String registry;
    private final Mode initialMode;
    private int egressPort;
    private int ingressPort;
    private int adminPort;
    private int registryPort;
    private Sidecar sidecar;
    private MeshAgent agent;
    private SidecarAdmin admin;

    /** A sidecar in mesh state. */
    MeshNode(String registry) {
        this(registry, Mode.MESH);
    }

    /** A sidecar in {@code mode}: mesh, or SDK (a pass-through of the application's registrations and lists). */
    MeshNode(String registry, Mode mode) {
        this.registry = registry;
        this.initialMode = mode;
        start();
    }

    /** Starts the sidecar and its agent, on the ports of the previous start if there was one. */
    void start() {
        sidecar = Sidecar.create(config(), initialMode).start();
        egressPort = sidecar.listenerAddress("egress-dubbo").getPort();
        ingressPort = sidecar.listenerAddress("ingress-dubbo").getPort();
        adminPort = sidecar.adminAddress().getPort();
        admin = new SidecarAdmin("sidecar on admin port " + adminPort, adminPort);
        agent = MeshAgent.builder(registry, new SidecarDataPlane(sidecar, "127.0.0.1"), sidecar.mode())
                .localPort(registryPort)
                .build()
                .start();
        registryPort = Integer.parseInt(
                agent.localAddress().substring(agent.localAddress().lastIndexOf(':') + 1));
    }

    /** Stops the sidecar and its agent, as a crashed or stopped sidecar process would be gone. */
    void stop() {
        agent.close();
        sidecar.stop(Duration.ZERO);
    }

    /** The {@code dualmode.sidecar.*} arguments of an application using this sidecar. */
    List<String> applicationArgs() {
        return List.of(
                "--dualmode.mode=mesh",
                "--dualmode.sidecar.host=127.0.0.1",
                "--dualmode.sidecar.registry-port=" + registryPort,
                "--dualmode.sidecar.admin-port=" + adminPort,
                // the sidecar is ready before the application starts; a loaded CI machine can still be slow to answer
                "--dualmode.sidecar.startup-timeout=60s");
    }

    /** The port of the listener {@code name}, e.g. one the agent opened on first use. */
    int listenerPort(String name) {
        return sidecar.listenerAddress(name).getPort();
    }

    InetSocketAddress ingress() {
        return new InetSocketAddress("127.0.0.1", ingressPort);
    }

    /** Requests the listener has taken, from the admin endpoint's {@code /stats}. */
    long requests(String listener) {
        return admin.requests(listener);
    }

    /** The admin endpoint's {@code /stats}, for failure messages. */
    String stats() {
        return admin.send("GET", "/stats", null);
    }

    /** Switches the sidecar to {@code mode} ({@code mesh} or {@code sdk}) through its admin endpoint. */
    void switchMode(String mode) {
        admin.switchMode(mode);
    }

    @Override
    public void close() {
        stop();
    }

    private SidecarConfig config() {
        return SidecarConfig.builder()
                .workers(1)
                .admin(ConfigLoader.parse("admin: {address: 127.0.0.1, port: " + adminPort + "}", "test")
                        .admin())
                .listeners(List.of(
                        listener("egress-dubbo", ListenerConfig.Direction.EGRESS, egressPort),
                        listener("ingress-dubbo", ListenerConfig.Direction.INGRESS, ingressPort)))
                .build();
    }

    private static ListenerConfig listener(String name, ListenerConfig.Direction direction, int port) {
        return ListenerConfig.builder()
                .name(name)
                .direction(direction)
                .protocol(ListenerConfig.Protocol.DUBBO)
                .address("127.0.0.1")
                .port(port)
                .build();
    }
}
