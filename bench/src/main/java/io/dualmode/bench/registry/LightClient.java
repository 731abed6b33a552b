package io.dualmode.bench.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dualmode.registry.internal.grpc.BiRequestStreamGrpc;
import io.dualmode.registry.internal.grpc.Payload;
import io.dualmode.registry.internal.grpc.RequestGrpc;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Nacos-protocol connection with no threads of its own: the handshake ({@code ServerCheckRequest}, then
 * {@code ConnectionSetupRequest} on the bi-stream and the server's {@code SetupAckRequest}), asynchronous unary
 * requests, and answers to every server-to-client request, pushes included. Callbacks run on the shared event loop.
 */
final class LightClient implements AutoCloseable {

    /** Told of every {@code NotifySubscriberRequest}, before it is acknowledged. */
    interface PushListener {
        void pushed(LightClient client, JsonNode serviceInfo, long receivedNanos);
    }

    private static final PushListener IGNORE = (c, s, t) -> {};

    private final int id;
    private final ManagedChannel channel;
    private final RequestGrpc.RequestStub stub;
    private final CompletableFuture<LightClient> ready = new CompletableFuture<>();
    private final AtomicLong pushes = new AtomicLong();
    private volatile PushListener listener = IGNORE;
    private StreamObserver<Payload> stream;
    private boolean closing;

    LightClient(int id, ManagedChannel channel) {
        this.id = id;
        this.channel = channel;
        this.stub = RequestGrpc.newStub(channel);
    }

    int id() {
        return id;
    }

    long pushes() {
        return pushes.get();
    }

    LightClient onPush(PushListener pushListener) {
        this.listener = pushListener;
        return this;
    }

    /** Runs the handshake; completes once the server acknowledged the setup. */
    CompletableFuture<LightClient> connect() {
        call("ServerCheckRequest", Wire.request("internal")).whenComplete((reply, error) -> {
            if (error != null) {
                ready.completeExceptionally(error);
                return;
            }
            ObjectNode setup = Wire.request("internal");
            setup.put("clientVersion", "dualmode-bench");
            setup.put("tenant", "");
            setup.putObject("labels").put("source", "sdk").put("module", "naming");
            setup.putObject("abilityTable");
            synchronized (this) {
                stream = BiRequestStreamGrpc.newStub(channel).requestBiStream(new Inbound());
                stream.onNext(Wire.payload("ConnectionSetupRequest", setup));
            }
        });
        return ready.orTimeout(20, TimeUnit.SECONDS);
    }

    /** A unary request; completes with the response body, exceptionally unless its resultCode is 200. */
    CompletableFuture<JsonNode> call(String type, ObjectNode body) {
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        stub.withDeadlineAfter(20, TimeUnit.SECONDS).request(Wire.payload(type, body), new StreamObserver<>() {
            @Override
            public void onNext(Payload reply) {
                JsonNode node = Wire.body(reply);
                if (node.path("resultCode").asInt() == 200) {
                    result.complete(node);
                } else {
                    result.completeExceptionally(new IllegalStateException(
                            type + " failed: " + reply.getMetadata().getType() + " " + node));
                }
            }

            @Override
            public void onError(Throwable t) {
                result.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                result.completeExceptionally(new IllegalStateException(type + ": no reply"));
            }
        });
        return result;
    }

    private synchronized void answer(String type, String requestId) {
        if (!closing) {
            stream.onNext(Wire.payload(type, Wire.ok(requestId)));
        }
    }

    /** Ends the bi-stream, so the server unregisters the connection, and starts closing the channel. */
    synchronized void startClosing() {
        closing = true;
        if (stream != null) {
            try {
                stream.onCompleted();
            } catch (RuntimeException ignored) {
                // the stream is already gone
            }
        }
        channel.shutdown();
    }

    @Override
    public void close() {
        startClosing();
        try {
            if (!channel.awaitTermination(1, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channel.shutdownNow();
        }
    }

    boolean awaitClosed(long nanos) throws InterruptedException {
        return channel.awaitTermination(nanos, TimeUnit.NANOSECONDS);
    }

    void forceClose() {
        channel.shutdownNow();
    }

    private final class Inbound implements StreamObserver<Payload> {
        @Override
        public void onNext(Payload payload) {
            long received = System.nanoTime();
            String type = payload.getMetadata().getType();
            switch (type) {
                case "SetupAckRequest" -> ready.complete(LightClient.this);
                case "NotifySubscriberRequest" -> {
                    JsonNode body = Wire.body(payload);
                    pushes.incrementAndGet();
                    listener.pushed(LightClient.this, body.path("serviceInfo"), received);
                    answer("NotifySubscriberResponse", body.path("requestId").asText());
                }
                case "ClientDetectionRequest", "ConnectResetRequest" ->
                    answer(
                            type.replace("Request", "Response"),
                            Wire.body(payload).path("requestId").asText());
                default -> {
                    // nothing else needs an answer from a naming client
                }
            }
        }

        @Override
        public void onError(Throwable t) {
            ready.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            ready.completeExceptionally(new IllegalStateException("stream of client " + id + " ended"));
        }
    }
}
