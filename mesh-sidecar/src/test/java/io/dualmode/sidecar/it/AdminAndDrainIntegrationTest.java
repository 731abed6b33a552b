package io.dualmode.sidecar.it;

import static io.dualmode.sidecar.it.SidecarFixture.cluster;
import static io.dualmode.sidecar.it.SidecarFixture.config;
import static io.dualmode.sidecar.it.SidecarFixture.endpoint;
import static io.dualmode.sidecar.it.SidecarFixture.listener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dualmode.sidecar.Mode;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.config.ListenerConfig.Protocol;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.netty.resources.ConnectionProvider;

class AdminAndDrainIntegrationTest {
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Backend backend;
    private Sidecar sidecar;

    @BeforeEach
    void start() {
        backend = new Backend("a", "127.0.0.41");
        sidecar = Sidecar.create(config(
                                List.of(listener("out", Protocol.HTTP, "127.0.0.1")),
                                List.of(cluster("orders", endpoint(backend)).build()))
                        .build())
                .start();
    }

    @AfterEach
    void stop() {
        sidecar.close();
        backend.close();
    }

    @Test
    void readyClustersListenersAndConfigDump() throws Exception {
        assertThat(admin("GET", "/ready", null).statusCode()).isEqualTo(200);
        assertThat(compact(admin("GET", "/clusters", null)))
                .contains("\"name\":\"orders\"")
                .contains("\"host\":\"127.0.0.41\"")
                .contains("\"healthy\":true");
        assertThat(compact(admin("GET", "/listeners", null)))
                .contains("\"name\":\"out\"")
                .contains("127.0.0.1:");
        assertThat(compact(admin("GET", "/config_dump", null)))
                .contains("\"requestTimeout\":\"15s\"")
                .contains("\"orders\"");
    }

    @Test
    void metricsAndStatsCountProxiedRequests() throws Exception {
        try (RawHttp raw = new RawHttp(sidecar.listenerAddress("out"))) {
            assertThat(raw.send("GET / HTTP/1.1\r\nHost: orders\r\n\r\n").readResponse())
                    .startsWith("HTTP/1.1 200");
            assertThat(raw.send("GET / HTTP/1.1\r\nHost: nope\r\n\r\n").readResponse())
                    .startsWith("HTTP/1.1 503");
        }
        String prometheus = admin("GET", "/metrics", null).body();
        assertThat(prometheus)
                .contains("sidecar_upstream_rq_total{cluster=\"orders\",code_class=\"2xx\"} 1.0")
                .contains("sidecar_upstream_rq_time_seconds_bucket{cluster=\"orders\"")
                .contains("sidecar_local_response_total{code_class=\"5xx\",listener=\"out\"} 1.0")
                .contains("sidecar_downstream_cx_active{listener=\"out\"}");
        assertThat(compact(admin("GET", "/stats", null)))
                .contains("\"sidecar.upstream.rq.cluster=orders.code_class=2xx.count\":1.0");
    }

    @Test
    void modeSwitchNotifiesListeners() throws Exception {
        List<String> changes = new CopyOnWriteArrayList<>();
        sidecar.mode().addListener((previous, current) -> changes.add(previous + "->" + current));
        assertThat(compact(admin("GET", "/mode", null))).contains("\"mode\":\"mesh\"");
        HttpResponse<String> switched = admin("POST", "/mode", "{\"mode\":\"sdk\"}");
        assertThat(switched.statusCode()).isEqualTo(200);
        assertThat(compact(switched)).contains("\"previous\":\"mesh\"");
        assertThat(sidecar.mode().get()).isEqualTo(Mode.SDK);
        assertThat(changes).containsExactly("MESH->SDK");
        HttpResponse<String> bad = admin("POST", "/mode", "{\"mode\":\"both\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(compact(bad)).contains("SIDECAR-0019");
    }

    @Test
    void reconfigureSwapsClustersAndLimitsForNewConnections() throws Exception {
        sidecar.reconfigure(sidecar.config().toBuilder()
                .clusters(List.of(cluster("payments", endpoint(backend)).build()))
                .limits(io.dualmode.sidecar.config.ConfigLoader.parse("limits: {maxHeaderBytes: 300}", "t")
                        .limits())
                .build());
        try (RawHttp raw = new RawHttp(sidecar.listenerAddress("out"))) {
            assertThat(raw.send("GET / HTTP/1.1\r\nHost: payments\r\n\r\n").readResponse())
                    .startsWith("HTTP/1.1 200");
            assertThat(raw.send("GET / HTTP/1.1\r\nHost: orders\r\n\r\n").readResponse())
                    .startsWith("HTTP/1.1 503")
                    .contains("SIDECAR-0011");
            assertThat(raw.send("GET / HTTP/1.1\r\nHost: payments\r\nX: " + "y".repeat(400) + "\r\n\r\n")
                            .readResponse())
                    .startsWith("HTTP/1.1 431");
        }
    }

    @Test
    void badAdminRequestsGetPreciseErrorsAndTheEndpointKeepsServing() throws Exception {
        HttpResponse<String> unknown = admin("GET", "/nope", null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("SIDECAR-0019", "/nope");
        HttpResponse<String> wrongMethod = admin("DELETE", "/mode", "");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("allow")).hasValue("GET, POST");
        HttpResponse<String> notJson = admin("POST", "/mode", "mode=sdk");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).contains("SIDECAR-0019");
        HttpResponse<String> tooLarge = admin("POST", "/mode", "{\"mode\":\"" + "x".repeat(100_000) + "\"}");
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        try (RawHttp raw = new RawHttp(sidecar.adminAddress())) {
            assertThat(raw.send("NOT HTTP AT ALL\r\n\r\n").readResponse()).startsWith("HTTP/1.1 400");
        }
        assertThat(sidecar.mode().get()).isEqualTo(Mode.MESH);
        assertThat(admin("GET", "/ready", null).statusCode()).isEqualTo(200);
    }

    @Test
    void logLevelCanBeChanged() throws Exception {
        HttpResponse<String> r = admin("POST", "/logging?logger=io.dualmode.sidecar&level=DEBUG", "");
        assertThat(compact(r)).contains("\"level\":\"DEBUG\"");
        admin("POST", "/logging?logger=io.dualmode.sidecar&level=INFO", "");
    }

    @Test
    void stopDrainsInFlightRequestsAndRefusesNewConnections() throws Exception {
        ConnectionProvider pool = ConnectionProvider.create("drain", 2);
        try {
            CompletableFuture<String> slow = reactor.netty.http.client.HttpClient.create(pool)
                    .remoteAddress(() -> sidecar.listenerAddress("out"))
                    .headers(h -> h.set("Host", "orders"))
                    .get()
                    .uri("/slow")
                    .responseContent()
                    .aggregate()
                    .asString()
                    .toFuture();
            await().atMost(Duration.ofSeconds(10)).until(() -> backend.slowStarted.get() == 1);
            var address = sidecar.listenerAddress("out");
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> sidecar.stop(Duration.ofSeconds(10)));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThatThrownBy(
                            () -> new Socket(address.getAddress(), address.getPort()).close())
                    .isInstanceOf(ConnectException.class));
            assertThat(slow.get()).isEqualTo("a slow");
            stopped.get();
        } finally {
            pool.disposeLater().block(Duration.ofSeconds(5));
        }
    }

    /** A JSON body without the pretty-printing whitespace, so assertions need not follow indentation. */
    private static String compact(HttpResponse<String> response) {
        return response.body().replaceAll("\\s+(?=([^\"]*\"[^\"]*\")*[^\"]*$)", "");
    }

    private HttpResponse<String> admin(String method, String path, String body) throws Exception {
        var address = sidecar.adminAddress();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + path))
                .timeout(Duration.ofSeconds(10));
        b = body == null ? b.GET() : b.method(method, HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
