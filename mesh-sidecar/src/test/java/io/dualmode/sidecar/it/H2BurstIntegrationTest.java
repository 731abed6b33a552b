package io.dualmode.sidecar.it;

import static io.dualmode.sidecar.it.SidecarFixture.cluster;
import static io.dualmode.sidecar.it.SidecarFixture.config;
import static io.dualmode.sidecar.it.SidecarFixture.listener;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.cluster.Endpoint;
import io.dualmode.sidecar.config.ConfigLoader;
import io.dualmode.sidecar.config.ListenerConfig.Protocol;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.tcp.TcpServer;

/**
 * HTTP/2 clients that do not wait for the sidecar's SETTINGS: the preface, SETTINGS and the first requests arrive
 * in one TCP segment (h2load, grpc-java), and a burst may open more streams than the sidecar allows.
 */
class H2BurstIntegrationTest {
    private static final int LIMIT = 8;
    private DisposableServer backend;
    private Sidecar sidecar;

    @BeforeEach
    void start() {
        backend = HttpServer.create()
                .host("127.0.0.82")
                .port(0)
                .protocol(HttpProtocol.H2C)
                .handle((q, s) -> q.receive()
                        .aggregate()
                        .asByteArray()
                        .defaultIfEmpty(new byte[0])
                        .flatMap(b -> s.sendString(Mono.just(q.method() + " " + q.uri() + " " + b.length))
                                .then()))
                .bindNow(Duration.ofSeconds(5));
        sidecar = Sidecar.create(config(
                                List.of(listener("out-h2", Protocol.H2, "127.0.0.1")),
                                List.of(cluster("web", Endpoint.of("127.0.0.82", backend.port()))
                                        .build()))
                        .limits(ConfigLoader.parse("limits: {maxConcurrentStreams: " + LIMIT + "}", "t")
                                .limits())
                        .build())
                .start();
    }

    @AfterEach
    void stop() {
        sidecar.close();
        backend.disposeNow(Duration.ofSeconds(5));
    }

    @Test
    void requestSentWithThePrefaceBeforeTheServersSettingsIsServed() throws Exception {
        try (RawH2 h2 = new RawH2(sidecar.listenerAddress("out-h2"))) {
            h2.preface()
                    .headers(1, request("POST", "/burst"), false)
                    .data(1, new byte[500], true)
                    .flush();
            assertThat(response(h2, 1)).isEqualTo("200 POST /burst 500");
        }
    }

    @Test
    void streamsBeyondTheConcurrencyLimitAreRefusedAndTheConnectionLives() throws Exception {
        int streams = 40;
        try (RawH2 h2 = new RawH2(sidecar.listenerAddress("out-h2"))) {
            h2.preface();
            for (int i = 0; i < streams; i++) {
                h2.headers(2 * i + 1, request("POST", "/flood/" + i), false).data(2 * i + 1, new byte[10], true);
            }
            h2.flush();
            Map<Integer, String> outcome = responses(h2, streams);
            long refused = outcome.values().stream().filter("RST 7"::equals).count();
            long served = outcome.entrySet().stream()
                    .filter(e -> e.getValue().equals("200 POST /flood/" + (e.getKey() - 1) / 2 + " 10"))
                    .count();
            assertThat(refused + served).as(outcome.toString()).isEqualTo(streams);
            assertThat(served).isGreaterThanOrEqualTo(LIMIT);
            assertThat(refused).isPositive();
            h2.headers(2 * streams + 1, request("GET", "/after"), true).flush();
            assertThat(response(h2, 2 * streams + 1)).isEqualTo("200 GET /after 0");
        }
    }

    @Test
    void aBurstOfStreamsToANewUpstreamWaitsForItsSettingsAndStaysUnderItsLimit() throws Exception {
        DisposableServer narrow = HttpServer.create()
                .host("127.0.0.83")
                .port(0)
                .protocol(HttpProtocol.H2C)
                .http2Settings(h -> h.maxConcurrentStreams(2))
                .handle((q, s) ->
                        s.sendString(Mono.delay(Duration.ofMillis(300)).map(x -> "narrow " + q.uri())))
                .bindNow(Duration.ofSeconds(5));
        try (RawH2 h2 = new RawH2(sidecar.listenerAddress("out-h2"))) {
            sidecar.clusters().update("narrow", List.of(Endpoint.of("127.0.0.83", narrow.port())));
            int streams = 6;
            h2.preface();
            for (int i = 0; i < streams; i++) {
                h2.headers(2 * i + 1, request("GET", "/" + i).authority("narrow"), true);
            }
            h2.flush();
            Map<Integer, String> outcome = responses(h2, streams);
            for (int i = 0; i < streams; i++) {
                assertThat(outcome.get(2 * i + 1)).as(outcome.toString()).isEqualTo("200 narrow /" + i);
            }
        } finally {
            narrow.disposeNow(Duration.ofSeconds(5));
        }
    }

    @Test
    void requestFieldsHttp2DoesNotAllowResetTheStreamAtTheSidecar() throws Exception {
        try (RawH2 h2 = new RawH2(sidecar.listenerAddress("out-h2"))) {
            h2.preface().flush();
            Http2Headers badName = new DefaultHttp2Headers(false)
                    .method("GET")
                    .scheme("http")
                    .path("/bad")
                    .authority("web")
                    .add("x y", "1");
            h2.headers(1, badName, true).flush();
            assertThat(response(h2, 1)).as("a field name that is not a token").isEqualTo("RST 1");
            Http2Headers badValue = new DefaultHttp2Headers(false)
                    .method("GET")
                    .scheme("http")
                    .path("/bad")
                    .authority("web")
                    .add("x-v", " leading space");
            h2.headers(3, badValue, true).flush();
            assertThat(response(h2, 3)).as("a value with leading whitespace").isEqualTo("RST 1");
            h2.headers(5, request("POST", "/good"), false)
                    .data(5, new byte[3], false)
                    .headers(7, request("GET", "/other"), true)
                    .flush();
            assertThat(response(h2, 7)).as("another stream of the connection").isEqualTo("200 GET /other 0");
            h2.headers(5, new DefaultHttp2Headers(false).add("x y", "trailer"), true)
                    .flush();
            assertThat(response(h2, 5)).as("request trailers with a bad name").isEqualTo("RST 1");
        }
        assertThat(sidecar.clusters().cluster("web").metrics().reset.count())
                .as("nothing counted against the upstream")
                .isZero();
    }

    static Http2Headers request(String method, String path) {
        return new DefaultHttp2Headers()
                .method(method)
                .scheme("http")
                .path(path)
                .authority("web");
    }

    @Test
    void anUpstreamThatNeverSendsSettingsIsAConnectFailureNotAHang() throws Exception {
        DisposableServer silent = TcpServer.create()
                .host("127.0.0.84")
                .port(0)
                .handle((in, out) -> in.receive().then())
                .bindNow(Duration.ofSeconds(5));
        try (RawH2 h2 = new RawH2(sidecar.listenerAddress("out-h2"))) {
            sidecar.clusters().update("silent", List.of(Endpoint.of("127.0.0.84", silent.port())));
            long start = System.nanoTime();
            h2.preface()
                    .headers(1, request("GET", "/").authority("silent"), true)
                    .flush();
            assertThat(response(h2, 1)).isEqualTo("503 SIDECAR-0013: upstream connect error for service 'silent'\n");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(12));
        } finally {
            silent.disposeNow(Duration.ofSeconds(5));
        }
    }

    /** Reads frames until {@code streams} streams ended: status and body, or RST and its code, by stream. */
    static Map<Integer, String> responses(RawH2 h2, int streams) throws Exception {
        Map<Integer, String> outcome = new HashMap<>();
        Map<Integer, StringBuilder> bodies = new HashMap<>();
        while (outcome.size() < streams) {
            RawH2.Frame f = h2.read();
            assertThat(f.type()).as("connection must not be closed").isNotEqualTo(RawH2.GOAWAY);
            if (f.type() == RawH2.RST_STREAM) {
                outcome.putIfAbsent(f.stream(), "RST " + f.errorCode());
            } else if (f.type() == RawH2.HEADERS && !bodies.containsKey(f.stream())) {
                bodies.put(f.stream(), new StringBuilder(f.headers().status() + " "));
            } else if (f.type() == RawH2.DATA) {
                bodies.get(f.stream()).append(new String(f.payload(), StandardCharsets.UTF_8));
            }
            if (f.endStream()) {
                outcome.put(f.stream(), bodies.get(f.stream()).toString());
            }
        }
        return outcome;
    }

    /** Reads frames until stream {@code stream} ends; returns its status and body, or RST plus the error code. */
    static String response(RawH2 h2, int stream) throws Exception {
        String status = null;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            RawH2.Frame f = h2.read();
            if (f.type() == RawH2.GOAWAY) {
                return "GOAWAY " + f.errorCode();
            }
            if (f.stream() != stream) {
                continue;
            }
            if (f.type() == RawH2.RST_STREAM) {
                return "RST " + f.errorCode();
            }
            if (f.type() == RawH2.HEADERS && status == null) {
                status = f.headers().status().toString();
            }
            if (f.type() == RawH2.DATA) {
                body.write(f.payload());
            }
            if (f.endStream()) {
                return status + " " + body.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
