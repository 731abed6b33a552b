package io.dualmode.registry.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dualmode.registry.config.CasMismatchException;
import io.dualmode.registry.config.ConfigItem;
import io.dualmode.registry.config.ConfigKey;
import io.dualmode.registry.config.ConfigService;
import io.dualmode.registry.naming.Instance;
import io.dualmode.registry.naming.InvalidRequestException;
import io.dualmode.registry.naming.NamingService;
import io.dualmode.registry.naming.ServiceKey;
import io.dualmode.registry.naming.ServiceList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The request handlers of the registry: naming, config and the internal ones every server answers. */
public final class RegistryHandlers {

    private final NamingService naming;
    private final NamingPushService push;
    private final ConfigService config;
    private final ObjectMapper json;

    public RegistryHandlers(NamingService naming, NamingPushService push, ConfigService config, ObjectMapper json) {
        this.naming = naming;
        this.push = push;
        this.config = config;
        this.json = json;
    }

    /** Every handler by request type. */
    public Map<String, RequestHandler> all() {
        Map<String, RequestHandler> map = new HashMap<>(internal());
        map.put("InstanceRequest", handler("InstanceResponse", this::instance));
        map.put("BatchInstanceRequest", handler("BatchInstanceResponse", this::batchInstance));
        map.put("PersistentInstanceRequest", handler("InstanceResponse", this::persistentInstance));
        map.put("SubscribeServiceRequest", handler("SubscribeServiceResponse", this::subscribe));
        map.put("ServiceQueryRequest", handler("QueryServiceResponse", this::query));
        map.put("ServiceListRequest", handler("ServiceListResponse", this::serviceList));
        map.put("ConfigQueryRequest", handler("ConfigQueryResponse", this::configQuery));
        map.put("ConfigPublishRequest", handler("ConfigPublishResponse", this::configPublish));
        map.put("ConfigRemoveRequest", handler("ConfigRemoveResponse", this::configRemove));
        map.put("ConfigBatchListenRequest", handler("ConfigChangeBatchListenResponse", this::configListen));
        return map;
    }

    /** The handlers every Nacos-protocol server answers whatever it serves. */
    public static Map<String, RequestHandler> internal() {
        return Map.of(
                "HealthCheckRequest", handler("HealthCheckResponse", (c, r, resp) -> resp),
                "ServerLoaderInfoRequest",
                        handler("ServerLoaderInfoResponse", (c, r, resp) -> {
                            resp.putObject("loaderMetrics");
                            return resp;
                        }));
    }

    /** A handler from a response type and a function. */
    public static RequestHandler handler(String responseType, Body body) {
        return new RequestHandler() {
            @Override
            public String responseType() {
                return responseType;
            }

            @Override
            public ObjectNode handle(Connection connection, JsonNode request, ObjectNode response) {
                return body.apply(connection, request, response);
            }
        };
    }

    /** The body of a handler. */
    @FunctionalInterface
    public interface Body {
        /** Fills and returns {@code response}. */
        ObjectNode apply(Connection connection, JsonNode request, ObjectNode response);
    }

    // ---- naming

    /** The service a naming request is about. */
    public static ServiceKey serviceKey(JsonNode request) {
        String name = text(request, "serviceName");
        if (name == null || name.isBlank()) {
            throw InvalidRequestException.invalid("serviceName must not be empty");
        }
        return ServiceKey.parse(text(request, "namespace"), text(request, "groupName"), name);
    }

    private ObjectNode instance(Connection c, JsonNode r, ObjectNode resp) {
        ServiceKey key = serviceKey(r);
        String type = text(r, "type");
        if ("registerInstance".equals(type)) {
            naming.registerForConnection(c.id(), key, instanceOf(json, r.get("instance")));
        } else if ("deregisterInstance".equals(type)) {
            naming.deregisterForConnection(c.id(), key);
        } else {
            throw InvalidRequestException.invalid("unsupported request type '" + type + "'");
        }
        return resp.put("type", type);
    }

    private ObjectNode batchInstance(Connection c, JsonNode r, ObjectNode resp) {
        ServiceKey key = serviceKey(r);
        String type = text(r, "type");
        if (!"batchRegisterInstance".equals(type)) {
            throw InvalidRequestException.invalid("unsupported request type '" + type + "'");
        }
        List<Instance> instances = new ArrayList<>();
        for (JsonNode node : r.path("instances")) {
            instances.add(instanceOf(json, node));
        }
        naming.batchRegisterForConnection(c.id(), key, instances);
        return resp.put("type", type);
    }

    private ObjectNode persistentInstance(Connection c, JsonNode r, ObjectNode resp) {
        ServiceKey key = serviceKey(r);
        String type = text(r, "type");
        Instance instance = instanceOf(json, r.get("instance")).withEphemeral(false);
        if ("registerInstance".equals(type)) {
            naming.registerInstance(key, instance);
        } else if ("deregisterInstance".equals(type)) {
            naming.deregisterInstance(key, instance.ip(), instance.port(), instance.clusterName(), false);
        } else {
            throw InvalidRequestException.invalid("unsupported request type '" + type + "'");
        }
        return resp.put("type", type);
    }

    private ObjectNode subscribe(Connection c, JsonNode r, ObjectNode resp) {
        ServiceKey key = serviceKey(r);
        String clusters = r.path("clusters").asText("");
        if (r.path("subscribe").asBoolean(true)) {
            resp.set("serviceInfo", json.valueToTree(push.subscribe(c, key, clusters)));
        } else {
            push.unsubscribe(c, key, clusters);
            resp.set("serviceInfo", json.valueToTree(naming.query(key, clusters, false)));
        }
        return resp.put("message", "success");
    }

    private ObjectNode query(Connection c, JsonNode r, ObjectNode resp) {
        ServiceKey key = serviceKey(r);
        String clusters = r.path("cluster").asText("");
        resp.set(
                "serviceInfo",
                json.valueToTree(
                        naming.query(key, clusters, r.path("healthyOnly").asBoolean(false))));
        return resp;
    }

    private ObjectNode serviceList(Connection c, JsonNode r, ObjectNode resp) {
        ServiceList page = naming.list(
                text(r, "namespace"),
                text(r, "groupName"),
                r.path("pageNo").asLong(1),
                r.path("pageSize").asLong(10));
        resp.put("count", page.count());
        ArrayNode names = resp.putArray("serviceNames");
        page.names().forEach(names::add);
        return resp;
    }

    /** Reads an instance from a request, or fails with {@code INVALID_PARAM} saying why. */
    public static Instance instanceOf(ObjectMapper json, JsonNode node) {
        if (node == null || !node.isObject()) {
            throw InvalidRequestException.invalid("instance is missing");
        }
        try {
            return json.treeToValue(node, Instance.class);
        } catch (Exception e) {
            throw InvalidRequestException.invalid("instance cannot be read: " + e.getMessage());
        }
    }

    // ---- config

    /** The config item a config request or listen context is about. */
    public static ConfigKey configKey(JsonNode r) {
        return new ConfigKey(text(r, "tenant"), text(r, "group"), text(r, "dataId"));
    }

    private ObjectNode configQuery(Connection c, JsonNode r, ObjectNode resp) {
        ConfigItem item = config.get(configKey(r));
        if (item == null) {
            resp.put("resultCode", 500);
            resp.put("errorCode", 300);
            resp.put("message", "config data not exist");
            resp.put("success", false);
            return resp;
        }
        resp.put("content", item.content());
        resp.put("md5", item.md5());
        resp.put("lastModified", item.lastModified());
        resp.put("contentType", item.type());
        if (item.encryptedDataKey() != null) {
            resp.put("encryptedDataKey", item.encryptedDataKey());
        }
        resp.put("beta", false);
        return resp;
    }

    private ObjectNode configPublish(Connection c, JsonNode r, ObjectNode resp) {
        JsonNode extra = r.path("additionMap");
        try {
            config.publish(
                    configKey(r),
                    text(r, "content"),
                    text(r, "casMd5"),
                    text(extra, "type"),
                    text(extra, "appName"),
                    text(extra, "encryptedDataKey"));
        } catch (CasMismatchException e) {
            resp.put("resultCode", 500);
            resp.put("errorCode", 500);
            resp.put("message", e.getMessage());
            resp.put("success", false);
        }
        return resp;
    }

    private ObjectNode configRemove(Connection c, JsonNode r, ObjectNode resp) {
        config.remove(configKey(r));
        return resp;
    }

    private ObjectNode configListen(Connection c, JsonNode r, ObjectNode resp) {
        boolean listen = r.path("listen").asBoolean(true);
        ArrayNode changed = resp.putArray("changedConfigs");
        for (JsonNode ctx : r.path("configListenContexts")) {
            ConfigKey key = configKey(ctx);
            if (!listen) {
                config.unlisten(c.id(), key);
                continue;
            }
            config.listen(c.id(), key);
            if (!config.md5(key).equals(ctx.path("md5").asText(""))) {
                ObjectNode item = changed.addObject();
                item.put("group", key.group());
                item.put("dataId", key.dataId());
                item.put("tenant", key.tenant());
            }
        }
        return resp;
    }

    /** A text field, or null when absent or JSON null. */
    public static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
