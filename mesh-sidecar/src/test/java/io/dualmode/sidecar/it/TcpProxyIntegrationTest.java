package io.dualmode.sidecar.it;

import static io.dualmode.sidecar.it.SidecarFixture.cluster;
import static io.dualmode.sidecar.it.SidecarFixture.config;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.cluster.Endpoint;
import io.dualmode.sidecar.config.ListenerConfig;
import io.dualmode.sidecar.config.ListenerConfig.Protocol;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;

class TcpProxyIntegrationTest {
    @Test
    void bytesAreRelayedBothWaysAndCloseIsPropagated() throws Exception {
        java.util.concurrent.CountDownLatch upstreamClosed = new java.util.concurrent.CountDownLatch(1);
        DisposableServer echo = TcpServer.create()
                .host("127.0.0.31")
                .doOnConnection(c -> c.onDispose(upstreamClosed::countDown))
                .port(0)
                .handle((in, out) -> out.send(in.receive().retain()))
                .bindNow(Duration.ofSeconds(5));
        ListenerConfig tcp = ListenerConfig.builder()
                .name("db")
                .protocol(Protocol.TCP)
                .address("127.0.0.1")
                .port(0)
                .cluster("db")
                .build();
        try (Sidecar sidecar = Sidecar.create(config(
                                List.of(tcp),
                                List.of(cluster("db", Endpoint.of("127.0.0.31", echo.port()))
                                        .build()))
                        .build())
                .start()) {
            try (Socket socket = new Socket()) {
                socket.setSoTimeout(10_000);
                socket.connect(sidecar.listenerAddress("db"), 5_000);
                byte[] payload = "x".repeat(100_000).getBytes(StandardCharsets.US_ASCII);
                socket.getOutputStream().write(payload);
                InputStream in = socket.getInputStream();
                assertThat(in.readNBytes(payload.length)).isEqualTo(payload);
                socket.shutdownOutput();
                assertThat(in.read()).isEqualTo(-1);
                assertThat(upstreamClosed.await(10, java.util.concurrent.TimeUnit.SECONDS))
                        .isTrue();
            }
        } finally {
            echo.disposeNow(Duration.ofSeconds(5));
        }
    }

    @Test
    void noEndpointClosesTheConnection() throws Exception {
        ListenerConfig tcp = ListenerConfig.builder()
                .name("db")
                .protocol(Protocol.TCP)
                .port(0)
                .cluster("db")
                .build();
        try (Sidecar sidecar = Sidecar.create(
                        config(List.of(tcp), List.of(cluster("db").build())).build())
                .start()) {
            try (Socket socket = new Socket()) {
                socket.setSoTimeout(10_000);
                socket.connect(sidecar.listenerAddress("db"), 5_000);
                assertThat(socket.getInputStream().read()).isEqualTo(-1);
            }
        }
    }
}
