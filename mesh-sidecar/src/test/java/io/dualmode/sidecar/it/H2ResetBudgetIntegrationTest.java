package io.dualmode.sidecar.it;

import static io.dualmode.sidecar.it.SidecarFixture.cluster;
import static io.dualmode.sidecar.it.SidecarFixture.config;
import static io.dualmode.sidecar.it.SidecarFixture.listener;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.cluster.Endpoint;
import io.dualmode.sidecar.config.ListenerConfig.Protocol;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

/**
 * Callers that abandon many HTTP/2 streams must not cost other callers their calls. Each abandoned stream is cancelled
 * upstream with RST_STREAM on the connection every caller's streams share, and the backend here (Reactor Netty, so
 * Netty's rapid-reset defence) closes a connection on which it receives more than 200 of them in 30 s: the sidecar
 * moves new streams to another connection once it has reset {@code H2Pool.RESET_BUDGET} on one, so a call in flight on
 * the first connection still gets its answer.
 */
class H2ResetBudgetIntegrationTest {
    private final Sinks.Empty<Void> release = Sinks.empty();
    private final AtomicInteger abandonedSeen = new AtomicInteger();
    private DisposableServer backend;
    private Sidecar sidecar;

    @BeforeEach
    void start() {
        backend = HttpServer.create()
                .host("127.0.0.84")
                .port(0)
                .protocol(HttpProtocol.H2C)
                .handle((q, s) -> {
                    if (q.uri().startsWith("/abandoned")) {
                        abandonedSeen.incrementAndGet();
                        return Mono.never(); // answered never: the caller gives up on it
                    }
                    return release.asMono()
                            .then(s.sendString(Mono.just("held " + q.uri())).then());
                })
                .bindNow(Duration.ofSeconds(5));
        sidecar = Sidecar.create(config(
                                List.of(listener("out-h2", Protocol.H2, "127.0.0.1")),
                                List.of(cluster("web", Endpoint.of("127.0.0.84", backend.port()))
                                        .build()))
                        .workers(1) // one event loop: every stream goes to the same upstream connection
                        .build())
                .start();
    }

    @AfterEach
    void stop() {
        release.tryEmitEmpty();
        sidecar.close();
        backend.disposeNow(Duration.ofSeconds(5));
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void abandonedStreamsDoNotCutOffACallInFlightOnTheSharedUpstreamConnection() throws Exception {
        ConnectionProvider pool = ConnectionProvider.create("held", 1);
        try {
            CompletableFuture<String> held = HttpClient.create(pool)
                    .protocol(HttpProtocol.H2C)
                    .remoteAddress(() -> sidecar.listenerAddress("out-h2"))
                    .headers(h -> h.set("Host", "web"))
                    .get()
                    .uri("/held")
                    .responseSingle((r, b) -> b.asString().map(s -> r.status().code() + " " + s))
                    .toFuture();
            Awaitility.await("the held call's upstream stream")
                    .atMost(Duration.ofSeconds(20))
                    .until(() ->
                            sidecar.clusters().cluster("web").metrics().rqActive.get() <= 1);

            // 3 callers x 100 streams, each sent upstream and then abandoned: 300 cancels, more than the backend's 200;
            // a caller resets at most 100 so that the sidecar's own defence leaves its connection alone
            int abandoned = 0;
            for (int caller = 0; caller < 3; caller++) {
                try (RawH2 h2 = new RawH2(sidecar.listenerAddress("out-h2"))) {
                    h2.preface().flush();
                    for (int batch = 0; batch < 4; batch++) {
                        List<Integer> ids = new ArrayList<>();
                        for (int i = 0; i < 25; i++) {
                            int id = 1 + 2 * (batch * 25 + i);
                            ids.add(id);
                            h2.headers(id, request("/abandoned/" + caller + "/" + id), true);
                        }
                        h2.flush();
                        abandoned += ids.size();
                        int expected = abandoned;
                        Awaitility.await("the abandoned requests reach the backend")
                                .atMost(Duration.ofSeconds(20))
                                .until(() -> abandonedSeen.get() >= expected);
                        for (int id : ids) {
                            h2.reset(id, 8); // CANCEL
                        }
                        h2.flush();
                    }
                }
            }
            Awaitility.await("every abandoned stream cancelled upstream")
                    .atMost(Duration.ofSeconds(20))
                    .until(() ->
                            sidecar.clusters().cluster("web").metrics().rqActive.get() <= 1);

            release.tryEmitEmpty();
            assertThat(held.get(20, TimeUnit.SECONDS))
                    .as("the call in flight on the first upstream connection")
                    .isEqualTo("200 held /held");
            assertThat(sidecar.clusters().cluster("web").metrics().cxTotal.count())
                    .as("upstream connections: the first, then others once its reset budget was used")
                    .isGreaterThanOrEqualTo(3.0);
        } finally {
            pool.disposeLater().block(Duration.ofSeconds(10));
        }
    }

    private static Http2Headers request(String path) {
        return new DefaultHttp2Headers().method("GET").scheme("http").path(path).authority("web");
    }
}
