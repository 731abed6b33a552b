package io.dualmode.it.springcloud.interop;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualmode.it.support.LocalNetwork;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One example jar running in its own JVM ({@code java -jar}), configured only by command-line properties, with its
 * output in {@code target/child-jvms/<name>-<millis>.log}. Stopped with SIGTERM (a normal Spring Boot shutdown) and
 * killed by a shutdown hook if the test JVM goes first.
 */
final class ExampleApp implements AutoCloseable, io.dualmode.it.support.Teardown.StopsInBackground {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly)));
    }

    private final String name;
    private final String host;
    private final int port;
    private final Process process;
    private final Path log;

    private ExampleApp(String name, String host, int port, Process process, Path log) {
        this.name = name;
        this.host = host;
        this.port = port;
        this.process = process;
        this.log = log;
        LIVE.add(process);
    }

    /** The example jar named by the system property {@code dualmode.example.<example>.jar} (set by the build). */
    static Path jar(String example) {
        Path jar = Path.of(System.getProperty("dualmode.example." + example + ".jar", "missing-" + example + ".jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    jar + " is not built: run this suite with -am (the examples are packaged" + " before it)");
        }
        return jar;
    }

    /**
     * Starts {@code java -jar <jar> --server.address=<host> --server.port=<free> <properties>}.
     *
     * @param properties {@code --key=value} arguments
     */
    static ExampleApp start(String name, Path jar, String host, Path home, List<String> properties) {
        int port = LocalNetwork.freePort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Xss512k",
                "-Djava.net.preferIPv4Stack=true",
                "-Duser.home=" + home.toAbsolutePath(),
                "-Djava.io.tmpdir=" + home.toAbsolutePath(),
                "-jar",
                jar.toString(),
                "--server.address=" + host,
                "--server.port=" + port,
                // Spring Cloud's own address lookups must stay on loopback too.
                "--spring.cloud.inetutils.preferred-networks=127."));
        command.addAll(properties);
        try {
            Files.createDirectories(home);
            Path logDir = Files.createDirectories(Path.of("target", "child-jvms"));
            Path log = logDir.resolve(name + "-" + System.currentTimeMillis() + ".log")
                    .toAbsolutePath();
            Process process = new ProcessBuilder(command)
                    .directory(home.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            return new ExampleApp(name, host, port, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot start " + command, e);
        }
    }

    /** Waits until {@code /actuator/health} answers (the context is up and the web server bound). */
    ExampleApp awaitStarted(Duration timeout) {
        await(name + " started")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(250))
                .failFast(name + " exited; see " + log, () -> !process.isAlive())
                .ignoreExceptions()
                .until(() -> get("/actuator/health").status() > 0);
        return this;
    }

    /** {@code host:port} of its web server. */
    String address() {
        return host + ":" + port;
    }

    String name() {
        return name;
    }

    /** One GET; the status and the JSON body. */
    Reply get(String pathAndQuery) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://" + address() + pathAndQuery))
                            .timeout(Duration.ofSeconds(20))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": GET " + pathAndQuery + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every line it has printed so far. */
    List<String> logLines() {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path log() {
        return log;
    }

    @Override
    public void stopInBackground() {
        process.destroy();
    }

    /** SIGTERM, then SIGKILL after 20 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        LIVE.remove(process);
    }

    /** An HTTP answer: its status and JSON body. */
    record Reply(int status, JsonNode body) {}
}
