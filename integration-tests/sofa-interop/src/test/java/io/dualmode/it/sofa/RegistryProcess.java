package io.dualmode.it.sofa;

import io.dualmode.it.support.LocalNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The registry jar in its own JVM on 127.0.0.1, so a test can kill it outright: a registry that crashes says goodbye to
 * nobody, unlike an in-process {@code RegistryServer.close()}, which resets its clients and lets their instances expire
 * (pushing emptied lists to subscribers still connected).
 */
final class RegistryProcess implements AutoCloseable {

    private final int port;
    private final Process process;

    private RegistryProcess(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    static RegistryProcess start(Path dir) {
        int port = LocalNetwork.freePortPair(1000);
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:+UseSerialGC",
                "-jar",
                System.getProperty("dualmode.registry.jar"),
                "--host",
                LocalNetwork.LOOPBACK,
                "--port",
                String.valueOf(port),
                "--data-dir",
                dir.resolve("data").toAbsolutePath().toString());
        try {
            Files.createDirectories(dir);
            Path logs = Files.createDirectories(Path.of("target", "boot-apps"));
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(logs.resolve("registry-" + System.currentTimeMillis() + ".log")
                            .toFile())
                    .start();
            return new RegistryProcess(port, process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** {@code 127.0.0.1:<port>}, the Nacos serverAddr. */
    String address() {
        return LocalNetwork.LOOPBACK + ":" + port;
    }

    /** Whether the gRPC port accepts connections; fails at once if the process has exited. */
    boolean ready() {
        if (!process.isAlive()) {
            throw new IllegalStateException("the registry exited with " + process.exitValue());
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(LocalNetwork.LOOPBACK, port + 1000), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGKILL. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
    }
}
