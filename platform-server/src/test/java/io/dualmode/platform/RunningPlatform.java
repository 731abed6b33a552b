package io.dualmode.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/** A platform-server started in this JVM on loopback with free ports, for tests that stop and start it. */
final class RunningPlatform implements AutoCloseable {

    static final String ADMIN_PASSWORD = "admin-password-1";

    private final ConfigurableApplicationContext context;
    private final WebTestClient client;
    private final int port;

    private RunningPlatform(ConfigurableApplicationContext context) {
        this.context = context;
        this.port =
                ((ReactiveWebServerApplicationContext) context).getWebServer().getPort();
        this.client = WebTestClient.bindToServer(
                        new ReactorClientHttpConnector(HttpClient.create(ConnectionProvider.newConnection())))
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(20))
                .build();
    }

    /** The properties every test platform uses: loopback, free ports, data under {@code dataDir}. */
    static Map<String, Object> baseProperties(Path dataDir) {
        Map<String, Object> p = new HashMap<>();
        p.put("server.address", "127.0.0.1");
        p.put("server.port", "0");
        p.put("dualmode.data-dir", dataDir.toString());
        p.put("dualmode.registry.host", "127.0.0.1");
        p.put("dualmode.registry.port", "0");
        p.put("dualmode.security.admin-password", ADMIN_PASSWORD);
        return p;
    }

    static RunningPlatform start(Map<String, Object> properties) {
        String[] args = properties.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return new RunningPlatform(new SpringApplicationBuilder(PlatformServerApplication.class).run(args));
    }

    /** The HTTP port of the API (and the console). */
    int port() {
        return port;
    }

    WebTestClient client() {
        return client;
    }

    /** Logs in and returns the token. */
    String login(String user, String password) {
        return login(client, user, password);
    }

    static String login(WebTestClient client, String user, String password) {
        return client.post()
                .uri("/api/v1/auth/login")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("username", user, "password", password))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("token")
                .toString();
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }

    static Path tempDir() {
        try {
            return Files.createTempDirectory("dualmode-platform-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
