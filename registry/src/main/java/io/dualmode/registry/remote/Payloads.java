package io.dualmode.registry.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.dualmode.registry.internal.grpc.Metadata;
import io.dualmode.registry.internal.grpc.Payload;
import java.io.IOException;

/**
 * Converts between gRPC {@link Payload}s and JSON: the metadata type is the simple class name, the body an {@code Any}
 * with an empty type URL holding UTF-8 JSON.
 */
public final class Payloads {

    private final ObjectMapper json;

    public Payloads(ObjectMapper json) {
        this.json = json;
    }

    /** The JSON mapper shared by the front ends. */
    public ObjectMapper json() {
        return json;
    }

    /** A payload of {@code type} carrying {@code body}. */
    public Payload payload(String type, JsonNode body) {
        try {
            return payload(type, json.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise " + type, e);
        }
    }

    /** A payload of {@code type} carrying already-serialised JSON. */
    public static Payload payload(String type, byte[] jsonBody) {
        return Payload.newBuilder()
                .setMetadata(Metadata.newBuilder().setType(type))
                .setBody(Any.newBuilder().setValue(ByteString.copyFrom(jsonBody)))
                .build();
    }

    /** Parses the body; a {@link RemoteException} with {@code BAD_GATEWAY} when it is not a JSON object. */
    public JsonNode body(Payload payload) {
        ByteString value = payload.getBody().getValue();
        try {
            JsonNode node = json.readTree(value.newInput());
            if (node == null || !node.isObject()) {
                throw new RemoteException(
                        RemoteException.BAD_GATEWAY,
                        "body of " + payload.getMetadata().getType() + " is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new RemoteException(
                    RemoteException.BAD_GATEWAY,
                    "body of " + payload.getMetadata().getType() + " cannot be parsed: " + e.getMessage());
        }
    }

    /** A successful response body. */
    public ObjectNode ok() {
        ObjectNode node = json.createObjectNode();
        node.put("resultCode", 200);
        node.put("errorCode", 0);
        node.put("success", true);
        return node;
    }

    /** A failed response body with a Nacos error code. */
    public ObjectNode failure(int errorCode, String message) {
        ObjectNode node = json.createObjectNode();
        node.put("resultCode", 500);
        node.put("errorCode", errorCode);
        node.put("message", message);
        node.put("success", false);
        return node;
    }

    /** An {@code ErrorResponse} payload. */
    public Payload error(int errorCode, String message) {
        return payload("ErrorResponse", failure(errorCode, message));
    }

    /** A server-to-client request body with the fields every request carries. */
    public ObjectNode request(String module) {
        ObjectNode node = json.createObjectNode();
        node.putObject("headers");
        node.put("module", module);
        return node;
    }
}
