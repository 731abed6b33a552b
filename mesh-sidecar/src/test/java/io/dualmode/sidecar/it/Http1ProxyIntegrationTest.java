package io.dualmode.sidecar.it;

import static io.dualmode.sidecar.it.SidecarFixture.cluster;
import static io.dualmode.sidecar.it.SidecarFixture.config;
import static io.dualmode.sidecar.it.SidecarFixture.endpoint;
import static io.dualmode.sidecar.it.SidecarFixture.listener;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.cluster.Endpoint;
import io.dualmode.sidecar.config.ListenerConfig.Protocol;
import io.dualmode.sidecar.config.OutlierConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

class Http1ProxyIntegrationTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Backend a;
    private Backend b;
    private Sidecar sidecar;
    private ConnectionProvider provider;
    private HttpClient client;

    @BeforeEach
    void start() {
        a = keep(new Backend("a", "127.0.0.2"));
        b = keep(new Backend("b", "127.0.0.3"));
        sidecar = keep(SidecarFixture.start(config(
                        List.of(listener("egress-http", Protocol.HTTP, "127.0.0.1")),
                        List.of(
                                cluster("orders", endpoint(a), endpoint(b)).build(),
                                cluster("empty").build(),
                                cluster("dead", Endpoint.of("127.0.0.4", 1))
                                        .outlier(OutlierConfig.defaults())
                                        .build()))
                .build()));
        provider = ConnectionProvider.create("test", 8);
        client = HttpClient.create(provider).remoteAddress(() -> sidecar.listenerAddress("egress-http"));
    }

    @AfterEach
    void stop() throws Exception {
        provider.disposeLater().block(Duration.ofSeconds(5));
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    @Test
    void routesByHostAndBalancesRoundRobin() {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            bodies.add(get("orders", "/hello?i=" + i));
        }
        Map<String, Long> byBackend =
                bodies.stream().collect(Collectors.groupingBy(s -> s.split(" ")[0], Collectors.counting()));
        assertThat(byBackend).containsEntry("a", 5L).containsEntry("b", 5L);
        assertThat(bodies.get(0)).endsWith("GET /hello?i=0 0");
    }

    @Test
    void forwardsFixedLengthAndChunkedBodies() {
        byte[] big = new byte[200_000];
        String fixed = client.headers(h -> h.set("Host", "orders"))
                .post()
                .uri("/upload")
                .send(Mono.just(Unpooled.wrappedBuffer(big)))
                .responseContent()
                .aggregate()
                .asString()
                .block(Duration.ofSeconds(10));
        assertThat(fixed).endsWith("POST /upload 200000");
        Flux<ByteBuf> chunks = Flux.range(0, 50).map(i -> Unpooled.wrappedBuffer(new byte[1000]));
        String chunked = client.headers(h -> h.set("Host", "orders").set("Transfer-Encoding", "chunked"))
                .post()
                .uri("/stream")
                .send(ByteBufFlux.fromInbound(chunks))
                .responseContent()
                .aggregate()
                .asString()
                .block(Duration.ofSeconds(10));
        assertThat(chunked).endsWith("POST /stream 50000");
    }

    @Test
    void unknownServiceGets503NamingIt() throws Exception {
        try (RawHttp raw = new RawHttp(sidecar.listenerAddress("egress-http"))) {
            String response = raw.send("GET / HTTP/1.1\r\nHost: nosuch\r\n\r\n").readResponse();
            assertThat(response)
                    .startsWith("HTTP/1.1 503")
                    .contains("SIDECAR-0011")
                    .contains("'nosuch'");
            String again = raw.send("GET / HTTP/1.1\r\nHost: orders\r\n\r\n").readResponse();
            assertThat(again).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void clusterWithoutEndpointsGets503() throws Exception {
        try (RawHttp raw = new RawHttp(sidecar.listenerAddress("egress-http"))) {
            String response = raw.send("GET / HTTP/1.1\r\nHost: empty\r\n\r\n").readResponse();
            assertThat(response).startsWith("HTTP/1.1 503").contains("SIDECAR-0012");
        }
    }

    @Test
    void refusedConnectGets503AfterRetries() throws Exception {
        try (RawHttp raw = new RawHttp(sidecar.listenerAddress("egress-http"))) {
            String response = raw.send("GET / HTTP/1.1\r\nHost: dead\r\n\r\n").readResponse();
            assertThat(response).startsWith("HTTP/1.1 503").contains("SIDECAR-0013");
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOnOneConnection() throws Exception {
        try (RawHttp raw = new RawHttp(sidecar.listenerAddress("egress-http"))) {
            StringBuilder requests = new StringBuilder();
            for (int i = 0; i < 5; i++) {
                requests.append("GET /p").append(i).append(" HTTP/1.1\r\nHost: orders\r\n\r\n");
            }
            requests.append("POST /p5 HTTP/1.1\r\nHost: orders\r\nContent-Length: 3\r\n\r\nabc");
            raw.send(requests.toString());
            for (int i = 0; i < 5; i++) {
                assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").endsWith("GET /p" + i + " 0");
            }
            assertThat(raw.readResponse()).endsWith("POST /p5 3");
        }
    }

    @Test
    void malformedRequestGets400AndClose() throws Exception {
        try (RawHttp raw = new RawHttp(sidecar.listenerAddress("egress-http"))) {
            String response = raw.send("POST / HTTP/1.1\r\nHost: orders\r\nContent-Length: 1\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
                    .readResponse();
            assertThat(response).startsWith("HTTP/1.1 400").contains("SIDECAR-0016");
            assertThat(raw.closedByPeer()).isTrue();
        }
        assertThat(a.hits.get() + b.hits.get()).isZero();
    }

    @Test
    void oversizedHeadersGet431() throws Exception {
        try (RawHttp raw = new RawHttp(sidecar.listenerAddress("egress-http"))) {
            String response = raw.send("GET / HTTP/1.1\r\nHost: orders\r\nX: " + "y".repeat(20_000) + "\r\n\r\n")
                    .readResponse();
            assertThat(response).startsWith("HTTP/1.1 431").contains("SIDECAR-0017");
        }
    }

    @Test
    void expectContinueIsRelayed() throws Exception {
        try (RawHttp raw = new RawHttp(sidecar.listenerAddress("egress-http"))) {
            String interim = raw.send(
                            "PUT /c HTTP/1.1\r\nHost: orders\r\nExpect: 100-continue\r\n" + "Content-Length: 4\r\n\r\n")
                    .readHead();
            assertThat(interim).startsWith("HTTP/1.1 100");
            assertThat(raw.send("abcd").readResponse())
                    .startsWith("HTTP/1.1 200")
                    .endsWith("PUT /c 4");
        }
    }

    @Test
    void webSocketUpgradeIsPassedThrough() {
        List<String> echoed = client.headers(h -> h.set("Host", "orders"))
                .websocket()
                .uri("/ws")
                .handle((in, out) -> out.sendString(Flux.just("one", "two"))
                        .then()
                        .thenMany(in.receive().asString().take(2)))
                .collectList()
                .block(Duration.ofSeconds(10));
        assertThat(echoed).containsExactly("one", "two");
    }

    @Test
    void bytesAfterARefusedUpgradeAreStillParsedAndRouted() throws Exception {
        try (RawHttp raw = new RawHttp(sidecar.listenerAddress("egress-http"))) {
            String refused = raw.send(
                            "GET /not-ws HTTP/1.1\r\nHost: orders\r\nConnection: Upgrade\r\n" + "Upgrade: h2c\r\n\r\n")
                    .readResponse();
            assertThat(refused).startsWith("HTTP/1.1 200").endsWith("GET /not-ws 0");
            String next = raw.send("GET / HTTP/1.1\r\nHost: nosuch\r\n\r\n").readResponse();
            assertThat(next).startsWith("HTTP/1.1 503").contains("SIDECAR-0011");
        }
    }

    @Test
    void slowUpstreamGets504AfterTheRequestTimeoutAndTheConnectionStaysUsable() throws Exception {
        sidecar.clusters()
                .put(cluster("slow", endpoint(a))
                        .requestTimeout(Duration.ofMillis(200))
                        .build());
        try (RawHttp raw = new RawHttp(sidecar.listenerAddress("egress-http"))) {
            assertThat(raw.send("GET /slow HTTP/1.1\r\nHost: slow\r\n\r\n").readResponse())
                    .startsWith("HTTP/1.1 504")
                    .contains("SIDECAR-0015");
            for (int i = 0; i < 3; i++) {
                assertThat(raw.send("GET /fast HTTP/1.1\r\nHost: slow\r\n\r\n").readResponse())
                        .startsWith("HTTP/1.1 200");
            }
            assertThat(raw.send("GET /slow HTTP/1.1\r\nHost: slow\r\n\r\n").readResponse())
                    .startsWith("HTTP/1.1 504");
        }
    }

    @Test
    void malformedUpstreamResponseGives502() throws Exception {
        var garbage = reactor.netty.tcp.TcpServer.create()
                .host("127.0.0.6")
                .port(0)
                .handle((in, out) -> out.sendString(reactor.core.publisher.Mono.just("HTTP/1.1 2x0 Nope\r\n\r\n"))
                        .then(in.receive().then()))
                .bindNow(Duration.ofSeconds(5));
        try {
            sidecar.clusters().update("garbage", List.of(Endpoint.of("127.0.0.6", garbage.port())));
            try (RawHttp raw = new RawHttp(sidecar.listenerAddress("egress-http"))) {
                assertThat(raw.send("GET / HTTP/1.1\r\nHost: garbage\r\n\r\n").readResponse())
                        .startsWith("HTTP/1.1 502");
            }
        } finally {
            garbage.disposeNow(Duration.ofSeconds(5));
        }
    }

    @Test
    void upstreamClosingWithoutResponseGives502() throws Exception {
        try (Blackhole hole = new Blackhole("127.0.0.5")) {
            sidecar.clusters().update("hole", List.of(Endpoint.of(hole.host(), hole.port())));
            try (RawHttp raw = new RawHttp(sidecar.listenerAddress("egress-http"))) {
                String response = raw.send("POST / HTTP/1.1\r\nHost: hole\r\nContent-Length: 2\r\n\r\nhi")
                        .readResponse();
                assertThat(response).startsWith("HTTP/1.1 502").contains("SIDECAR-0014");
            }
        }
    }

    private String get(String host, String uri) {
        return client.headers(h -> h.set("Host", host))
                .get()
                .uri(uri)
                .responseContent()
                .aggregate()
                .asString(StandardCharsets.UTF_8)
                .block(Duration.ofSeconds(10));
    }

    private <T extends AutoCloseable> T keep(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    static InetSocketAddress address(Backend backend) {
        return new InetSocketAddress(backend.host(), backend.port());
    }
}
