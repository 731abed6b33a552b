package io.dualmode.it.dubbo.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualmode.it.support.ChildJvm;
import io.dualmode.it.support.LocalNetwork;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A Dubbo example application (its runnable jar) in a child JVM, on loopback. */
final class ExampleApp implements AutoCloseable, io.dualmode.it.support.Teardown.StopsInBackground {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    final String name;
    final String mode;
    final int httpPort;
    final int dubboPort;
    private final ChildJvm jvm;

    private ExampleApp(String name, String mode, int httpPort, int dubboPort, ChildJvm jvm) {
        this.name = name;
        this.mode = mode;
        this.httpPort = httpPort;
        this.dubboPort = dubboPort;
        this.jvm = jvm;
    }

    /**
     * Starts an example; returns at once (the JVM starts in the background).
     *
     * @param example {@code dubbo-provider} or {@code dubbo-consumer}
     * @param sidecar the app's sidecar in mesh mode, {@code null} for SDK mode
     */
    static ExampleApp start(
            String example, String name, String group, String registry, MeshNode sidecar, Path home, String... extra)
            throws IOException {
        String jar = System.getProperty("dualmode.example." + example + ".jar");
        int httpPort = LocalNetwork.freePort();
        int dubboPort = LocalNetwork.freePort();
        List<String> args = new ArrayList<>(List.of(
                "--spring.application.name=" + name,
                "--server.address=127.0.0.1",
                "--server.port=" + httpPort,
                "--dubbo.protocol.port=" + dubboPort,
                "--dubbo.protocol.host=127.0.0.1",
                "--dualmode.registry.address=" + registry,
                "--dualmode.example.group=" + group,
                "--management.endpoints.web.exposure.include=health,dualmode"));
        args.addAll(sidecar == null ? List.of("--dualmode.mode=sdk") : sidecar.applicationArgs());
        args.addAll(List.of(extra));
        ChildJvm jvm = ChildJvm.builder(name, "org.springframework.boot.loader.launch.JarLauncher")
                .classpath(jar)
                .userHome(Files.createDirectories(home.resolve(name)))
                .jvmArgs(LocalNetwork.dubboIgnoreInterfacesFlag())
                .args(args.toArray(String[]::new))
                .start();
        return new ExampleApp(name, sidecar == null ? "sdk" : "mesh", httpPort, dubboPort, jvm);
    }

    /** {@code GET /call?name=…} on a consumer: the status and the JSON body. */
    Reply call(String who) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/call?name="
                                + URLEncoder.encode(who, StandardCharsets.UTF_8)))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), JSON.readTree(response.body()));
    }

    /** {@code GET /stream?names=…} on a consumer started with {@code --dualmode.example.stream=true}. */
    Reply stream(String names) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/stream?names="
                                + URLEncoder.encode(names, StandardCharsets.UTF_8)))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), JSON.readTree(response.body()));
    }

    /** {@code GET <path>} on the application's HTTP port, as JSON. */
    JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    /** A consumer's answer. */
    record Reply(int status, JsonNode body) {
        String reply() {
            return body.path("reply").asText();
        }

        String error() {
            return body.path("error").asText();
        }
    }

    boolean isAlive() {
        return jvm.isAlive();
    }

    Path log() {
        return jvm.log();
    }

    /** Everything the application has printed so far. */
    String output() throws IOException {
        return Files.readString(jvm.log());
    }

    /** Everything the application has printed so far, line by line. */
    List<String> logLines() {
        try {
            return Files.readAllLines(jvm.log());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void stopInBackground() {
        jvm.stopInBackground();
    }

    @Override
    public void close() {
        jvm.close();
    }
}
