package io.dualmode.registry.http;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.dualmode.registry.naming.ServiceMetadata;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The HTTP side of the Nacos protocol on the main port: the v1 and v2 naming open API (instances, beats, services),
 * the v1 config API, login, the health endpoint clients probe, and the registry's own health and Prometheus metrics.
 */
public final class HttpFrontend implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpFrontend.class);
    private static final String V1 = "/nacos/v1/ns";
    private static final String V2 = "/nacos/v2/ns";

    private record Reply(HttpResponseStatus status, String contentType, String body) {}

    private final NamingService naming;
    private final ConfigService config;
    private final PrometheusMeterRegistry prometheus;
    private final ObjectMapper json;
    private final int maxBodyBytes;
    private final Map<String, Function<Params, Object>> routes = new HashMap<>();
    private DisposableServer server;

    public HttpFrontend(
            NamingService naming,
            ConfigService config,
            PrometheusMeterRegistry prometheus,
            ObjectMapper json,
            int maxBodyBytes) {
        this.naming = naming;
        this.config = config;
        this.prometheus = prometheus;
        this.json = json;
        this.maxBodyBytes = maxBodyBytes;
        routeNaming();
        routeConfigAndHealth();
    }

    /** Binds and starts serving on {@code address}. */
    public HttpFrontend start(InetSocketAddress address) {
        server = HttpServer.create()
                .host(address.getHostString())
                .port(address.getPort())
                .handle(this::handle)
                .bindNow(Duration.ofSeconds(10));
        return this;
    }

    /** The port actually bound. */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(3));
        }
    }

    private void routeNaming() {
        routes.put("POST " + V1 + "/instance", this::register);
        routes.put("PUT " + V1 + "/instance", this::update);
        routes.put("DELETE " + V1 + "/instance", this::deregister);
        routes.put("GET " + V1 + "/instance/list", p -> naming.query(
                        key(p), p.get("clusters", "clusterName", ""), p.getBoolean("healthyOnly", null, false))
                .withGroupedName());
        routes.put("PUT " + V1 + "/instance/beat", this::beat);
        routes.put("GET " + V1 + "/service/list", p -> serviceList(p, "doms"));
        routes.put("POST " + V1 + "/service", p -> {
            naming.createService(key(p), serviceMetadata(p));
            return "ok";
        });
        routes.put("PUT " + V1 + "/service", p -> {
            naming.updateService(key(p), serviceMetadata(p));
            return "ok";
        });
        routes.put("DELETE " + V1 + "/service", p -> {
            naming.deleteService(key(p));
            return "ok";
        });
        routes.put("GET " + V1 + "/service", this::serviceDetail);
        routes.put(
                "GET " + V1 + "/operator/metrics",
                p -> Map.of(
                        "status", "UP",
                        "serviceCount", naming.serviceCount(),
                        "instanceCount", naming.instanceCount()));
        routes.put("POST " + V2 + "/instance", p -> v2(register(p)));
        routes.put("PUT " + V2 + "/instance", p -> v2(update(p)));
        routes.put("DELETE " + V2 + "/instance", p -> v2(deregister(p)));
        routes.put(
                "GET " + V2 + "/instance/list",
                p -> v2(naming.query(
                                key(p), p.get("clusterName", "clusters", ""), p.getBoolean("healthyOnly", null, false))
                        .withGroupedName()));
        routes.put("GET " + V2 + "/service/list", p -> v2(serviceList(p, "services")));
    }

    private void routeConfigAndHealth() {
        Function<Params, Object> login =
                p -> Map.of("accessToken", UUID.randomUUID().toString(), "tokenTtl", 18_000, "globalAdmin", true);
        routes.put("POST /nacos/v1/auth/users/login", login);
        routes.put("POST /nacos/v1/auth/login", login);
        routes.put("GET /nacos/v1/cs/configs", this::configGet);
        routes.put("POST /nacos/v1/cs/configs", this::configPublish);
        routes.put("DELETE /nacos/v1/cs/configs", p -> String.valueOf(config.remove(configKey(p))));
        Function<Params, Object> health = p -> Map.of(
                "status", "UP",
                "services", naming.serviceCount(),
                "instances", naming.instanceCount(),
                "configs", config.size());
        routes.put("GET /health", health);
        routes.put("GET /nacos/v1/console/health/liveness", p -> "OK");
        routes.put("GET /nacos/v1/console/health/readiness", p -> "OK");
        routes.put(
                "GET /metrics",
                p -> new Reply(HttpResponseStatus.OK, "text/plain; version=0.0.4", prometheus.scrape()));
        routes.put("GET /nacos/actuator/prometheus", routes.get("GET /metrics"));
    }

    private Publisher<Void> handle(HttpServerRequest req, HttpServerResponse res) {
        String path = req.fullPath();
        HttpMethod method = req.method();
        Function<Params, Object> route = routes.get(method.name() + " " + path);
        if (route == null) {
            return send(res, error(HttpResponseStatus.NOT_FOUND, path, "no such endpoint: " + method + " " + path));
        }
        long declared = req.requestHeaders().getInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        if (declared > maxBodyBytes) {
            res.keepAlive(false);
            return send(res, error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, path, tooLarge(declared)));
        }
        return readBody(req)
                .publishOn(Schedulers.boundedElastic())
                .map(body -> invoke(route, path, new Params(req.uri(), body)))
                .onErrorResume(BodyTooLarge.class, e -> {
                    res.keepAlive(false);
                    return Mono.just(error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, path, e.getMessage()));
                })
                .flatMap(reply -> Mono.from(send(res, reply)));
    }

    private Mono<String> readBody(HttpServerRequest req) {
        return req.receive()
                .asByteArray()
                .reduceWith(ByteArrayOutputStream::new, (out, chunk) -> {
                    if ((long) out.size() + chunk.length > maxBodyBytes) {
                        throw new BodyTooLarge(tooLarge((long) out.size() + chunk.length));
                    }
                    out.writeBytes(chunk);
                    return out;
                })
                .map(out -> out.toString(StandardCharsets.UTF_8))
                .defaultIfEmpty("");
    }

    private String tooLarge(long bytes) {
        return "request body of " + bytes + " bytes exceeds the limit of " + maxBodyBytes + " bytes";
    }

    private Reply invoke(Function<Params, Object> route, String path, Params params) {
        try {
            Object result = route.apply(params);
            if (result instanceof Reply reply) {
                return reply;
            }
            if (result instanceof String s) {
                return new Reply(HttpResponseStatus.OK, "text/plain; charset=utf-8", s);
            }
            return new Reply(HttpResponseStatus.OK, "application/json", json.writeValueAsString(result));
        } catch (InvalidRequestException e) {
            return error(HttpResponseStatus.valueOf(e.code()), path, e.getMessage());
        } catch (CasMismatchException e) {
            return error(HttpResponseStatus.CONFLICT, path, e.getMessage());
        } catch (Exception e) {
            log.warn("REGISTRY-0105: {} failed", path, e);
            return error(HttpResponseStatus.INTERNAL_SERVER_ERROR, path, "internal error: " + e);
        }
    }

    private Reply error(HttpResponseStatus status, String path, String message) {
        if (path.startsWith("/nacos/v2/")) {
            ObjectNode body = json.createObjectNode();
            body.put("code", status.code());
            body.put("message", message);
            body.putNull("data");
            return new Reply(status, "application/json", body.toString());
        }
        return new Reply(status, "text/plain; charset=utf-8", "caused: " + message);
    }

    private static Publisher<Void> send(HttpServerResponse res, Reply reply) {
        return res.status(reply.status())
                .header(HttpHeaderNames.CONTENT_TYPE, reply.contentType())
                .sendString(Mono.just(reply.body()));
    }

    private static Map<String, Object> v2(Object data) {
        Map<String, Object> m = new HashMap<>();
        m.put("code", 0);
        m.put("message", "success");
        m.put("data", data);
        return m;
    }

    // ---- naming

    private static ServiceKey key(Params p) {
        return ServiceKey.parse(p.get("namespaceId"), p.get("groupName"), p.required("serviceName"));
    }

    private Instance instance(Params p) {
        return new Instance(
                null,
                p.required("ip"),
                p.requiredInt("port"),
                p.getDouble("weight", 1.0),
                p.getBoolean("healthy", null, true),
                p.getBoolean("enabled", "enable", true),
                p.getBoolean("ephemeral", null, true),
                p.get("clusterName", "cluster", Instance.DEFAULT_CLUSTER),
                null,
                metadata(p.get("metadata")));
    }

    private Map<String, String> metadata(String raw) {
        if (raw == null || raw.isBlank()) {
            return Map.of();
        }
        String trimmed = raw.trim();
        if (trimmed.startsWith("{")) {
            try {
                return json.readValue(trimmed, new TypeReference<Map<String, String>>() {});
            } catch (Exception e) {
                throw InvalidRequestException.invalid("metadata is not a JSON object of strings: " + e.getMessage());
            }
        }
        Map<String, String> map = new HashMap<>();
        for (String pair : trimmed.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw InvalidRequestException.invalid("metadata entry '" + pair + "' is not key=value");
            }
            map.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return map;
    }

    private String register(Params p) {
        naming.registerInstance(key(p), instance(p));
        return "ok";
    }

    private String update(Params p) {
        naming.updateInstance(key(p), instance(p));
        return "ok";
    }

    private String deregister(Params p) {
        naming.deregisterInstance(
                key(p),
                p.required("ip"),
                p.requiredInt("port"),
                p.get("clusterName", "cluster", Instance.DEFAULT_CLUSTER),
                p.getBoolean("ephemeral", null, true));
        return "ok";
    }

    private Object beat(Params p) {
        ServiceKey key = key(p);
        String ip = p.get("ip");
        String port = p.get("port");
        String cluster = p.get("clusterName", "cluster", null);
        String beat = p.get("beat");
        if (beat != null && !beat.isBlank()) {
            try {
                JsonNode node = json.readTree(beat);
                ip = node.path("ip").asText(ip);
                port = node.has("port") ? node.get("port").asText() : port;
                cluster = node.path("cluster").asText(cluster);
            } catch (Exception e) {
                throw InvalidRequestException.invalid("beat is not valid JSON: " + e.getMessage());
            }
        }
        if (ip == null || port == null) {
            throw InvalidRequestException.invalid("Param 'ip' and 'port' (or 'beat') are required.");
        }
        int portNumber;
        try {
            portNumber = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw InvalidRequestException.invalid("Param 'port' must be an integer, got '" + port + "'");
        }
        boolean known = naming.beat(key, ip, portNumber, cluster);
        return Map.of("clientBeatInterval", 5000, "code", known ? 10200 : 20404, "lightBeatEnabled", true);
    }

    private Object serviceList(Params p, String field) {
        ServiceList page = naming.list(
                p.get("namespaceId"), p.get("groupName"), p.getLong("pageNo", 1), p.getLong("pageSize", 20));
        return Map.of("count", page.count(), field, page.names());
    }

    private ServiceMetadata serviceMetadata(Params p) {
        return new ServiceMetadata((float) p.getDouble("protectThreshold", 0.0), metadata(p.get("metadata")));
    }

    private Object serviceDetail(Params p) {
        ServiceKey key = key(p);
        ServiceMetadata meta = naming.serviceMetadata(key);
        if (meta == null) {
            throw new InvalidRequestException(InvalidRequestException.NOT_FOUND, "service " + key + " is not found!");
        }
        return Map.of(
                "namespaceId", key.namespace(),
                "groupName", key.group(),
                "name", key.name(),
                "protectThreshold", meta.protectThreshold(),
                "metadata", meta.metadata());
    }

    // ---- config

    private static ConfigKey configKey(Params p) {
        return new ConfigKey(p.get("tenant"), p.get("group"), p.get("dataId"));
    }

    private Object configGet(Params p) {
        ConfigItem item = config.get(configKey(p));
        if (item == null) {
            return new Reply(HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8", "config data not exist");
        }
        return item.content();
    }

    private Object configPublish(Params p) {
        config.publish(configKey(p), p.required("content"), p.get("casMd5"), p.get("type"), p.get("appName"), null);
        return "true";
    }

    private static final class BodyTooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BodyTooLarge(String message) {
            super(message, null, false, false);
        }
    }
}
