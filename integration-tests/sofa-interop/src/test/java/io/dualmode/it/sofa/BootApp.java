package io.dualmode.it.sofa;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * An example application's executable jar running in its own JVM ({@code java -jar}), configured only by properties
 * on its command line, as the example contract says. Its output goes to {@code target/boot-apps/<name>-<millis>.log};
 * failures quote the tail. A shutdown hook kills any left behind.
 */
final class BootApp implements AutoCloseable, io.dualmode.it.support.Teardown.StopsInBackground {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "boot-app-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path log;
    private final int httpPort;

    private BootApp(String name, Process process, Path log, int httpPort) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.httpPort = httpPort;
        LIVE.add(process);
    }

    /** Starts {@code jar} with its own {@code user.home} under {@code home} and the given properties. */
    static BootApp start(String name, Path jar, Path home, int httpPort, Map<String, String> properties) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Start-up matters more than peak speed: two cores start several JVMs at once.
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k"));
        command.add("-Djava.net.preferIPv4Stack=true");
        command.add("-Duser.home=" + home.toAbsolutePath());
        command.add("-Djava.io.tmpdir=" + home.toAbsolutePath());
        command.add("-DJM.LOG.PATH=" + home.resolve("nacos/logs").toAbsolutePath());
        command.add("-DJM.SNAPSHOT.PATH=" + home.resolve("nacos/snapshot").toAbsolutePath());
        command.add("-Dlogging.path=" + home.resolve("logs").toAbsolutePath());
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
        command.add("--server.port=" + httpPort);
        command.add("--server.address=127.0.0.1");
        properties.forEach((k, v) -> command.add("--" + k + "=" + v));
        try {
            Files.createDirectories(home);
            Path logs = Files.createDirectories(Path.of("target", "boot-apps"));
            Path log = logs.resolve(name + "-" + System.currentTimeMillis() + ".log")
                    .toAbsolutePath();
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .directory(home.toFile())
                    .start();
            return new BootApp(name, process, log, httpPort);
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot start " + command, e);
        }
    }

    /** GET {@code path} on the application's HTTP port; the status and body. */
    HttpResponse<String> get(String path) {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(describe("GET " + path + " failed"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(describe("interrupted"), e);
        }
    }

    /** Whether the application answers its health endpoint with UP; fails at once if it has exited. */
    boolean up() {
        if (!process.isAlive()) {
            throw new IllegalStateException(describe("exited"));
        }
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/actuator/health"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The application's whole output so far. */
    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The problem, with the last lines of the application's log. */
    String describe(String problem) {
        List<String> lines = output().lines().toList();
        String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        return name + " (" + (process.isAlive() ? "running" : "exited " + process.exitValue()) + "): " + problem
                + "\n--- last lines of " + log + " ---\n" + tail;
    }

    String name() {
        return name;
    }

    @Override
    public void stopInBackground() {
        process.destroy();
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            LIVE.remove(process);
        }
    }
}
