package io.dualmode.sidecar.it;

import static io.dualmode.sidecar.it.SidecarFixture.cluster;
import static io.dualmode.sidecar.it.SidecarFixture.config;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.cluster.Endpoint;
import io.dualmode.sidecar.config.ListenerConfig;
import io.dualmode.sidecar.config.ListenerConfig.Direction;
import io.dualmode.sidecar.config.ListenerConfig.Protocol;
import io.dualmode.sidecar.config.LocalServiceConfig;
import io.grpc.ManagedChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The mesh path on loopback: application -> egress sidecar -> ingress sidecar -> application, next
 * to an SDK-mode provider reached directly and an SDK-mode consumer calling the mesh provider's
 * ingress. Each "host" has its own 127.0.0.x address.
 */
class MeshPathIntegrationTest {
    private Backend meshApp;
    private Backend sdkApp;
    private GrpcEcho grpcApp;
    private Sidecar provider;
    private Sidecar consumer;
    private ConnectionProvider pool;

    @BeforeEach
    void start() throws Exception {
        meshApp = new Backend("mesh-app", "127.0.0.12");
        sdkApp = new Backend("sdk-app", "127.0.0.14");
        grpcApp = new GrpcEcho("grpc-app", "127.0.0.12");
        provider = Sidecar.create(
                        config(List.of(ingress("in-http", Protocol.HTTP), ingress("in-h2", Protocol.H2)), List.of())
                                .services(List.of(
                                        LocalServiceConfig.of("orders", "127.0.0.12", meshApp.port()),
                                        LocalServiceConfig.of(GrpcEcho.SERVICE, "127.0.0.12", grpcApp.port())))
                                .build())
                .start();
        InetSocketAddress httpIngress = provider.listenerAddress("in-http");
        InetSocketAddress h2Ingress = provider.listenerAddress("in-h2");
        consumer = Sidecar.create(config(
                                List.of(
                                        SidecarFixture.listener("out-http", Protocol.HTTP, "127.0.0.11"),
                                        SidecarFixture.listener("out-h2", Protocol.H2, "127.0.0.11")),
                                List.of(
                                        cluster(
                                                        "orders",
                                                        meshEndpoint(httpIngress),
                                                        new Endpoint(
                                                                "127.0.0.14",
                                                                sdkApp.port(),
                                                                1,
                                                                Map.of(Endpoint.MODE_KEY, "sdk")))
                                                .build(),
                                        cluster(GrpcEcho.SERVICE, meshEndpoint(h2Ingress))
                                                .build()))
                        .build())
                .start();
        pool = ConnectionProvider.create("mesh-test", 4);
    }

    @AfterEach
    void stop() throws Exception {
        pool.disposeLater().block(Duration.ofSeconds(5));
        consumer.close();
        provider.close();
        grpcApp.close();
        sdkApp.close();
        meshApp.close();
    }

    @Test
    void meshConsumerReachesMeshProviderThroughBothSidecarsAndSdkProviderDirectly() {
        HttpClient client = HttpClient.create(pool).remoteAddress(() -> consumer.listenerAddress("out-http"));
        Set<String> answeredBy = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            String body = client.headers(h -> h.set("Host", "orders"))
                    .get()
                    .uri("/mesh")
                    .responseContent()
                    .aggregate()
                    .asString()
                    .block(Duration.ofSeconds(10));
            answeredBy.add(body.split(" ")[0]);
        }
        assertThat(answeredBy).containsExactlyInAnyOrder("mesh-app", "sdk-app");
        assertThat(meshApp.hits.get()).isEqualTo(3);
    }

    @Test
    void sdkConsumerCallsTheMeshProvidersIngress() {
        String body = HttpClient.create(pool)
                .remoteAddress(() -> provider.listenerAddress("in-http"))
                .headers(h -> h.set("Host", "orders:8080"))
                .post()
                .uri("/direct")
                .send(reactor.core.publisher.Mono.just(io.netty.buffer.Unpooled.wrappedBuffer(new byte[10])))
                .responseContent()
                .aggregate()
                .asString()
                .block(Duration.ofSeconds(10));
        assertThat(body).isEqualTo("mesh-app POST /direct 10");
    }

    @Test
    void grpcCrossesBothSidecars() throws Exception {
        ManagedChannel channel = GrpcProxyIntegrationTest.channel(consumer.listenerAddress("out-h2"), "whatever");
        try {
            for (int i = 0; i < 3; i++) {
                assertThat(new String(GrpcProxyIntegrationTest.unary(channel, "m" + i)))
                        .isEqualTo("grpc-app:m" + i);
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static ListenerConfig ingress(String name, Protocol protocol) {
        return ListenerConfig.builder()
                .name(name)
                .direction(Direction.INGRESS)
                .protocol(protocol)
                .address("127.0.0.13")
                .port(0)
                .build();
    }

    private static Endpoint meshEndpoint(InetSocketAddress ingress) {
        return new Endpoint(
                ingress.getAddress().getHostAddress(), ingress.getPort(), 1, Map.of(Endpoint.MODE_KEY, "mesh"));
    }
}
