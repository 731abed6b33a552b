package io.dualmode.sidecar.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dualmode.sidecar.config.SidecarErrors;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The body of one SOFA mesh API request, read strictly: a JSON object whose fields are the ones SOFARPC's request
 * class of that endpoint has, with the types it writes ({@code null} allowed, as SOFA's JSON writes every field). A
 * mistake becomes a {@link MeshApiException} with its {@code SIDECAR-02xx} code.
 */
final class MeshApiInput {

    private final String endpoint;
    private final ObjectNode body;

    private MeshApiInput(String endpoint, ObjectNode body) {
        this.endpoint = endpoint;
        this.body = body;
    }

    /** Parses {@code bytes}; {@code known} are the allowed field names, or {@code null} for any. */
    static MeshApiInput parse(ObjectMapper json, String endpoint, byte[] bytes, Set<String> known) {
        JsonNode tree;
        try {
            tree = bytes.length == 0 ? null : json.readTree(bytes);
        } catch (IOException e) {
            throw new MeshApiException(400, SidecarErrors.MESH_API_BAD_JSON.format(endpoint, firstLine(e)));
        }
        if (!(tree instanceof ObjectNode object)) {
            String got = tree == null
                    ? "an empty body"
                    : "a JSON " + tree.getNodeType().name().toLowerCase();
            throw new MeshApiException(400, SidecarErrors.MESH_API_BAD_JSON.format(endpoint, "got " + got));
        }
        MeshApiInput input = new MeshApiInput(endpoint, object);
        if (known != null) {
            input.onlyFields("", object, known);
        }
        return input;
    }

    /** Rejects any field of the nested object {@code field} not in {@code known}. */
    MeshApiInput onlyFieldsOf(String field, Set<String> known) {
        JsonNode nested = body.get(field);
        if (nested != null && !nested.isNull()) {
            if (!nested.isObject()) {
                throw bad(field + " must be an object or null");
            }
            onlyFields(field + ".", (ObjectNode) nested, known);
        }
        return this;
    }

    private void onlyFields(String prefix, ObjectNode object, Set<String> known) {
        object.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                throw new MeshApiException(
                        400,
                        SidecarErrors.MESH_API_UNKNOWN_FIELD.format(
                                endpoint, prefix + name, String.join(", ", new TreeSet<>(known))));
            }
        });
    }

    /** A string field that must be present and not blank. */
    String requiredText(String field) {
        String value = text(field);
        if (value == null || value.isBlank()) {
            throw bad(field + " is required (a non-blank string)");
        }
        return value.trim();
    }

    /** A string field, or null when absent or null. */
    String text(String field) {
        return text(body, field, field);
    }

    /** The string field {@code field} of the nested object {@code object}, or null. */
    String text(String object, String field) {
        JsonNode nested = body.get(object);
        return nested == null || nested.isNull() ? null : text(nested, field, object + "." + field);
    }

    private String text(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw bad(path + " must be a string or null, got "
                    + value.getNodeType().name().toLowerCase());
        }
        return value.asText();
    }

    /** A port field given as a number or a numeric string, or {@code fallback} when absent. */
    int port(String field, int fallback) {
        JsonNode value = body.get(field);
        if (value == null
                || value.isNull()
                || (value.isTextual() && value.asText().isBlank())) {
            return fallback;
        }
        int port = value.isIntegralNumber() ? value.asInt(-1) : parseInt(value.asText());
        if (port < 1 || port > 65_535) {
            throw bad(field + " must be a port in 1..65535, got " + value);
        }
        return port;
    }

    /** A map of strings at {@code path} (an object field, or a field of the nested object), empty when null. */
    Map<String, String> strings(String object, String field) {
        JsonNode parent = object == null ? body : body.get(object);
        JsonNode value = parent == null || parent.isNull() ? null : parent.get(field);
        String path = object == null ? field : object + "." + field;
        Map<String, String> out = new LinkedHashMap<>();
        if (value == null || value.isNull()) {
            return out;
        }
        if (!value.isObject()) {
            throw bad(path + " must be an object of strings or null");
        }
        value.fields().forEachRemaining(e -> {
            if (e.getValue().isNull()) {
                return;
            }
            if (!e.getValue().isValueNode()) {
                throw bad(path + "." + e.getKey() + " must be a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        });
        return out;
    }

    /** A {@link SidecarErrors#MESH_API_BAD_FIELD} error. */
    MeshApiException bad(String what) {
        return new MeshApiException(400, SidecarErrors.MESH_API_BAD_FIELD.format(endpoint, what));
    }

    private static int parseInt(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String firstLine(IOException e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** A refused mesh API request: the HTTP status and the message, which starts with its code. */
    static final class MeshApiException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final int status;

        MeshApiException(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        int status() {
            return status;
        }
    }
}
