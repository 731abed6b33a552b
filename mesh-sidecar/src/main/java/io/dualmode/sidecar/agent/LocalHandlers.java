package io.dualmode.sidecar.agent;

import static io.dualmode.registry.remote.RegistryHandlers.configKey;
import static io.dualmode.registry.remote.RegistryHandlers.handler;
import static io.dualmode.registry.remote.RegistryHandlers.serviceKey;
import static io.dualmode.registry.remote.RegistryHandlers.text;

import com.alibaba.nacos.api.exception.NacosException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dualmode.registry.config.ConfigKey;
import io.dualmode.registry.config.ConfigService;
import io.dualmode.registry.naming.Instance;
import io.dualmode.registry.naming.InvalidRequestException;
import io.dualmode.registry.naming.ServiceKey;
import io.dualmode.registry.remote.Connection;
import io.dualmode.registry.remote.RegistryHandlers;
import io.dualmode.registry.remote.RequestHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The Nacos request handlers of the sidecar's local registry endpoint: everything relayed, addresses rewritten. */
final class LocalHandlers {

    private final Publications publications;
    private final Subscriptions subscriptions;
    private final ConfigRelay config;
    private final Upstream upstream;
    private final ObjectMapper json;

    LocalHandlers(
            Publications publications,
            Subscriptions subscriptions,
            ConfigRelay config,
            Upstream upstream,
            ObjectMapper json) {
        this.publications = publications;
        this.subscriptions = subscriptions;
        this.config = config;
        this.upstream = upstream;
        this.json = json;
    }

    Map<String, RequestHandler> all() {
        Map<String, RequestHandler> map = new HashMap<>(RegistryHandlers.internal());
        map.put("InstanceRequest", handler("InstanceResponse", this::instance));
        map.put("BatchInstanceRequest", handler("BatchInstanceResponse", this::batch));
        map.put("SubscribeServiceRequest", handler("SubscribeServiceResponse", this::subscribe));
        map.put("ServiceQueryRequest", handler("QueryServiceResponse", this::query));
        map.put("ServiceListRequest", handler("ServiceListResponse", this::list));
        map.put("ConfigQueryRequest", handler("ConfigQueryResponse", this::configQuery));
        map.put("ConfigPublishRequest", handler("ConfigPublishResponse", this::configPublish));
        map.put("ConfigRemoveRequest", handler("ConfigRemoveResponse", this::configRemove));
        map.put("ConfigBatchListenRequest", handler("ConfigChangeBatchListenResponse", this::configListen));
        return map;
    }

    private ObjectNode instance(Connection c, JsonNode r, ObjectNode resp) {
        ServiceKey key = serviceKey(r);
        String type = r.path("type").asText();
        switch (type) {
            case "registerInstance" ->
                publications.put(c.id(), key, List.of(RegistryHandlers.instanceOf(json, r.get("instance"))));
            case "deregisterInstance" -> publications.put(c.id(), key, List.of());
            default -> throw InvalidRequestException.invalid("unsupported request type '" + type + "'");
        }
        return resp.put("type", type);
    }

    private ObjectNode batch(Connection c, JsonNode r, ObjectNode resp) {
        ServiceKey key = serviceKey(r);
        List<Instance> instances = new ArrayList<>();
        r.path("instances").forEach(n -> instances.add(RegistryHandlers.instanceOf(json, n)));
        publications.put(c.id(), key, instances);
        return resp.put("type", r.path("type").asText());
    }

    private ObjectNode subscribe(Connection c, JsonNode r, ObjectNode resp) {
        ServiceKey key = serviceKey(r);
        String clusters = r.path("clusters").asText("");
        if (r.path("subscribe").asBoolean(true)) {
            resp.set("serviceInfo", json.valueToTree(subscriptions.subscribe(c.id(), key, clusters)));
        } else {
            subscriptions.unsubscribe(c.id(), key, clusters);
            resp.set("serviceInfo", json.valueToTree(subscriptions.query(key, clusters, false)));
        }
        return resp.put("message", "success");
    }

    private ObjectNode query(Connection c, JsonNode r, ObjectNode resp) {
        ServiceKey key = serviceKey(r);
        resp.set(
                "serviceInfo",
                json.valueToTree(subscriptions.query(
                        key, r.path("cluster").asText(""), r.path("healthyOnly").asBoolean(false))));
        return resp;
    }

    private ObjectNode list(Connection c, JsonNode r, ObjectNode resp) {
        String group = r.path("groupName").asText(ServiceKey.DEFAULT_GROUP);
        long pageNo = Math.max(1, r.path("pageNo").asLong(1));
        long pageSize =
                Math.min(Integer.MAX_VALUE, Math.max(1, r.path("pageSize").asLong(10)));
        try {
            var page = upstream.naming(r.path("namespace").asText(null))
                    .getServicesOfServer((int) pageNo, (int) pageSize, group);
            resp.put("count", page.getCount());
            ArrayNode names = resp.putArray("serviceNames");
            page.getData().forEach(names::add);
            return resp;
        } catch (NacosException e) {
            throw new InvalidRequestException(e.getErrCode(), "the registry failed to list services: " + e.getErrMsg());
        }
    }

    private ObjectNode configQuery(Connection c, JsonNode r, ObjectNode resp) {
        String content = config.get(configKey(r));
        if (content == null) {
            resp.put("resultCode", 500).put("errorCode", 300).put("message", "config data not exist");
            return resp.put("success", false);
        }
        resp.put("content", content);
        resp.put("md5", ConfigService.md5Hex(content.getBytes(StandardCharsets.UTF_8)));
        resp.put("contentType", "text");
        return resp.put("lastModified", System.currentTimeMillis());
    }

    private ObjectNode configPublish(Connection c, JsonNode r, ObjectNode resp) {
        boolean ok = config.publish(
                configKey(r), text(r, "content"), text(r, "casMd5"), text(r.path("additionMap"), "type"));
        if (!ok) {
            resp.put("resultCode", 500).put("errorCode", 500);
            resp.put("message", "Cas publish fail,server md5 may have changed.").put("success", false);
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
            } else if (!config.listen(c.id(), key).equals(ctx.path("md5").asText(""))) {
                changed.addObject()
                        .put("group", key.group())
                        .put("dataId", key.dataId())
                        .put("tenant", key.tenant());
            }
        }
        return resp;
    }
}
