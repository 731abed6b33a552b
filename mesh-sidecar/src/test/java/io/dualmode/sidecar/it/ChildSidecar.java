package io.dualmode.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real command line ({@code SidecarMain}) in a child JVM with one listener named {@code out}, started with the
 * admin endpoint on a free port and one worker; its output is collected, and its ports read from its ready line.
 */
public final class ChildSidecar implements AutoCloseable {
    private static final Pattern READY = Pattern.compile(
            "sidecar ready (\\d+) ms after JVM start: listeners \\{out=/127.0.0.1:(\\d+)}, admin /127.0.0.1:(\\d+)");

    final Process process;
    final List<String> output = new CopyOnWriteArrayList<>();
    final int proxyPort;
    final int adminPort;
    private final HttpClient http = HttpClient.newHttpClient();

    /** Starts {@code SidecarMain --config yaml --admin-port 0} with {@code jvmOptions}; returns once it is ready. */
    ChildSidecar(Path yaml, String... jvmOptions) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                "io.dualmode.sidecar.SidecarMain",
                "--config",
                yaml.toString(),
                "--admin-port",
                "0"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("DUALMODE_SIDECAR_WORKERS", "1");
        process = pb.start();
        CompletableFuture.runAsync(() -> collectOutput(process, output));
        try {
            Matcher ready = await().atMost(Duration.ofSeconds(30))
                    .until(() -> !process.isAlive() ? READY.matcher("") : matchReady(), m -> m != null);
            assertThat(process.isAlive())
                    .as("child sidecar alive; output:\n%s", this)
                    .isTrue();
            proxyPort = Integer.parseInt(ready.group(2));
            adminPort = Integer.parseInt(ready.group(3));
        } catch (RuntimeException | AssertionError e) {
            close();
            throw e;
        }
    }

    /** A GET on the admin endpoint. */
    HttpResponse<String> admin(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Matcher matchReady() {
        for (String line : output) {
            Matcher m = READY.matcher(line);
            if (m.find()) {
                return m;
            }
        }
        return null;
    }

    /** Adds each line {@code process} writes to {@code output} until it closes its output. */
    public static void collectOutput(Process process, List<String> output) {
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                output.add(line);
            }
        } catch (IOException e) {
            output.add("read failed: " + e);
        }
    }

    @Override
    public String toString() {
        return String.join("\n", output);
    }

    /** Kills the child if it still runs. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
