package io.dualmode.sidecar.it;

import static io.dualmode.sidecar.it.SidecarFixture.cluster;
import static io.dualmode.sidecar.it.SidecarFixture.config;
import static io.dualmode.sidecar.it.SidecarFixture.endpoint;
import static io.dualmode.sidecar.it.SidecarFixture.listener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.config.ConfigLoader;
import io.dualmode.sidecar.config.ListenerConfig.Protocol;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdleTimeoutIntegrationTest {
    @Test
    void idleDownstreamAndPooledUpstreamConnectionsAreClosed() throws Exception {
        try (Backend backend = new Backend("a", "127.0.0.61");
                Sidecar sidecar = Sidecar.create(config(
                                        List.of(listener("out", Protocol.HTTP, "127.0.0.1")),
                                        List.of(cluster("orders", endpoint(backend))
                                                .idleTimeout(Duration.ofMillis(300))
                                                .build()))
                                .limits(ConfigLoader.parse("limits: {idleTimeout: 300ms}", "t")
                                        .limits())
                                .build())
                        .start();
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
}
