package io.dualmode.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real command line in a child JVM: YAML + env + flags, readiness, and drain on SIGTERM. */
class SidecarMainIntegrationTest {
    private static final Pattern READY = Pattern.compile(
            "sidecar ready (\\d+) ms after JVM start: listeners \\{out=/127.0.0.1:(\\d+)}, admin /127.0.0.1:(\\d+)");

    @Test
    void startsFromYamlServesAndDrainsOnSigterm(@TempDir Path dir) throws Exception {
        try (Backend backend = new Backend("app", "127.0.0.51")) {
            Path yaml = dir.resolve("sidecar.yaml");
            Files.writeString(
                    yaml,
                    """
                    listeners:
                      - {name: out, protocol: http, address: 127.0.0.1, port: 0}
                    clusters:
                      - name: orders
                        endpoints: [{host: 127.0.0.51, port: %d}]
                    """
                            .formatted(backend.port()));
            ProcessBuilder pb = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xmx64m",
                            "-cp",
                            System.getProperty("java.class.path"),
                            "io.dualmode.sidecar.SidecarMain",
                            "--config",
                            yaml.toString(),
                            "--admin-port",
                            "0")
                    .redirectErrorStream(true);
            pb.environment().put("DUALMODE_SIDECAR_WORKERS", "1");
            Process process = pb.start();
            List<String> output = new CopyOnWriteArrayList<>();
            CompletableFuture.runAsync(() -> collect(process, output));
            try {
                Matcher ready = await().atMost(Duration.ofSeconds(30)).until(() -> matchReady(output), m -> m != null);
                int proxyPort = Integer.parseInt(ready.group(2));
                int adminPort = Integer.parseInt(ready.group(3));
                HttpClient http = HttpClient.newHttpClient();
                assertThat(get(http, adminPort, "/ready").statusCode()).isEqualTo(200);
                try (RawHttp raw = new RawHttp(new java.net.InetSocketAddress("127.0.0.1", proxyPort))) {
                    raw.send("GET /slow HTTP/1.1\r\nHost: orders\r\n\r\n");
                    await().atMost(Duration.ofSeconds(10)).until(() -> backend.slowStarted.get() == 1);
                    process.destroy();
                    assertThat(raw.readHead()).startsWith("HTTP/1.1 200");
                }
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(process.exitValue()).isIn(0, 143);
            } finally {
                process.destroyForcibly();
            }
            System.out.println("child sidecar output:\n" + String.join("\n", output));
        }
    }

    private static Matcher matchReady(List<String> output) {
        for (String line : output) {
            Matcher m = READY.matcher(line);
            if (m.find()) {
                return m;
            }
        }
        return null;
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void collect(Process process, List<String> output) {
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                output.add(line);
            }
        } catch (java.io.IOException e) {
            output.add("read failed: " + e);
        }
    }
}
