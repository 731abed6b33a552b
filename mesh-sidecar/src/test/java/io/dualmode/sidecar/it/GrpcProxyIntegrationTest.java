package io.dualmode.sidecar.it;

import static io.dualmode.sidecar.it.SidecarFixture.cluster;
import static io.dualmode.sidecar.it.SidecarFixture.config;
import static io.dualmode.sidecar.it.SidecarFixture.listener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.cluster.Endpoint;
import io.dualmode.sidecar.config.ListenerConfig.Protocol;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GrpcProxyIntegrationTest {
    private GrpcEcho one;
    private GrpcEcho two;
    private Sidecar sidecar;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        one = new GrpcEcho("one", "127.0.0.2");
        two = new GrpcEcho("two", "127.0.0.3");
        sidecar = SidecarFixture.start(config(
                        List.of(listener("egress-h2", Protocol.H2, "127.0.0.1")),
                        List.of(cluster(
                                        GrpcEcho.SERVICE,
                                        Endpoint.of("127.0.0.2", one.port()),
                                        Endpoint.of("127.0.0.3", two.port()))
                                .build()))
                .build());
        channel = channel(sidecar.listenerAddress("egress-h2"), "unknown-authority");
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        sidecar.close();
        one.close();
        two.close();
    }

    @Test
    void unaryCallsRouteByServiceNameAndMultiplexOverBothBackends() {
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            answers.add(new String(unary(channel, "hi")));
        }
        assertThat(answers).contains("one:hi", "two:hi");
    }

    @Test
    void serverStreamingDeliversEveryMessageAndTrailers() {
        Iterator<byte[]> it = ClientCalls.blockingServerStreamingCall(
                channel,
                GrpcEcho.SERVER_STREAM,
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                new byte[] {50});
        int n = 0;
        while (it.hasNext()) {
            assertThat(it.next()[0]).isEqualTo((byte) n++);
        }
        assertThat(n).isEqualTo(50);
    }

    @Test
    void clientStreamingSumsWhatWasSent() throws Exception {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        StreamObserver<byte[]> requests = ClientCalls.asyncClientStreamingCall(
                channel.newCall(GrpcEcho.CLIENT_STREAM, CallOptions.DEFAULT), observer(new ArrayList<>(), result));
        for (int i = 0; i < 20; i++) {
            requests.onNext(new byte[100]);
        }
        requests.onCompleted();
        assertThat(new String(result.get(10, TimeUnit.SECONDS))).isEqualTo("2000");
    }

    @Test
    void megabytesStreamedUpGoThroughWithinTheFlowControlWindows() throws Exception {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        StreamObserver<byte[]> requests = ClientCalls.asyncClientStreamingCall(
                channel.newCall(GrpcEcho.CLIENT_STREAM, CallOptions.DEFAULT), observer(new ArrayList<>(), result));
        // 4 MiB: 64 times the initial HTTP/2 window, so the sidecar must give the caller's window back as it goes
        for (int i = 0; i < 128; i++) {
            requests.onNext(new byte[32 * 1024]);
        }
        requests.onCompleted();
        assertThat(new String(result.get(20, TimeUnit.SECONDS))).isEqualTo(Integer.toString(128 * 32 * 1024));
    }

    /**
     * Backpressure through the proxy: a caller that stops reading (its window fixed at 64 KiB, no auto-tuning) must
     * stop the upstream too, instead of the sidecar reading the whole stream into memory; once the caller reads, every
     * byte arrives, in order.
     */
    @Test
    void aCallerThatStopsReadingStopsTheUpstreamAndThenGetsEverything() throws Exception {
        int count = 256;
        int size = 32 * 1024;
        ManagedChannel slow = NettyChannelBuilder.forAddress(sidecar.listenerAddress("egress-h2"))
                .overrideAuthority("unknown-authority")
                .usePlaintext()
                .flowControlWindow(65_535)
                .build();
        try {
            List<byte[]> received = new CopyOnWriteArrayList<>();
            CompletableFuture<Status> closed = new CompletableFuture<>();
            ClientCall<byte[], byte[]> call =
                    slow.newCall(GrpcEcho.FLOOD, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS));
            call.start(
                    new ClientCall.Listener<>() {
                        @Override
                        public void onMessage(byte[] message) {
                            received.add(message);
                        }

                        @Override
                        public void onClose(Status status, Metadata trailers) {
                            closed.complete(status);
                        }
                    },
                    new Metadata());
            call.request(1);
            call.sendMessage(ByteBuffer.allocate(8).putInt(count).putInt(size).array());
            call.halfClose();

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> received.size() == 1 && (one.floodWaiting || two.floodWaiting));
            // the upstream stays held back at a few windows' worth of the 8 MiB
            await().during(Duration.ofMillis(500))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> one.floodSent.get() + two.floodSent.get() < 2 * 1024 * 1024);
            assertThat(received).hasSize(1);

            call.request(count);
            assertThat(closed.get(20, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
            assertThat(received).hasSize(count);
            for (int i = 0; i < count; i++) {
                byte[] m = received.get(i);
                assertThat(m).hasSize(size);
                byte expected = (byte) i;
                assertThat(m[0]).isEqualTo(expected);
                assertThat(m[size - 1]).isEqualTo(expected);
            }
        } finally {
            slow.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /**
     * The other direction: an upstream that stops reading a client stream must stop the caller, instead of the sidecar
     * taking in the whole stream; once the upstream reads, everything arrives.
     */
    @Test
    void anUpstreamThatStopsReadingStopsTheCallerAndThenGetsEverything() throws Exception {
        int count = 512;
        byte[] message = new byte[32 * 1024];
        java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
        CompletableFuture<String> answer = new CompletableFuture<>();
        ClientCall<byte[], byte[]> call =
                channel.newCall(GrpcEcho.SINK, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS));
        int[] next = {0};
        call.start(
                new ClientCall.Listener<>() {
                    @Override
                    public void onReady() {
                        // every use of the call happens here, on its serialized callback executor
                        if (next[0] == 0) {
                            call.request(1);
                        }
                        // sends only while the transport says the other side can take more
                        while (call.isReady() && next[0] < count) {
                            call.sendMessage(message);
                            sent.addAndGet(message.length);
                            next[0]++;
                        }
                        if (next[0] == count) {
                            next[0]++;
                            call.halfClose();
                        }
                    }

                    @Override
                    public void onMessage(byte[] m) {
                        answer.complete(new String(m));
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        answer.complete(status.toString());
                    }
                },
                new Metadata());

        await().atMost(Duration.ofSeconds(10)).until(() -> one.sinkCall != null || two.sinkCall != null);
        GrpcEcho upstream = one.sinkCall != null ? one : two;
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.sinkReceived.get() > 0);
        // of 16 MiB, the caller gets no further than the upstream's 1 MiB window and a few of the sidecar's
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> sent.get() < 4 * 1024 * 1024);
        assertThat(upstream.sinkReceived.get()).isEqualTo(message.length);

        upstream.sinkCall.request(Integer.MAX_VALUE);
        assertThat(answer.get(20, TimeUnit.SECONDS)).isEqualTo(Long.toString((long) count * message.length));
    }

    @Test
    void bidiStreamingEchoesInOrder() throws Exception {
        List<byte[]> received = new CopyOnWriteArrayList<>();
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        StreamObserver<byte[]> requests = ClientCalls.asyncBidiStreamingCall(
                channel.newCall(GrpcEcho.BIDI, CallOptions.DEFAULT), observer(received, done));
        for (int i = 0; i < 10; i++) {
            requests.onNext(new byte[] {(byte) i});
        }
        requests.onCompleted();
        done.get(10, TimeUnit.SECONDS);
        assertThat(received).hasSize(10);
        for (int i = 0; i < 10; i++) {
            assertThat(received.get(i)[0]).isEqualTo((byte) i);
        }
    }

    @Test
    void deadlineEndsTheCallAndCancelsItUpstream() throws Exception {
        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(
                        channel,
                        GrpcEcho.HANG,
                        CallOptions.DEFAULT.withDeadlineAfter(300, TimeUnit.MILLISECONDS),
                        new byte[] {1}))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        boolean oneCancelled = one.hangCancelled.await(5, TimeUnit.SECONDS);
        boolean twoCancelled = two.hangCancelled.getCount() == 0;
        assertThat(oneCancelled || twoCancelled).isTrue();
    }

    @Test
    void unknownServiceIsUnavailableNamingIt() throws Exception {
        sidecar.clusters().remove(GrpcEcho.SERVICE);
        assertThatThrownBy(() -> unary(channel, "x")).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e.getStatus().getDescription()).contains("SIDECAR-0011").contains("test.Echo");
        });
    }

    @Test
    void routesByAuthorityToo() throws Exception {
        sidecar.clusters().update("echo-by-name", List.of(Endpoint.of("127.0.0.3", two.port())));
        ManagedChannel byName = channel(sidecar.listenerAddress("egress-h2"), "echo-by-name:80");
        try {
            assertThat(new String(unary(byName, "a"))).isEqualTo("two:a");
        } finally {
            byName.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void upstreamDyingMidStreamEndsTheCallWithAnErrorNotAHang() throws Exception {
        Iterator<byte[]> it = ClientCalls.blockingServerStreamingCall(
                channel, GrpcEcho.TRICKLE, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), new byte[] {7});
        assertThat(it.next()[0]).isEqualTo((byte) 7);
        one.close();
        two.close();
        assertThatThrownBy(it::hasNext).isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(
                        e.getStatus().getCode())
                .isIn(Status.Code.CANCELLED, Status.Code.UNAVAILABLE, Status.Code.INTERNAL));
    }

    @Test
    void moreStreamsThanTheUpstreamAllowsPerConnectionOpenMoreConnections() throws Exception {
        try (GrpcEcho narrow = new GrpcEcho("narrow", "127.0.0.4", 2)) {
            sidecar.clusters().update("narrow", List.of(Endpoint.of("127.0.0.4", narrow.port())));
            ManagedChannel byName = channel(sidecar.listenerAddress("egress-h2"), "narrow");
            try {
                List<Iterator<byte[]>> open = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    open.add(ClientCalls.blockingServerStreamingCall(
                            byName,
                            GrpcEcho.TRICKLE,
                            CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS),
                            new byte[] {(byte) i}));
                }
                for (int i = 0; i < 5; i++) {
                    assertThat(open.get(i).next()[0]).isEqualTo((byte) i);
                }
                for (int i = 5; i < 8; i++) {
                    Iterator<byte[]> more = ClientCalls.blockingServerStreamingCall(
                            byName,
                            GrpcEcho.TRICKLE,
                            CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS),
                            new byte[] {(byte) i});
                    assertThat(more.next()[0]).isEqualTo((byte) i);
                }
            } finally {
                byName.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void backendGoneIsUnavailable() throws Exception {
        two.close();
        one.close();
        assertThatThrownBy(() -> unary(channel, "x"))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }

    static ManagedChannel channel(InetSocketAddress address, String authority) {
        return NettyChannelBuilder.forAddress(address)
                .overrideAuthority(authority)
                .usePlaintext()
                .build();
    }

    static byte[] unary(ManagedChannel channel, String text) {
        return ClientCalls.blockingUnaryCall(
                channel, GrpcEcho.UNARY, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), text.getBytes());
    }

    private static StreamObserver<byte[]> observer(List<byte[]> received, CompletableFuture<byte[]> done) {
        return new StreamObserver<>() {
            @Override
            public void onNext(byte[] value) {
                received.add(value);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete(received.isEmpty() ? new byte[0] : received.get(received.size() - 1));
            }
        };
    }
}
