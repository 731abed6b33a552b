package io.dualmode.bench.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.dualmode.registry.internal.grpc.Metadata;
import io.dualmode.registry.internal.grpc.Payload;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The Nacos 2.x wire shapes the lightweight clients send and read: a {@link Payload} whose metadata type is the simple
 * class name and whose body is an {@code Any} with an empty type URL holding UTF-8 JSON.
 */
final class Wire {

    static final ObjectMapper JSON = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private Wire() {}

    static Payload payload(String type, ObjectNode body) {
        try {
            return Payload.newBuilder()
                    .setMetadata(Metadata.newBuilder().setType(type))
                    .setBody(Any.newBuilder().setValue(ByteString.copyFrom(JSON.writeValueAsBytes(body))))
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode body(Payload payload) {
        try {
            return JSON.readTree(payload.getBody().getValue().newInput());
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable " + payload.getMetadata().getType(), e);
        }
    }

    /** A client request body with the fields every request carries. */
    static ObjectNode request(String module) {
        ObjectNode node = JSON.createObjectNode();
        node.putObject("headers");
        node.put("module", module);
        return node;
    }

    /** A response body answering the server-to-client request {@code requestId}. */
    static ObjectNode ok(String requestId) {
        ObjectNode node = JSON.createObjectNode();
        node.put("resultCode", 200);
        node.put("errorCode", 0);
        node.put("requestId", requestId);
        node.put("success", true);
        return node;
    }

    /** A naming request about {@code serviceName} in the default namespace and group. */
    static ObjectNode naming(String serviceName) {
        ObjectNode node = request("naming");
        node.put("namespace", "public");
        node.put("serviceName", serviceName);
        node.put("groupName", "DEFAULT_GROUP");
        return node;
    }

    /** An ephemeral instance as nacos-client serialises it. */
    static ObjectNode instance(String ip, int port, ObjectNode metadata) {
        ObjectNode node = JSON.createObjectNode();
        node.put("ip", ip);
        node.put("port", port);
        node.put("weight", 1.0);
        node.put("healthy", true);
        node.put("enabled", true);
        node.put("ephemeral", true);
        node.put("clusterName", "DEFAULT");
        node.set("metadata", metadata);
        return node;
    }
}
