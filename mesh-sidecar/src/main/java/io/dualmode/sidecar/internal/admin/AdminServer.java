package io.dualmode.sidecar.internal.admin;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualmode.sidecar.Mode;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.cluster.Cluster;
import io.dualmode.sidecar.cluster.ClusterManager;
import io.dualmode.sidecar.cluster.UpstreamHost;
import io.dualmode.sidecar.config.AdminConfig;
import io.dualmode.sidecar.config.ConfigLoader;
import io.dualmode.sidecar.config.SidecarErrors;
import io.dualmode.sidecar.internal.metrics.SidecarMetrics;
import io.dualmode.sidecar.internal.transport.ProxyRuntime;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.reactivestreams.Publisher;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * The admin endpoint (Reactor Netty; not on the request path): {@code /config_dump}, {@code
 * /clusters}, {@code /listeners}, {@code /stats}, {@code /metrics}, {@code /ready}, {@code
 * /logging}, {@code /mode}.
 */
public final class AdminServer {
    private static final ObjectMapper JSON = ConfigLoader.jsonMapper();

    private final Sidecar sidecar;
    private final SidecarMetrics metrics;
    private final ClusterManager clusters;
    private final ProxyRuntime runtime;
    private final LoopResources loops = LoopResources.create("dualmode-sidecar-admin", 1, true);
    private DisposableServer server;

    private AdminServer(Sidecar sidecar, SidecarMetrics metrics, ClusterManager clusters, ProxyRuntime runtime) {
        this.sidecar = sidecar;
        this.metrics = metrics;
        this.clusters = clusters;
        this.runtime = runtime;
    }

    /** Starts the admin endpoint. */
    public static AdminServer start(
            Sidecar sidecar,
            AdminConfig config,
            SidecarMetrics metrics,
            ClusterManager clusters,
            ProxyRuntime runtime) {
        AdminServer admin = new AdminServer(sidecar, metrics, clusters, runtime);
        try {
            admin.server = admin.bind(config);
        } catch (RuntimeException e) {
            admin.loops.dispose();
            throw SidecarErrors.BIND_FAILED.exception(config.address() + ":" + config.port(), "admin", e.toString());
        }
        return admin;
    }

    private DisposableServer bind(AdminConfig config) {
        return HttpServer.create()
                .host(config.address())
                .port(config.port())
                .runOn(loops)
                .route(r -> r.get("/config_dump", (q, s) -> json(s, sidecar.config()))
                        .get("/clusters", (q, s) -> json(s, clusters()))
                        .get("/listeners", (q, s) -> json(s, listeners()))
                        .get("/stats", (q, s) -> json(s, stats()))
                        .get("/metrics", this::prometheus)
                        .get("/ready", this::ready)
                        .get("/logging", (q, s) -> json(s, Map.of("root", rootLevel())))
                        .post("/logging", this::setLogLevel)
                        .get(
                                "/mode",
                                (q, s) -> json(
                                        s, Map.of("mode", sidecar.mode().get().wireName())))
                        .post("/mode", this::setMode))
                .bindNow(Duration.ofSeconds(5));
    }

    /** The bound address. */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.address();
    }

    /** Stops the endpoint. */
    public void close() {
        server.disposeNow(Duration.ofSeconds(2));
        loops.dispose();
    }

    private Publisher<Void> ready(HttpServerRequest q, HttpServerResponse s) {
        boolean ready = sidecar.ready() && !runtime.draining();
        return s.status(ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE)
                .sendString(Mono.just(ready ? "ready\n" : "not ready\n"));
    }

    private Publisher<Void> prometheus(HttpServerRequest q, HttpServerResponse s) {
        return s.header("content-type", "text/plain; version=0.0.4; charset=utf-8")
                .sendString(Mono.fromSupplier(() -> metrics.registry().scrape()));
    }

    private Publisher<Void> setMode(HttpServerRequest q, HttpServerResponse s) {
        return q.receive().aggregate().asString().defaultIfEmpty("").flatMap(body -> {
            Mode next = Mode.parse(field(body, "mode"));
            if (next == null) {
                return error(s, "body must be {\"mode\":\"mesh\"} or {\"mode\":\"sdk\"}");
            }
            return Mono.fromCallable(() -> sidecar.mode().set(next))
                    .subscribeOn(Schedulers.boundedElastic())
                    .flatMap(prev -> json(s, Map.of("mode", next.wireName(), "previous", prev.wireName()))
                            .then());
        });
    }

    private Publisher<Void> setLogLevel(HttpServerRequest q, HttpServerResponse s) {
        Map<String, List<String>> params = new io.netty.handler.codec.http.QueryStringDecoder(q.uri()).parameters();
        String logger = params.getOrDefault("logger", List.of("ROOT")).get(0);
        String level = params.getOrDefault("level", List.of("")).get(0);
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) || level.isEmpty()) {
            return error(s, "use POST /logging?logger=<name>&level=<TRACE|DEBUG|INFO|WARN|ERROR>");
        }
        ctx.getLogger(logger).setLevel(Level.toLevel(level, Level.INFO));
        return json(
                s,
                Map.of(
                        "logger",
                        logger,
                        "level",
                        ctx.getLogger(logger).getLevel().toString()));
    }

    private static String rootLevel() {
        return LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx
                ? String.valueOf(ctx.getLogger("ROOT").getLevel())
                : "unknown";
    }

    private static String field(String body, String name) {
        try {
            JsonNode node = JSON.readTree(body);
            return node == null || node.get(name) == null
                    ? null
                    : node.get(name).asText();
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private List<Map<String, Object>> clusters() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Cluster c : new TreeMap<>(names()).values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("lbPolicy", c.config().lbPolicy());
            m.put("endpoints", c.hosts().stream().map(AdminServer::host).toList());
            out.add(m);
        }
        return out;
    }

    private Map<String, Cluster> names() {
        Map<String, Cluster> m = new TreeMap<>();
        clusters.clusters().forEach(c -> m.put(c.name(), c));
        return m;
    }

    private static Map<String, Object> host(UpstreamHost h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", h.endpoint().host());
        m.put("port", h.endpoint().port());
        m.put("weight", h.endpoint().weight());
        m.put("metadata", h.endpoint().metadata());
        m.put("healthy", h.healthy());
        m.put("ejected", h.ejected());
        m.put("activeRequests", h.activeRequests());
        return m;
    }

    private List<Map<String, Object>> listeners() {
        List<Map<String, Object>> out = new ArrayList<>();
        sidecar.listeners().forEach(l -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", l.name());
            m.put("direction", l.direction());
            m.put("protocol", l.protocol());
            InetSocketAddress a = sidecar.listenerAddress(l.name());
            m.put("address", a == null ? null : a.getHostString() + ":" + a.getPort());
            m.put("cluster", l.cluster());
            out.add(m);
        });
        return out;
    }

    private Map<String, Object> stats() {
        Map<String, Object> out = new TreeMap<>();
        for (Meter meter : metrics.registry().getMeters()) {
            StringBuilder key = new StringBuilder(meter.getId().getName());
            for (Tag t : meter.getId().getTags()) {
                key.append('.').append(t.getKey()).append('=').append(t.getValue());
            }
            for (Measurement m : meter.measure()) {
                out.put(key + "." + m.getStatistic().getTagValueRepresentation(), m.getValue());
            }
        }
        return out;
    }

    private static Mono<Void> json(HttpServerResponse s, Object body) {
        try {
            String text = JSON.writeValueAsString(body);
            return s.header("content-type", "application/json")
                    .sendString(Mono.just(text))
                    .then();
        } catch (JsonProcessingException e) {
            return s.status(500).sendString(Mono.just(e.toString())).then();
        }
    }

    private static Mono<Void> error(HttpServerResponse s, String message) {
        String text = "{\"error\":\""
                + SidecarErrors.ADMIN_BAD_REQUEST.format(message).replace("\"", "'") + "\"}";
        return s.status(400)
                .header("content-type", "application/json")
                .sendString(Mono.just(text))
                .then();
    }
}
