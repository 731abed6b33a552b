package io.dualmode.sidecar.it;

import static io.dualmode.sidecar.it.SidecarFixture.cluster;
import static io.dualmode.sidecar.it.SidecarFixture.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dualmode.governance.push.DiscoveryRequest;
import io.dualmode.governance.push.LoadReport;
import io.dualmode.governance.push.PushCodec;
import io.dualmode.governance.push.StreamReady;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.cluster.Endpoint;
import io.dualmode.sidecar.config.ControlPlaneConfig;
import io.dualmode.sidecar.config.ListenerConfig;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.RpcException;
import org.apache.dubbo.rpc.model.FrameworkModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The sidecar's load reports on the push stream: a real Dubbo consumer calls a real provider through a {@code DUBBO}
 * egress listener, and a WebSocket server on loopback stands in for the control plane's push endpoint, keeping every
 * request the sidecar sends (the platform's own handling of reports is tested in platform-server).
 */
@Timeout(120)
class LoadReportIntegrationTest {
    private static final String ECHO = "providers:" + Echo.class.getName() + ":1.0.0:";
    private static final String ABSENT = "providers:" + Echo.class.getName() + ":2.0.0:";
    private final List<DubboBootstrap> bootstraps = new ArrayList<>();
    private final List<FrameworkModel> models = new ArrayList<>();
    private final Queue<DiscoveryRequest> received = new ConcurrentLinkedQueue<>();
    private DisposableServer controlPlane;
    private Sidecar sidecar;

    /** The service called through the sidecar. */
    public interface Echo {
        String echo(String text);
    }

    @BeforeAll
    static void loopbackOnly() {
        String[] nics = new File("/sys/class/net").list();
        String ignored = Arrays.stream(nics == null ? new String[0] : nics)
                .filter(n -> !n.equals("lo"))
                .collect(Collectors.joining(","));
        System.setProperty("dubbo.network.interface.ignored", ignored);
    }

    @AfterEach
    void stop() {
        bootstraps.forEach(DubboBootstrap::destroy);
        models.forEach(FrameworkModel::destroy);
        if (sidecar != null) {
            sidecar.close();
        }
        if (controlPlane != null) {
            controlPlane.disposeNow();
        }
    }

    @Test
    void dubboCallsAndErrorsArriveInReportsPerServiceAndIdleIntervalsSendNothing() throws Exception {
        int provider = startProvider();
        int egress = startSidecar(Endpoint.of("127.0.0.1", provider));
        Echo echo = consumer(egress, "1.0.0");
        Echo absent = consumer(egress, "2.0.0");

        for (int i = 0; i < 20; i++) {
            assertThat(echo.echo("call-" + i)).isEqualTo("echo:call-" + i);
        }
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> absent.echo("x"))
                    .isInstanceOf(RpcException.class)
                    .hasMessageContaining("no healthy upstream");
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(total(ECHO, null)).isEqualTo(new long[] {20, 0, 20});
            assertThat(total(ABSENT, null)).isEqualTo(new long[] {3, 3, 3});
            // The same calls again by the endpoint they reached; the sidecar's own replies reached none.
            assertThat(total(ECHO, "127.0.0.1:" + provider)).isEqualTo(new long[] {20, 0, 20});
        });
        assertThat(reports())
                .flatMap(r -> r.report().entries())
                .filteredOn(e -> e.endpoint() != null)
                .allSatisfy(e -> assertThat(e.endpoint()).isEqualTo("127.0.0.1:" + provider));
        List<DiscoveryRequest> reports = reports();
        assertThat(reports).allSatisfy(r -> {
            assertThat(r.responseNonce()).isNull();
            assertThat(r.subscribe()).isEmpty();
            assertThat(r.report().problems()).isEmpty();
            assertThat(r.report().entries()).allMatch(e -> e.direction().equals(LoadReport.EGRESS));
        });

        int before = reports.size();
        await("no traffic, no report")
                .during(Duration.ofMillis(700))
                .atMost(Duration.ofSeconds(2))
                .until(() -> reports().size() == before);
    }

    @Test
    void grpcErrorStatusesCountOnTheEndpointThatAnsweredThemAsOnTheService() throws Exception {
        GrpcEcho failing = new GrpcEcho("failing", "127.0.0.87");
        GrpcEcho healthy = new GrpcEcho("healthy", "127.0.0.88");
        failing.failing.set(io.grpc.Status.UNAVAILABLE.withDescription("broken"));
        io.grpc.ManagedChannel channel = null;
        try {
            start(config(
                    List.of(SidecarFixture.listener("egress-h2", ListenerConfig.Protocol.H2, "127.0.0.1")),
                    List.of(cluster(
                                    GrpcEcho.SERVICE,
                                    Endpoint.of("127.0.0.87", failing.port()),
                                    Endpoint.of("127.0.0.88", healthy.port()))
                            .outlier(new io.dualmode.sidecar.config.OutlierConfig(0, Duration.ofSeconds(1), 50))
                            .build())));
            channel = GrpcProxyIntegrationTest.channel(sidecar.listenerAddress("egress-h2"), "unknown-authority");
            int unavailable = 0;
            for (int i = 0; i < 10; i++) {
                try {
                    io.grpc.stub.ClientCalls.blockingUnaryCall(
                            channel,
                            GrpcEcho.UNARY,
                            io.grpc.CallOptions.DEFAULT.withDeadlineAfter(30, java.util.concurrent.TimeUnit.SECONDS),
                            "x".getBytes(StandardCharsets.UTF_8));
                } catch (io.grpc.StatusRuntimeException e) {
                    assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
                    unavailable++;
                }
            }
            assertThat(unavailable).as("round robin over two endpoints").isEqualTo(5);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(total(GrpcEcho.SERVICE, null)).isEqualTo(new long[] {10, 5, 10});
                assertThat(total(GrpcEcho.SERVICE, "127.0.0.87:" + failing.port()))
                        .isEqualTo(new long[] {5, 5, 5});
                assertThat(total(GrpcEcho.SERVICE, "127.0.0.88:" + healthy.port()))
                        .isEqualTo(new long[] {5, 0, 5});
            });
        } finally {
            if (channel != null) {
                channel.shutdownNow().awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
            }
            failing.close();
            healthy.close();
        }
    }

    private List<DiscoveryRequest> reports() {
        return received.stream().filter(r -> r.report() != null).toList();
    }

    /**
     * Requests, errors and the sum of the latency buckets of one service (with {@code endpoint} null) or of one of its
     * endpoints over every report so far.
     */
    private long[] total(String service, String endpoint) {
        long[] t = new long[3];
        for (DiscoveryRequest r : reports()) {
            for (LoadReport.Entry e : r.report().entries()) {
                if (e.service().equals(service) && java.util.Objects.equals(e.endpoint(), endpoint)) {
                    t[0] += e.requests();
                    t[1] += e.errors();
                    t[2] += e.latencyBuckets().stream()
                            .mapToLong(Long::longValue)
                            .sum();
                }
            }
        }
        return t;
    }

    private int startSidecar(Endpoint provider) {
        ListenerConfig dubbo = SidecarFixture.listener("egress-dubbo", ListenerConfig.Protocol.DUBBO, "127.0.0.1");
        start(config(
                List.of(dubbo),
                List.of(cluster(ECHO, provider).build(), cluster(ABSENT).build())));
        return sidecar.listenerAddress("egress-dubbo").getPort();
    }

    /** Starts the stand-in control plane, then the sidecar configured by {@code config} reporting to it. */
    private void start(io.dualmode.sidecar.config.SidecarConfig.Builder config) {
        controlPlane = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .route(r -> r.ws("/api/v1/push", (in, out) -> in.aggregateFrames()
                        .receive()
                        .asString(StandardCharsets.UTF_8)
                        .doOnNext(text -> received.add(
                                (DiscoveryRequest) PushCodec.decode(text.getBytes(StandardCharsets.UTF_8))))
                        .then()
                        // like the control plane: the sidecar's first request waits for this
                        .and(out.sendString(Mono.just(
                                new String(PushCodec.encode(new StreamReady("stand-in")), StandardCharsets.UTF_8))))))
                .bindNow();
        ControlPlaneConfig cp = new ControlPlaneConfig(
                URI.create("ws://127.0.0.1:" + controlPlane.port() + "/api/v1/push"),
                "token",
                null,
                "web@test",
                List.of(),
                Duration.ofMillis(100),
                Duration.ofMillis(200));
        sidecar = Sidecar.create(config.controlPlane(cp).build()).start();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> sidecar.controlPlane().connected());
    }

    private int startProvider() throws IOException {
        int port = freePort();
        ProtocolConfig protocol = new ProtocolConfig("dubbo", port);
        protocol.setHost("127.0.0.1");
        ServiceConfig<Echo> service = new ServiceConfig<>();
        service.setInterface(Echo.class);
        service.setVersion("1.0.0");
        service.setRef(text -> "echo:" + text);
        bootstrap("dm-report-provider").protocol(protocol).service(service).start();
        return port;
    }

    private Echo consumer(int sidecarPort, String version) {
        ReferenceConfig<Echo> reference = new ReferenceConfig<>();
        reference.setInterface(Echo.class);
        reference.setVersion(version);
        reference.setUrl("dubbo://127.0.0.1:" + sidecarPort);
        reference.setTimeout(20_000);
        reference.setCheck(false);
        reference.setRetries(0);
        bootstrap("dm-report-consumer-" + version).reference(reference).start();
        return reference.get();
    }

    private DubboBootstrap bootstrap(String name) {
        FrameworkModel model = new FrameworkModel();
        models.add(model);
        ApplicationConfig app = new ApplicationConfig(name);
        app.setQosEnable(false);
        DubboBootstrap b = DubboBootstrap.newInstance(model).application(app).registry(new RegistryConfig("N/A"));
        bootstraps.add(b);
        return b;
    }

    private static int freePort() throws IOException {
        return RpcFixture.freePort();
    }
}
