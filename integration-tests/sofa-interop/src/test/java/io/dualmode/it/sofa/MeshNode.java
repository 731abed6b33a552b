package io.dualmode.it.sofa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualmode.it.support.LocalNetwork;
import io.dualmode.registry.RegistryServer;
import io.dualmode.sidecar.Mode;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.agent.MeshAgent;
import io.dualmode.sidecar.agent.SidecarDataPlane;
import io.dualmode.sidecar.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One application's sidecar, in this JVM: a real {@link Sidecar} with the shared Bolt listeners ({@code egress-bolt} on
 * 127.0.0.1, {@code ingress-bolt} on its own 127.0.0.x) and its {@link MeshAgent} on a fixed local registry port, so
 * it can be stopped and started again where the application expects it.
 */
final class MeshNode implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String registry;
    private final String ingressHost;
    private final int registryPort;
    private final int adminPort;
    private Sidecar sidecar;
    private MeshAgent agent;

    private MeshNode(String registry, String ingressHost) {
        this.registry = registry;
        this.ingressHost = ingressHost;
        this.registryPort = freePortPair();
        this.adminPort = LocalNetwork.freePort();
    }

    static MeshNode start(String registry, String ingressHost) {
        MeshNode node = new MeshNode(registry, ingressHost);
        node.start();
        return node;
    }

    /** Starts (again) on the same local registry and admin ports. */
    void start() {
        sidecar = Sidecar.create(
                        ConfigLoader.parse(
                                """
                        workers: 1
                        admin: {address: 127.0.0.1, port: %d}
                        listeners:
                          - {name: egress-bolt, direction: egress, protocol: bolt, address: 127.0.0.1, port: 0}
                          - {name: ingress-bolt, direction: ingress, protocol: bolt, address: %s, port: 0}
                        """
                                        .formatted(adminPort, ingressHost),
                                "sofa-interop"),
                        Mode.MESH)
                .start();
        agent = MeshAgent.builder(registry, new SidecarDataPlane(sidecar, ingressHost), sidecar.mode())
                .localPort(registryPort)
                .build()
                .start();
    }

    /** Stops the agent and the sidecar, as if the sidecar process had died. */
    void stop() {
        if (agent != null) {
            agent.close();
            agent = null;
        }
        if (sidecar != null) {
            sidecar.stop(Duration.ZERO);
            sidecar = null;
        }
    }

    int registryPort() {
        return registryPort;
    }

    int adminPort() {
        return adminPort;
    }

    InetSocketAddress ingress() {
        return sidecar.listenerAddress("ingress-bolt");
    }

    /** Calls answered by the upstream of {@code cluster} (2xx), from the admin endpoint's {@code /stats}. */
    long answered(String cluster) {
        JsonNode stats = stats();
        JsonNode n = stats.get("sidecar.upstream.rq.cluster=" + cluster + ".code_class=2xx.count");
        return n == null ? 0 : n.asLong();
    }

    JsonNode stats() {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/stats"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** A port free on 127.0.0.1 whose +1000 (the local endpoint's gRPC port) is free too. */
    private static int freePortPair() {
        for (int i = 0; i < 50; i++) {
            int port = LocalNetwork.freePort();
            if (port + RegistryServer.GRPC_PORT_OFFSET < 65536 && free(port + RegistryServer.GRPC_PORT_OFFSET)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port pair on 127.0.0.1");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
