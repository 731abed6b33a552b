package io.dualmode.sidecar.it;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real grpc-java server with a hand-built service {@code test.Echo} over raw bytes (no codegen):
 * unary (which can be told to fail with a status), server streaming, client streaming, bidi streaming, a method
 * that never answers, and a flood: server streaming that sends only while its transport says the peer can take more.
 */
final class GrpcEcho implements AutoCloseable {
    static final String SERVICE = "test.Echo";
    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    static final MethodDescriptor<byte[], byte[]> UNARY = method("Unary", MethodDescriptor.MethodType.UNARY);
    static final MethodDescriptor<byte[], byte[]> SERVER_STREAM =
            method("ServerStream", MethodDescriptor.MethodType.SERVER_STREAMING);
    static final MethodDescriptor<byte[], byte[]> CLIENT_STREAM =
            method("ClientStream", MethodDescriptor.MethodType.CLIENT_STREAMING);
    static final MethodDescriptor<byte[], byte[]> BIDI = method("Bidi", MethodDescriptor.MethodType.BIDI_STREAMING);
    static final MethodDescriptor<byte[], byte[]> HANG = method("Hang", MethodDescriptor.MethodType.UNARY);
    static final MethodDescriptor<byte[], byte[]> TRICKLE =
            method("Trickle", MethodDescriptor.MethodType.SERVER_STREAMING);
    /**
     * Client streaming that reads one message, then only as many as {@link #sinkCall}'s {@code request} asks for;
     * answers the total bytes received.
     */
    static final MethodDescriptor<byte[], byte[]> SINK = method("Sink", MethodDescriptor.MethodType.CLIENT_STREAMING);
    /** Request: message count and size (two big-endian ints); message i is {@code size} bytes of value i. */
    static final MethodDescriptor<byte[], byte[]> FLOOD = method("Flood", MethodDescriptor.MethodType.SERVER_STREAMING);

    final String name;
    final CountDownLatch hangCancelled = new CountDownLatch(1);
    /** When set, Unary ends with this status. */
    final AtomicReference<Status> failing = new AtomicReference<>();
    /** With {@link #failing}: the status comes in trailers after the echo instead of a trailers-only response. */
    volatile boolean failAfterMessage;
    /** When set, Unary never answers (until the call is cancelled). */
    volatile boolean hangUnary;

    /** When each Unary call arrived (System.nanoTime), in arrival order. */
    final java.util.Queue<Long> unaryArrivals = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** The request of every Unary call, in arrival order. */
    final java.util.Queue<String> unaryReceived = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Bytes the Flood method has handed to its transport so far. */
    final java.util.concurrent.atomic.AtomicLong floodSent = new java.util.concurrent.atomic.AtomicLong();
    /** Whether the Flood method has stopped, before its last message, because its transport was not ready. */
    volatile boolean floodWaiting;
    /** Bytes the Sink method has received so far. */
    final java.util.concurrent.atomic.AtomicLong sinkReceived = new java.util.concurrent.atomic.AtomicLong();
    /** The Sink call in progress, to ask it for more messages. */
    volatile ServerCallStreamObserver<byte[]> sinkCall;

    private final Server server;

    GrpcEcho(String name, String host) throws IOException {
        this(name, host, Integer.MAX_VALUE);
    }

    GrpcEcho(String name, String host, int maxConcurrentCallsPerConnection) throws IOException {
        this.name = name;
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress(host, 0))
                .maxConcurrentCallsPerConnection(maxConcurrentCallsPerConnection)
                // grpc-java's default size, fixed: no window auto-tuning, so what a slow reader holds back is bounded
                .flowControlWindow(1024 * 1024)
                .addService(definition())
                .build()
                .start();
    }

    int port() {
        return server.getPort();
    }

    private static MethodDescriptor<byte[], byte[]> method(String name, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(BYTES)
                .setResponseMarshaller(BYTES)
                .build();
    }

    private ServerServiceDefinition definition() {
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(UNARY, ServerCalls.asyncUnaryCall(this::unary))
                .addMethod(SERVER_STREAM, ServerCalls.asyncServerStreamingCall((req, out) -> {
                    for (int i = 0; i < req[0]; i++) {
                        out.onNext(new byte[] {(byte) i});
                    }
                    out.onCompleted();
                }))
                .addMethod(CLIENT_STREAM, ServerCalls.asyncClientStreamingCall(this::sum))
                .addMethod(BIDI, ServerCalls.asyncBidiStreamingCall(GrpcEcho::echo))
                .addMethod(TRICKLE, ServerCalls.asyncServerStreamingCall((req, out) -> out.onNext(req)))
                .addMethod(FLOOD, ServerCalls.asyncServerStreamingCall(this::flood))
                .addMethod(SINK, ServerCalls.asyncClientStreamingCall(this::sink))
                .addMethod(HANG, ServerCalls.asyncUnaryCall((req, out) -> ((ServerCallStreamObserver<byte[]>) out)
                        .setOnCancelHandler(hangCancelled::countDown)))
                .build();
    }

    /** Sends while the transport is ready (its flow-control window open), resuming when it is ready again. */
    private void flood(byte[] req, StreamObserver<byte[]> out) {
        ServerCallStreamObserver<byte[]> o = (ServerCallStreamObserver<byte[]>) out;
        java.nio.ByteBuffer args = java.nio.ByteBuffer.wrap(req);
        int count = args.getInt(0);
        int size = args.getInt(4);
        int[] next = {0};
        Runnable pump = () -> {
            while (o.isReady() && next[0] < count) {
                byte[] message = new byte[size];
                java.util.Arrays.fill(message, (byte) next[0]);
                o.onNext(message);
                floodSent.addAndGet(size);
                next[0]++;
            }
            floodWaiting = next[0] < count;
            if (next[0] == count) {
                next[0]++;
                o.onCompleted();
            }
        };
        o.setOnReadyHandler(pump);
        pump.run();
    }

    private StreamObserver<byte[]> sink(StreamObserver<byte[]> out) {
        ServerCallStreamObserver<byte[]> o = (ServerCallStreamObserver<byte[]>) out;
        o.disableAutoRequest();
        o.request(1);
        sinkCall = o;
        return new StreamObserver<>() {
            @Override
            public void onNext(byte[] value) {
                sinkReceived.addAndGet(value.length);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {
                out.onNext(Long.toString(sinkReceived.get()).getBytes());
                out.onCompleted();
            }
        };
    }

    /** Echoes, or ends with the status in {@link #failing}: trailers-only, or trailers after the echo. */
    private void unary(byte[] req, StreamObserver<byte[]> out) {
        unaryArrivals.add(System.nanoTime());
        unaryReceived.add(new String(req, java.nio.charset.StandardCharsets.UTF_8));
        if (hangUnary) {
            return;
        }
        Status status = failing.get();
        if (status == null || failAfterMessage) {
            out.onNext(concat(name + ":", req));
        }
        if (status == null) {
            out.onCompleted();
        } else {
            out.onError(status.asRuntimeException());
        }
    }

    private StreamObserver<byte[]> sum(StreamObserver<byte[]> out) {
        return new StreamObserver<>() {
            int total;

            @Override
            public void onNext(byte[] value) {
                total += value.length;
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {
                out.onNext(Integer.toString(total).getBytes());
                out.onCompleted();
            }
        };
    }

    private static StreamObserver<byte[]> echo(StreamObserver<byte[]> out) {
        return new StreamObserver<>() {
            @Override
            public void onNext(byte[] value) {
                out.onNext(value);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {
                out.onCompleted();
            }
        };
    }

    static byte[] concat(String prefix, byte[] body) {
        byte[] p = prefix.getBytes();
        byte[] out = new byte[p.length + body.length];
        System.arraycopy(p, 0, out, 0, p.length);
        System.arraycopy(body, 0, out, p.length, body.length);
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
