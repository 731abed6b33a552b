package io.dualmode.sidecar.it;

import static io.dualmode.sidecar.it.SidecarFixture.cluster;
import static io.dualmode.sidecar.it.SidecarFixture.config;
import static io.dualmode.sidecar.it.SidecarFixture.listener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.cluster.Endpoint;
import io.dualmode.sidecar.cluster.UpstreamHost;
import io.dualmode.sidecar.config.ListenerConfig.Protocol;
import io.dualmode.sidecar.config.OutlierConfig;
import io.dualmode.sidecar.internal.metrics.SidecarMetrics.ClusterMetrics;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Passive outlier ejection of gRPC upstreams: a call answered HTTP 200 whose grpc-status is UNAVAILABLE, INTERNAL or
 * DEADLINE_EXCEEDED is an upstream failure; OK and application statuses are not.
 */
class GrpcOutlierIntegrationTest {
    private GrpcEcho one;
    private GrpcEcho two;
    private Sidecar sidecar;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        one = new GrpcEcho("one", "127.0.0.85");
        two = new GrpcEcho("two", "127.0.0.86");
        sidecar = SidecarFixture.start(config(
                        List.of(listener("egress-h2", Protocol.H2, "127.0.0.1")),
                        List.of(cluster(
                                        GrpcEcho.SERVICE,
                                        Endpoint.of("127.0.0.85", one.port()),
                                        Endpoint.of("127.0.0.86", two.port()))
                                .outlier(new OutlierConfig(3, Duration.ofSeconds(2), 50))
                                .build()))
                .build());
        channel = GrpcProxyIntegrationTest.channel(sidecar.listenerAddress("egress-h2"), "unknown-authority");
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        sidecar.close();
        one.close();
        two.close();
    }

    @ParameterizedTest
    @CsvSource({"UNAVAILABLE, false", "INTERNAL, false", "DEADLINE_EXCEEDED, false", "UNAVAILABLE, true"})
    void failureStatusesEjectTheEndpointUntilTheEjectionTimeIsOver(Status.Code code, boolean afterMessage) {
        one.failAfterMessage = afterMessage;
        one.failing.set(Status.fromCode(code).withDescription("broken"));
        ClusterMetrics metrics = sidecar.clusters().cluster(GrpcEcho.SERVICE).metrics();
        int failed = 0;
        for (int i = 0; i < 20 && metrics.ejections.count() == 0; i++) {
            failed += call().startsWith(code.name()) ? 1 : 0;
        }
        assertThat(metrics.ejections.count()).isEqualTo(1);
        assertThat(failed).isEqualTo(3);
        assertThat(metrics.rq5xx.count()).isEqualTo(3);
        assertThat(grpcFailures(metrics, code)).isEqualTo(3);
        assertThat(host(one).ejected()).isTrue();
        for (int i = 0; i < 4; i++) {
            assertThat(call()).isEqualTo("two:x");
        }
        one.failing.set(null);
        await().atMost(Duration.ofSeconds(15)).until(() -> !host(one).ejected());
        await().atMost(Duration.ofSeconds(10)).until(() -> call().equals("one:x"));
    }

    @ParameterizedTest
    @CsvSource({"NOT_FOUND", "INVALID_ARGUMENT", "PERMISSION_DENIED"})
    void applicationStatusesAreNoUpstreamFailure(Status.Code code) {
        one.failing.set(Status.fromCode(code));
        two.failing.set(Status.fromCode(code));
        for (int i = 0; i < 10; i++) {
            assertThat(call()).isEqualTo(code.name());
        }
        ClusterMetrics metrics = sidecar.clusters().cluster(GrpcEcho.SERVICE).metrics();
        assertThat(metrics.ejections.count()).isZero();
        assertThat(metrics.rq5xx.count()).isZero();
        assertThat(metrics.rq2xx.count()).isEqualTo(10);
        assertThat(host(one).ejected()).isFalse();
        assertThat(host(two).ejected()).isFalse();
    }

    /** A unary call's answer, or its status code when it failed (a long deadline: the first call warms up). */
    private String call() {
        try {
            return new String(ClientCalls.blockingUnaryCall(
                    channel,
                    GrpcEcho.UNARY,
                    CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
                    "x".getBytes()));
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode().name();
        }
    }

    private static double grpcFailures(ClusterMetrics metrics, Status.Code code) {
        return switch (code) {
            case UNAVAILABLE -> metrics.grpcUnavailable.count();
            case INTERNAL -> metrics.grpcInternal.count();
            default -> metrics.grpcDeadlineExceeded.count();
        };
    }

    private UpstreamHost host(GrpcEcho backend) {
        return sidecar.clusters().cluster(GrpcEcho.SERVICE).hosts().stream()
                .filter(h -> h.endpoint().port() == backend.port())
                .findFirst()
                .orElseThrow();
    }
}
