package io.dualmode.sidecar.it;

import static io.dualmode.sidecar.it.SidecarFixture.cluster;
import static io.dualmode.sidecar.it.SidecarFixture.config;
import static io.dualmode.sidecar.it.SidecarFixture.endpoint;
import static io.dualmode.sidecar.it.SidecarFixture.listener;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualmode.governance.push.Resource;
import io.dualmode.governance.push.ResourceKey;
import io.dualmode.governance.rule.RuleKind;
import io.dualmode.governance.validation.GovernanceJson;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.cluster.Endpoint;
import io.dualmode.sidecar.config.ListenerConfig.Protocol;
import io.dualmode.sidecar.config.RetryConfig;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpMethod;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;

/**
 * Retries of HTTP/1.1 requests with bodies: the body is kept (up to retry.maxBufferedBody) so a request the first
 * endpoint reset reaches the second with the identical body; a larger body streams and is not retried after a
 * reset, but still is after a connect failure (nothing was sent). Netty's leak detector runs at paranoid level in
 * every test JVM (surefire.jvm.args), so a kept body that is not released on some path is reported. The limit
 * counts the body as it travels, chunk framing included.
 */
class Http1RetryIntegrationTest {
    private static final int LIMIT = 1024;

    private final Blackhole resetter = new Blackhole("127.0.0.91");
    private final Backend b = new Backend("b", "127.0.0.92");
    private Sidecar sidecar;

    @AfterEach
    void stop() {
        if (sidecar != null) {
            sidecar.close();
        }
        resetter.close();
        b.close();
    }

    @Test
    void idempotentRequestWithABodyTheFirstEndpointResetIsRetriedWithTheIdenticalBody() {
        start(Endpoint.of(resetter.host(), resetter.port()));
        byte[] body = random(LIMIT);
        assertThat(send("PUT", "/put", body)).isEqualTo("200 b PUT /put " + LIMIT);
        assertThat(b.lastBody.get()).isEqualTo(body);
        assertThat(sidecar.clusters().cluster("orders").metrics().retry.count()).isEqualTo(1);
    }

    @Test
    void aChunkedBodyWithinTheLimitIsRetriedToo() {
        start(Endpoint.of(resetter.host(), resetter.port()));
        byte[] first = random(300);
        byte[] second = random(400);
        assertThat(send("DELETE", "/chunked", first, second)).isEqualTo("200 b DELETE /chunked 700");
        byte[] both = new byte[700];
        System.arraycopy(first, 0, both, 0, 300);
        System.arraycopy(second, 0, both, 300, 400);
        assertThat(b.lastBody.get()).isEqualTo(both);
    }

    @Test
    void aBodyOverTheLimitIsNotRetriedAfterAResetAndTheClientGetsTheResetError() {
        start(Endpoint.of(resetter.host(), resetter.port()));
        assertThat(send("PUT", "/big", random(LIMIT + 1)))
                .isEqualTo("502 SIDECAR-0014: upstream reset before response for service 'orders'\n");
        assertThat(b.hits.get()).isZero();
    }

    @Test
    void aPostIsNotRetriedAfterAResetWithoutARetryRuleNamingReset() {
        start(Endpoint.of(resetter.host(), resetter.port()));
        assertThat(send("POST", "/post", random(100)))
                .isEqualTo("502 SIDECAR-0014: upstream reset before response for service 'orders'\n");
        assertThat(b.hits.get()).isZero();
    }

    @Test
    void aPostIsRetriedAfterAResetWhenTheServicesRetryRuleNamesReset() throws Exception {
        start(Endpoint.of(resetter.host(), resetter.port()));
        Resource rule = new Resource(
                new ResourceKey(RuleKind.TIMEOUT_RETRY, "orders"),
                1,
                GovernanceJson.mapper()
                        .readTree("""
                        {"retry": {"attempts": 1, "retryOn": ["reset"]}}"""));
        assertThat(sidecar.governance().apply(List.of(rule), List.of())).isNull();
        byte[] body = random(500);
        assertThat(send("POST", "/post", body)).isEqualTo("200 b POST /post 500");
        assertThat(b.lastBody.get()).isEqualTo(body);
    }

    @Test
    void anyBodyIsRetriedAfterAConnectFailureSinceNothingWasSent() {
        start(Endpoint.of("127.0.0.93", 1));
        byte[] body = random(4 * LIMIT);
        assertThat(send("POST", "/post", body)).isEqualTo("200 b POST /post " + 4 * LIMIT);
        assertThat(b.lastBody.get()).isEqualTo(body);
    }

    @Test
    void aPerTryTimeoutRetriesAnEndpointThatNeverAnswersOnAnother() throws Exception {
        try (Silent silent = new Silent("127.0.0.94")) {
            start(Endpoint.of(silent.host(), silent.port()));
            rule(
                    """
                    {"requestTimeoutMillis": 20000,
                     "retry": {"attempts": 1, "retryOn": ["timeout"], "perTryTimeoutMillis": 300}}""");
            for (int i = 0; i < 4; i++) {
                assertThat(send("GET", "/get")).isEqualTo("200 b GET /get 0");
            }
            assertThat(silent.connections.get())
                    .as("some attempts met the silent endpoint first")
                    .isPositive();
        }
    }

    @Test
    void aPerTryTimeoutTheRuleDoesNotRetryIsA504() throws Exception {
        try (Silent silent = new Silent("127.0.0.94")) {
            sidecar = SidecarFixture.start(config(
                            List.of(listener("out", Protocol.HTTP, "127.0.0.1")),
                            List.of(cluster("orders", Endpoint.of(silent.host(), silent.port()))
                                    .build()))
                    .build());
            rule(
                    """
                    {"requestTimeoutMillis": 20000,
                     "retry": {"attempts": 1, "retryOn": ["reset"], "perTryTimeoutMillis": 300}}""");
            assertThat(send("GET", "/get")).startsWith("504 ").contains("upstream request timeout");
        }
    }

    @Test
    void a503IsRetriedOnAnotherEndpointWhenTheRuleNamesUnavailable() throws Exception {
        try (Backend unavailable = new Backend("down", "127.0.0.95")) {
            unavailable.healthy.set(false);
            start(Endpoint.of(unavailable.host(), unavailable.port()));
            assertThat(List.of(send("GET", "/health"), send("GET", "/health")))
                    .as("without a rule the 503 is forwarded (round robin: one of two calls)")
                    .anySatisfy(r -> assertThat(r).startsWith("503"));
            rule("""
                    {"retry": {"attempts": 1, "retryOn": ["unavailable"]}}""");
            for (int i = 0; i < 4; i++) {
                assertThat(send("GET", "/health")).isEqualTo("200 b");
            }
        }
    }

    private void rule(String json) throws Exception {
        Resource rule = new Resource(
                new ResourceKey(RuleKind.TIMEOUT_RETRY, "orders"),
                1,
                GovernanceJson.mapper().readTree(json));
        assertThat(sidecar.governance().apply(List.of(rule), List.of())).isNull();
    }

    /** A TCP server that accepts and reads, and never answers. */
    private static final class Silent implements AutoCloseable {
        final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
        private final reactor.netty.DisposableServer server;

        Silent(String host) {
            server = reactor.netty.tcp.TcpServer.create()
                    .host(host)
                    .port(0)
                    .doOnConnection(c -> connections.incrementAndGet())
                    .handle((in, out) -> in.receive().then(reactor.core.publisher.Mono.never()))
                    .bindNow(Duration.ofSeconds(5));
        }

        String host() {
            return server.host();
        }

        int port() {
            return server.port();
        }

        @Override
        public void close() {
            server.disposeNow(Duration.ofSeconds(5));
        }
    }

    private void start(Endpoint first) {
        sidecar = SidecarFixture.start(config(
                        List.of(listener("out", Protocol.HTTP, "127.0.0.1")),
                        List.of(cluster("orders", first, endpoint(b))
                                .retry(new RetryConfig(2, 20, 3, LIMIT))
                                .build()))
                .build());
    }

    /** Sends one part with a Content-Length, several as chunks. */
    private String send(String method, String uri, byte[]... parts) {
        return HttpClient.create()
                .remoteAddress(() -> sidecar.listenerAddress("out"))
                .headers(h -> {
                    h.set("Host", "orders");
                    if (parts.length == 1) {
                        h.set("Content-Length", parts[0].length);
                    } else {
                        h.set("Transfer-Encoding", "chunked");
                    }
                })
                .request(HttpMethod.valueOf(method))
                .uri(uri)
                .send(Flux.fromArray(parts).map(Unpooled::wrappedBuffer))
                .responseSingle((r, content) -> content.asString()
                        .defaultIfEmpty("")
                        .map(s -> r.status().code() + " " + s))
                .block(Duration.ofSeconds(30));
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
