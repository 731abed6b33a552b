package io.dualmode.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.dualmode.registry.internal.grpc.BiRequestStreamGrpc;
import io.dualmode.registry.internal.grpc.Metadata;
import io.dualmode.registry.internal.grpc.Payload;
import io.dualmode.registry.internal.grpc.RequestGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bare client of the Nacos gRPC protocol for sending what no well-behaved client sends: unknown types, broken JSON,
 * oversized bodies, and pushes it never answers. Stands in for a misbehaving client, which nacos-client cannot be.
 */
final class RawGrpcClient implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    private final ManagedChannel channel;
    private final BlockingQueue<Payload> pushes = new LinkedBlockingQueue<>();
    private StreamObserver<Payload> stream;

    RawGrpcClient(String host, int grpcPort) {
        channel = NettyChannelBuilder.forAddress(host, grpcPort)
                .usePlaintext()
                .maxInboundMessageSize(32 * 1024 * 1024)
                .build();
    }

    static Payload payload(String type, String json) {
        return Payload.newBuilder()
                .setMetadata(Metadata.newBuilder().setType(type))
                .setBody(Any.newBuilder().setValue(ByteString.copyFrom(json, StandardCharsets.UTF_8)))
                .build();
    }

    Payload call(Payload request) {
        return RequestGrpc.newBlockingStub(channel)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .request(request);
    }

    JsonNode callJson(String type, String json) throws Exception {
        Payload reply = call(payload(type, json));
        JsonNode body = JSON.readTree(reply.getBody().getValue().toStringUtf8());
        ((com.fasterxml.jackson.databind.node.ObjectNode) body)
                .put("_type", reply.getMetadata().getType());
        return body;
    }

    /** Opens the bi-stream and sets the connection up; waits for the server's SetupAck. */
    void setUp() throws Exception {
        call(payload("ServerCheckRequest", "{\"headers\":{},\"module\":\"internal\"}"));
        stream = BiRequestStreamGrpc.newStub(channel).requestBiStream(new StreamObserver<>() {
            @Override
            public void onNext(Payload value) {
                pushes.add(value);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {}
        });
        stream.onNext(payload(
                "ConnectionSetupRequest",
                "{\"headers\":{},\"clientVersion\":\"raw-test\",\"labels\":{\"module\":\"naming\"},"
                        + "\"abilityTable\":{},\"module\":\"internal\"}"));
        Payload ack = nextPush(5);
        if (ack == null || !ack.getMetadata().getType().equals("SetupAckRequest")) {
            throw new IllegalStateException("no SetupAckRequest, got " + ack);
        }
    }

    /** The next server-to-client request, or null after {@code seconds}. */
    Payload nextPush(int seconds) throws InterruptedException {
        return pushes.poll(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
