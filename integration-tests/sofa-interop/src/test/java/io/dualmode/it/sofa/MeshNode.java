package io.dualmode.it.sofa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualmode.it.support.LocalNetwork;
import io.dualmode.registry.RegistryServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One application's sidecar: the real sidecar jar in its own JVM with its registry agent ({@code --registry}), the
 * shared Bolt listeners ({@code egress-bolt} on 127.0.0.1, {@code ingress-bolt} on its own 127.0.0.x) and fixed ports,
 * so it can be killed and started again where the application expects it.
 */
final class MeshNode implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "sidecar-reaper"));
    }

    private final String name;
    private final String registry;
    private final String ingressHost;
    private final int registryPort = LocalNetwork.freePortPair(RegistryServer.GRPC_PORT_OFFSET);
    private final int adminPort = LocalNetwork.freePort();
    private final int egressPort = LocalNetwork.freePort();
    private final int ingressPort = LocalNetwork.freePort();
    private final Path config;
    private Process process;
    private Path log;

    private MeshNode(String name, String registry, String ingressHost, Path dir) throws IOException {
        this.name = name;
        this.registry = registry;
        this.ingressHost = ingressHost;
        this.config = Files.createDirectories(dir).resolve("sidecar.yaml");
        Files.writeString(
                config,
                """
                workers: 1
                listeners:
                  - {name: egress-bolt, direction: egress, protocol: bolt, address: 127.0.0.1, port: %d}
                  - {name: ingress-bolt, direction: ingress, protocol: bolt, address: %s, port: %d}
                """
                        .formatted(egressPort, ingressHost, ingressPort));
    }

    static MeshNode start(String name, String registry, String ingressHost, Path dir) throws IOException {
        MeshNode node = new MeshNode(name, registry, ingressHost, dir);
        node.start();
        return node;
    }

    /** Starts (again) on the same ports; returns once the process runs (see {@link #ready()}). */
    void start() {
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms32m",
                "-Xmx96m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Djava.net.preferIPv4Stack=true",
                "-Duser.home=" + config.getParent().toAbsolutePath(),
                "-DJM.LOG.PATH=" + config.getParent().resolve("nacos/logs").toAbsolutePath(),
                "-DJM.SNAPSHOT.PATH="
                        + config.getParent().resolve("nacos/snapshot").toAbsolutePath(),
                "-jar",
                System.getProperty("dualmode.sidecar.jar"),
                "-c",
                config.toAbsolutePath().toString(),
                "--mode",
                "mesh",
                "--admin-address",
                "127.0.0.1",
                "--admin-port",
                String.valueOf(adminPort),
                "--ingress-address",
                ingressHost,
                "--registry",
                registry,
                "--registry-local-port",
                String.valueOf(registryPort));
        try {
            Path logs = Files.createDirectories(Path.of("target", "boot-apps"));
            log = logs.resolve(name + "-" + System.currentTimeMillis() + ".log").toAbsolutePath();
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            LIVE.add(process);
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot start " + command, e);
        }
    }

    /** Whether the sidecar answers {@code /ready} with 200; fails at once if it has exited. */
    boolean ready() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited " + process.exitValue() + "; see " + log + tail());
        }
        try {
            return get("/ready").statusCode() == 200;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    /** The last lines of the sidecar's output, for a failure message. */
    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return "\n--- last lines ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    /** Kills the sidecar process (SIGKILL), as a crash would. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LIVE.remove(process);
    }

    int registryPort() {
        return registryPort;
    }

    int adminPort() {
        return adminPort;
    }

    /** {@code 127.0.0.1:<port>} of the shared Bolt egress listener the agent hands to the application. */
    String egress() {
        return "127.0.0.1:" + egressPort;
    }

    InetSocketAddress ingress() {
        return new InetSocketAddress(ingressHost, ingressPort);
    }

    /** Calls answered by the upstream of {@code cluster} (2xx), from the admin endpoint's {@code /stats}. */
    long answered(String cluster) {
        try {
            JsonNode stats = JSON.readTree(get("/stats").body());
            JsonNode n = stats.get("sidecar.upstream.rq.cluster=" + cluster + ".code_class=2xx.count");
            return n == null ? 0 : n.asLong();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Switches the instance between {@code mesh} and {@code sdk} at run time through the admin API. */
    void switchTo(String mode) {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/mode"))
                            .timeout(Duration.ofSeconds(10))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"mode\":\"" + mode + "\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(name + ": POST /mode answered " + r.statusCode() + " " + r.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> get(String path) {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the sidecar with SIGTERM (it drains), SIGKILL if it does not go. */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        try {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            LIVE.remove(process);
        }
    }
}
