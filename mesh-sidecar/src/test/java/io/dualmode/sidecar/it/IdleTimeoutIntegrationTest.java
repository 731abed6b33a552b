package io.dualmode.sidecar.it;

import static io.dualmode.sidecar.it.SidecarFixture.cluster;
import static io.dualmode.sidecar.it.SidecarFixture.config;
import static io.dualmode.sidecar.it.SidecarFixture.endpoint;
import static io.dualmode.sidecar.it.SidecarFixture.listener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.cluster.Cluster;
import io.dualmode.sidecar.cluster.Endpoint;
import io.dualmode.sidecar.config.ConfigLoader;
import io.dualmode.sidecar.config.ListenerConfig.Protocol;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;

class IdleTimeoutIntegrationTest {
    @Test
    void idleDownstreamAndPooledUpstreamConnectionsAreClosed() throws Exception {
        try (Backend backend = new Backend("a", "127.0.0.61");
                Sidecar sidecar = withIdleTimeouts("out", Protocol.HTTP, "orders", endpoint(backend));
                RawHttp raw = new RawHttp(sidecar.listenerAddress("out"))) {
            assertThat(raw.send("GET / HTTP/1.1\r\nHost: orders\r\n\r\n").readResponse())
                    .startsWith("HTTP/1.1 200");
            assertThat(sidecar.clusters().cluster("orders").metrics().cxTotal.count())
                    .isEqualTo(1.0);
            assertThat(raw.closedByPeer()).isTrue();
            // a request in progress longer than the idle timeout keeps both connections: /slow answers after 700 ms
            try (RawHttp busy = new RawHttp(sidecar.listenerAddress("out"))) {
                assertThat(busy.send("GET /slow HTTP/1.1\r\nHost: orders\r\n\r\n")
                                .readResponse())
                        .startsWith("HTTP/1.1 200")
                        .endsWith("a slow");
                assertThat(busy.closedByPeer()).isTrue();
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> sidecar.clusters()
                                    .cluster("orders")
                                    .metrics()
                                    .cxActive
                                    .get()
                            == 0);
        }
    }

    @Test
    void idleH2ConnectionsAreClosedButNotWhileAStreamIsOpen() throws Exception {
        DisposableServer backend = HttpServer.create()
                .host("127.0.0.62")
                .port(0)
                .protocol(HttpProtocol.H2C)
                .handle((q, s) ->
                        s.sendString(Mono.delay(Duration.ofMillis(700)).map(x -> "slow " + q.uri())))
                .bindNow(Duration.ofSeconds(5));
        try (Sidecar sidecar =
                        withIdleTimeouts("out-h2", Protocol.H2, "web", Endpoint.of("127.0.0.62", backend.port()));
                RawH2 h2 = new RawH2(sidecar.listenerAddress("out-h2"))) {
            // the stream stays open 700 ms, more than twice the idle timeout, with nothing read on either connection
            h2.preface()
                    .headers(1, H2BurstIntegrationTest.request("GET", "/one"), true)
                    .flush();
            assertThat(H2BurstIntegrationTest.response(h2, 1)).isEqualTo("200 slow /one");
            long ended = System.nanoTime();
            assertThat(h2.goAwayThenClosed()).as("GOAWAY before the close").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - ended))
                    .as("closed no sooner than the idle timeout after its last stream ended")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(300));
            Cluster web = sidecar.clusters().cluster("web");
            assertThat(web.metrics().cxTotal.count()).isEqualTo(1.0);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> web.metrics().cxActive.get() == 0);
        } finally {
            backend.disposeNow(Duration.ofSeconds(5));
        }
    }

    /** A sidecar with one listener to one cluster, 300 ms idle timeouts downstream and upstream. */
    private static Sidecar withIdleTimeouts(String listenerName, Protocol protocol, String service, Endpoint endpoint) {
        return Sidecar.create(config(
                                List.of(listener(listenerName, protocol, "127.0.0.1")),
                                List.of(cluster(service, endpoint)
                                        .idleTimeout(Duration.ofMillis(300))
                                        .build()))
                        .limits(ConfigLoader.parse("limits: {idleTimeout: 300ms}", "t")
                                .limits())
                        .build())
                .start();
    }
}
