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
import io.dualmode.sidecar.cluster.UpstreamHost;
import io.dualmode.sidecar.config.ClusterConfig;
import io.dualmode.sidecar.config.HealthCheckConfig;
import io.dualmode.sidecar.config.ListenerConfig.Protocol;
import io.dualmode.sidecar.config.OutlierConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/** Upstreams dying under load, passive outlier ejection and active health checks. */
class ResilienceIntegrationTest {
    private static final int CONCURRENCY = 8;

    private final Backend a = new Backend("a", "127.0.0.21");
    private final Backend b = new Backend("b", "127.0.0.22");
    private final ConnectionProvider pool = ConnectionProvider.create("resilience", CONCURRENCY);
    private Sidecar sidecar;

    @AfterEach
    void stop() {
        pool.disposeLater().block(Duration.ofSeconds(5));
        if (sidecar != null) {
            sidecar.close();
        }
        a.close();
        b.close();
    }

    @Test
    void upstreamKilledMidLoadFailsNoMoreThanInFlightAndIsEjected() {
        start(cluster("orders", endpoint(a), endpoint(b))
                .outlier(new OutlierConfig(3, Duration.ofSeconds(60), 50))
                .build());
        HttpClient client = client();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        var load = Flux.range(0, 400)
                .flatMap(
                        i -> get(client, "/load/" + i)
                                .doOnNext(body -> ok.incrementAndGet())
                                .onErrorResume(e -> {
                                    failed.incrementAndGet();
                                    return Mono.empty();
                                }),
                        CONCURRENCY)
                .then()
                .toFuture();
        await().atMost(Duration.ofSeconds(30)).until(() -> ok.get() >= 150);
        b.kill();
        load.join();
        assertThat(failed.get()).isLessThanOrEqualTo(CONCURRENCY);
        assertThat(ok.get() + failed.get()).isEqualTo(400);
        UpstreamHost bHost = host("orders", b);
        assertThat(bHost.ejected()).isTrue();
        int before = a.hits.get();
        for (int i = 0; i < 10; i++) {
            assertThat(get(client, "/after").block(Duration.ofSeconds(10))).startsWith("a ");
        }
        assertThat(a.hits.get()).isEqualTo(before + 10);
    }

    @Test
    void httpHealthCheckTakesAFailingHostOutAndBringsItBack() {
        start(cluster("orders", endpoint(a), endpoint(b))
                .healthCheck(HealthCheckConfig.http("/health", Duration.ofMillis(100), Duration.ofMillis(500), 2, 1))
                .build());
        UpstreamHost bHost = host("orders", b);
        b.healthy.set(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> !bHost.healthy());
        HttpClient client = client();
        for (int i = 0; i < 6; i++) {
            assertThat(get(client, "/hc").block(Duration.ofSeconds(10))).startsWith("a ");
        }
        b.healthy.set(true);
        await().atMost(Duration.ofSeconds(10)).until(bHost::healthy);
    }

    @Test
    void tcpHealthCheckMarksAClosedPortUnhealthy() {
        start(cluster("orders", endpoint(a), Endpoint.of("127.0.0.23", 1))
                .healthCheck(HealthCheckConfig.tcp(Duration.ofMillis(100), Duration.ofMillis(500), 1, 1))
                .build());
        Cluster orders = sidecar.clusters().cluster("orders");
        await().atMost(Duration.ofSeconds(10)).until(() -> orders.hosts().stream()
                .filter(h -> h.endpoint().port() == 1)
                .noneMatch(UpstreamHost::healthy));
        assertThat(host("orders", a).healthy()).isTrue();
    }

    private void start(ClusterConfig cluster) {
        sidecar = Sidecar.create(config(List.of(listener("out", Protocol.HTTP, "127.0.0.1")), List.of(cluster))
                        .build())
                .start();
    }

    private HttpClient client() {
        return HttpClient.create(pool)
                .remoteAddress(() -> sidecar.listenerAddress("out"))
                .headers(h -> h.set("Host", "orders"));
    }

    private static Mono<String> get(HttpClient client, String uri) {
        return client.get()
                .uri(uri)
                .responseSingle((res, body) -> res.status().code() == 200
                        ? body.asString()
                        : Mono.error(new IllegalStateException("status " + res.status())));
    }

    private UpstreamHost host(String cluster, Backend backend) {
        return sidecar.clusters().cluster(cluster).hosts().stream()
                .filter(h -> h.endpoint().port() == backend.port())
                .findFirst()
                .orElseThrow();
    }
}
