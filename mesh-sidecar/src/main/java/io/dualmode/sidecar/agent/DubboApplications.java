package io.dualmode.sidecar.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dualmode.registry.naming.Instance;
import java.util.HashMap;
import java.util.Map;

/**
 * Dubbo 3 application-level instances: one registry entry per application instance, named after the application,
 * whose metadata says where its Dubbo port is ({@code dubbo.endpoints}, a JSON list of {@code {port, protocol}}) and
 * where its {@code MetadataService} answers ({@code dubbo.metadata-service.url-params}, a JSON map with {@code port}
 * and {@code protocol}). A consumer reads the revision ({@code dubbo.metadata.revision}), asks the instance's
 * MetadataService over Dubbo for the services behind it, then calls them at the endpoint's port.
 *
 * <p>Such an entry names an application, not an interface, so the sidecar cannot route it by the Dubbo header as it
 * does interface-level entries. It gives each application a listener of its own instead (egress bound to the
 * application's upstream cluster, ingress to the local application), and points the entry's host, port, endpoints and
 * MetadataService port at that listener: every Dubbo request the consumer sends there, the MetadataService call
 * included, belongs to that application.
 *
 * <p>Not enough on its own: Dubbo 3.3's consumer takes each service's port from the {@code MetadataInfo} the
 * MetadataService returns (an opaque reply body here) when it is above 0, so its business calls would go to the
 * provider's own port. The Dubbo starter's extensions make that port 0 in mesh mode (provider side) and dial the
 * rewritten endpoint (consumer side); {@code docs/starter-dubbo.md} explains both.
 */
final class DubboApplications {

    /** The protocol name the agent uses for application-level Dubbo entries. */
    static final String PROTOCOL = "dubbo-application";

    static final String REVISION = "dubbo.metadata.revision";
    static final String ENDPOINTS = "dubbo.endpoints";
    static final String METADATA_SERVICE_PARAMS = "dubbo.metadata-service.url-params";

    private static final String DUBBO = "dubbo";
    private static final ObjectMapper JSON = new ObjectMapper();

    private DubboApplications() {}

    /** Whether the metadata is that of a Dubbo application-level instance. */
    static boolean is(Map<String, String> metadata) {
        return metadata.containsKey(REVISION) || metadata.containsKey(ENDPOINTS);
    }

    /** The instance's Dubbo port: the {@code dubbo} entry of {@code dubbo.endpoints}, else the instance's port. */
    static int dubboPort(Instance instance) {
        JsonNode endpoints = parse(instance.metadata().get(ENDPOINTS));
        if (endpoints != null && endpoints.isArray()) {
            for (JsonNode e : endpoints) {
                if (DUBBO.equals(e.path("protocol").asText()) && e.path("port").asInt() > 0) {
                    return e.path("port").asInt();
                }
            }
        }
        return instance.port();
    }

    /**
     * The metadata with every address the consumer dials pointed at {@code port}: the {@code dubbo} endpoint (other
     * protocols' endpoints are dropped: a Dubbo listener cannot carry them, and left alone they would bypass the
     * sidecar) and the MetadataService's port (the flat form {@code {"port":…,"protocol":…}} of Dubbo 3, and the
     * per-protocol form {@code {"dubbo":{"port":…}}} of Dubbo 2.7).
     */
    static Map<String, String> pointedAt(Map<String, String> metadata, int port) {
        Map<String, String> out = new HashMap<>(metadata);
        JsonNode endpoints = parse(metadata.get(ENDPOINTS));
        if (endpoints != null && endpoints.isArray()) {
            ArrayNode rewritten = JSON.createArrayNode();
            for (JsonNode e : endpoints) {
                if (DUBBO.equals(e.path("protocol").asText())) {
                    rewritten.add(((ObjectNode) e.deepCopy()).put("port", port));
                }
            }
            out.put(ENDPOINTS, rewritten.toString());
        }
        JsonNode params = parse(metadata.get(METADATA_SERVICE_PARAMS));
        if (params instanceof ObjectNode p) {
            if (p.has("port") && DUBBO.equals(p.path("protocol").asText(DUBBO))) {
                p.put("port", String.valueOf(port));
            } else if (p.get(DUBBO) instanceof ObjectNode nested && nested.has("port")) {
                nested.put("port", String.valueOf(port));
            }
            out.put(METADATA_SERVICE_PARAMS, p.toString());
        }
        return out;
    }

    private static JsonNode parse(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
