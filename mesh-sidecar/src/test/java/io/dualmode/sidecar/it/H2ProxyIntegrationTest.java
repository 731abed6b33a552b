package io.dualmode.sidecar.it;

import static io.dualmode.sidecar.it.SidecarFixture.cluster;
import static io.dualmode.sidecar.it.SidecarFixture.config;
import static io.dualmode.sidecar.it.SidecarFixture.listener;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualmode.governance.rule.RuleKind;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.cluster.Endpoint;
import io.dualmode.sidecar.config.ConfigLoader;
import io.dualmode.sidecar.config.ListenerConfig.Protocol;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

/** Plain (non-gRPC) HTTP/2 with prior knowledge through the sidecar, with Reactor Netty on both ends. */
class H2ProxyIntegrationTest {
    private DisposableServer backend;
    private Sidecar sidecar;
    private HttpClient client;

    @BeforeEach
    void start() {
        backend = HttpServer.create()
                .host("127.0.0.81")
                .port(0)
                .protocol(HttpProtocol.H2C)
                .handle((q, s) -> q.receive()
                        .aggregate()
                        .asByteArray()
                        .defaultIfEmpty(new byte[0])
                        .flatMap(b -> s.header("x-backend", "h2")
                                .sendString(Mono.just(q.method() + " " + q.uri() + " " + b.length))
                                .then()))
                .bindNow(Duration.ofSeconds(5));
        sidecar = Sidecar.create(config(
                                List.of(listener("out-h2", Protocol.H2, "127.0.0.1")),
                                List.of(cluster("web", Endpoint.of("127.0.0.81", backend.port()))
                                        .build()))
                        .limits(ConfigLoader.parse("limits: {maxBodyBytes: 1000}", "t")
                                .limits())
                        .build())
                .start();
        client = HttpClient.create()
                .protocol(HttpProtocol.H2C)
                .remoteAddress(() -> sidecar.listenerAddress("out-h2"))
                .headers(h -> h.set("Host", "web"));
    }

    @AfterEach
    void stop() {
        sidecar.close();
        backend.disposeNow(Duration.ofSeconds(5));
    }

    @Test
    void requestsAndBodiesGoThroughByAuthority() {
        String body = client.post()
                .uri("/h2")
                .send(Mono.just(Unpooled.wrappedBuffer(new byte[500])))
                .responseSingle((r, b) -> b.asString().map(s -> r.status().code() + " " + s))
                .block(Duration.ofSeconds(10));
        assertThat(body).isEqualTo("200 POST /h2 500");
    }

    @Test
    void bodyOverTheLimitGets413() {
        Integer status = client.post()
                .uri("/big")
                .send(Mono.just(Unpooled.wrappedBuffer(new byte[5000])))
                .responseSingle((r, b) -> Mono.just(r.status().code()))
                .block(Duration.ofSeconds(10));
        assertThat(status).isEqualTo(413);
    }

    @Test
    void governanceRejectionsArePlainHttpStatusesOnH2() {
        RpcFixture rules = new RpcFixture();
        rules.apply(
                sidecar,
                RuleKind.FAULT_INJECTION,
                "web",
                """
                {"faults": [{"abort": {"status": 418, "percent": 100}}]}""");
        assertThat(get("/h2")).isEqualTo("418 SIDECAR-0047 SIDECAR-0047: fault injected for service 'web'\n");

        rules.apply(
                sidecar,
                RuleKind.FAULT_INJECTION,
                "web",
                """
                {"faults": [{"abort": {"status": 503, "percent": 100}, "match": {"methods": ["/only"]}}]}""");
        assertThat(get("/h2")).as("the fault matches /only").isEqualTo("200 - GET /h2 0");
        assertThat(get("/only/this")).startsWith("503 SIDECAR-0047");
    }

    private String get(String path) {
        return client.get()
                .uri(path)
                .responseSingle((r, b) -> b.asString()
                        .defaultIfEmpty("")
                        .map(s -> r.status().code() + " "
                                + java.util.Objects.requireNonNullElse(
                                        r.responseHeaders().get("x-dualmode-error"), "-")
                                + " " + s))
                .block(Duration.ofSeconds(10));
    }
}
