package io.dualmode.sidecar.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dualmode.registry.naming.Instance;
import io.dualmode.registry.naming.ServiceKey;
import io.dualmode.sidecar.Mode;
import io.dualmode.sidecar.agent.MeshApiInput.MeshApiException;
import io.dualmode.sidecar.config.SidecarErrors;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API that SOFARPC's built-in {@code mesh} registry calls ({@code shared/protocols/sofa-mesh-api.md}), over
 * the same {@link Publications} and {@link Subscriptions} as the Nacos endpoint:
 *
 * <ul>
 *   <li>{@code /services/publish}: the application's Bolt service {@code interface:version[:uniqueId]} is registered
 *       upstream as SOFARPC's Nacos registry names it ({@code interface[:uniqueId]:DEFAULT}, namespace
 *       {@code sofa-rpc} by default, metadata SOFARPC's Nacos consumers read), at the sidecar's Bolt ingress with
 *       {@code dualmode.mode=mesh} in mesh mode (ingress routed to the application) and at the application's own
 *       address in SDK mode. The request carries no address, so the application's Bolt address is configured
 *       ({@code 127.0.0.1:12200} by default); a {@code port} field, when a client sends one, wins;
 *   <li>{@code /services/unpublish}: deregistered upstream, ingress route removed;
 *   <li>{@code /services/subscribe}: the sidecar subscribes upstream and feeds the proxy's cluster; the answer's
 *       {@code datas} is the Bolt egress (mesh mode) or the real providers (SDK mode), each with the query SOFARPC
 *       reads. SOFARPC dials port 12220 of the API host whatever {@code datas} says, so its calls take the egress in
 *       both modes; in SDK mode the egress forwards straight to the real providers;
 *   <li>{@code /services/unsubscribe}, {@code /configs/application}: acknowledged.
 * </ul>
 *
 * <p>The API has no connection whose end would say the application is gone, and a killed application never calls
 * {@code unpublish}: {@link #checkApplication()}, run periodically, connects to the published addresses and after
 * {@value #LIVENESS_FAILURES} failures in a row withdraws the application's services from the registry, keeping them;
 * when the application accepts connections again they are published again, unless it publishes anew first (a
 * restarted application), in which case only what it publishes from then on is.
 *
 * <p>Every answer is JSON with {@code success} and {@code errorMessage}; a bad request is a 4xx whose message starts
 * with its {@code SIDECAR-02xx} code. The calls block on the registry: run them off the event loops.
 */
final class SofaMeshApi {

    private static final Logger log = LoggerFactory.getLogger(SofaMeshApi.class);

    /** The owner of what the mesh API publishes, among the Nacos connections' registrations. */
    static final String OWNER = "sofa-mesh-api";

    /** Failed liveness checks in a row after which the application's services are withdrawn. */
    static final int LIVENESS_FAILURES = 3;

    private static final int LIVENESS_CONNECT_TIMEOUT_MS = 1000;

    static final String APPLICATION = "/configs/application";
    static final String PUBLISH = "/services/publish";
    static final String UNPUBLISH = "/services/unpublish";
    static final String SUBSCRIBE = "/services/subscribe";
    static final String UNSUBSCRIBE = "/services/unsubscribe";

    /** The five endpoints. */
    static final List<String> ENDPOINTS = List.of(APPLICATION, PUBLISH, UNPUBLISH, SUBSCRIBE, UNSUBSCRIBE);

    private static final String BOLT = "bolt";
    private static final String SOFA_CLUSTER = "default-cluster";
    private static final Set<String> PUBLISH_FIELDS =
            Set.of("serviceName", "protocolType", "providerMetaInfo", "onlyPublishInCloud", "group", "port");
    private static final Set<String> META_FIELDS =
            Set.of("protocol", "version", "serializeType", "appName", "properties");
    private static final Set<String> UNPUBLISH_FIELDS = Set.of("serviceName", "protocolType", "group");
    private static final Set<String> SUBSCRIBE_FIELDS = Set.of(
            "serviceName",
            "protocolType",
            "targetAppAddress",
            "vipEnforce",
            "vipOnly",
            "localCloudFirst",
            "group",
            "properties");
    private static final Set<String> UNSUBSCRIBE_FIELDS =
            Set.of("serviceName", "targetAppAddress", "protocolType", "group");

    /** Where SOFARPC's mesh API clients' applications are and where their calls go. */
    record Settings(String namespace, InetSocketAddress application, String egressHost, int egressPort) {}

    /** An answer: the HTTP status and the JSON body. */
    record Reply(int status, String body) {}

    private final Publications publications;
    private final Subscriptions subscriptions;
    private final DataPlane dataPlane;
    private final Supplier<Mode> mode;
    private final ObjectMapper json;
    private final Settings settings;
    private final Predicate<String> upstreamReady;
    private volatile String appName;
    /** What the application has published and not unpublished, by registry key: the instance as it published it. */
    private final Map<ServiceKey, Instance> published = new LinkedHashMap<>();
    /** Liveness checks failed in a row; guarded by {@code this}, as are the fields around it (read freely). */
    private int livenessFailures;
    /** Whether {@link #published} is withdrawn from the registry because the application stopped answering. */
    private volatile boolean withdrawn;

    private final Counter withdrawals;

    SofaMeshApi(
            Publications publications,
            Subscriptions subscriptions,
            DataPlane dataPlane,
            Supplier<Mode> mode,
            ObjectMapper json,
            Settings settings,
            Predicate<String> upstreamReady,
            MeterRegistry meters) {
        this.publications = publications;
        this.withdrawals = Counter.builder("sidecar.mesh_api.withdrawals")
                .description("Times the application behind the SOFA mesh API stopped accepting connections and its"
                        + " services were withdrawn from the registry")
                .register(meters);
        Gauge.builder("sidecar.mesh_api.withdrawn", this, api -> api.withdrawnNow() ? 1 : 0)
                .description("1 while the application's services are withdrawn for want of an answer, else 0")
                .register(meters);
        this.subscriptions = subscriptions;
        this.dataPlane = dataPlane;
        this.mode = mode;
        this.json = json;
        this.settings = settings;
        this.upstreamReady = upstreamReady;
    }

    /** Serves one request to {@code endpoint} (one of {@link #ENDPOINTS}). */
    Reply handle(String endpoint, byte[] body) {
        try {
            ObjectNode answer =
                    switch (endpoint) {
                        case APPLICATION -> application(body);
                        case PUBLISH -> publish(body);
                        case UNPUBLISH -> unpublish(body);
                        case SUBSCRIBE -> subscribe(body);
                        case UNSUBSCRIBE -> unsubscribe(body);
                        default ->
                            throw new MeshApiException(404, SidecarErrors.MESH_API_NOT_FOUND.format("POST", endpoint));
                    };
            return new Reply(
                    200, answer.put("success", true).putNull("errorMessage").toString());
        } catch (MeshApiException e) {
            log.debug("{}", e.getMessage());
            return error(e.status(), e.getMessage());
        }
    }

    /** A refusal in the API's own shape, with the code also in {@code code}. */
    Reply error(int status, String message) {
        ObjectNode body = json.createObjectNode().put("success", false).put("errorMessage", message);
        body.put("code", message.substring(0, Math.max(0, message.indexOf(':'))));
        return new Reply(status, body.toString());
    }

    private ObjectNode application(byte[] body) {
        // ApplicationInfoRequest sends its free-form parameters beside appName: any field is allowed.
        appName = MeshApiInput.parse(json, APPLICATION, body, null).requiredText("appName");
        return json.createObjectNode();
    }

    private ObjectNode publish(byte[] body) {
        MeshApiInput in =
                MeshApiInput.parse(json, PUBLISH, body, PUBLISH_FIELDS).onlyFieldsOf("providerMetaInfo", META_FIELDS);
        SofaService service = service(in, PUBLISH);
        InetSocketAddress app = settings.application();
        int port = in.port("port", app.getPort());
        Map<String, String> meta = new HashMap<>(in.strings("providerMetaInfo", "properties"));
        meta.put("protocol", BOLT);
        meta.put(Protocols.PROTOCOL_KEY, BOLT);
        meta.put("interface", service.iface());
        putIfPresent(meta, "uniqueId", service.uniqueId());
        putIfPresent(meta, "appName", firstNonNull(in.text("providerMetaInfo", "appName"), appName));
        putIfPresent(meta, "serialization", in.text("providerMetaInfo", "serializeType"));
        putIfPresent(meta, "sofa.group", in.text("group"));
        meta.put("dualmode.registrar", OWNER);
        Instance instance =
                new Instance(null, app.getHostString(), port, 1.0, true, true, true, SOFA_CLUSTER, null, meta);
        ServiceKey key = key(service);
        synchronized (this) {
            if (withdrawn) {
                // the application is back and announces itself: what it published before is no longer its word
                log.info("SOFA mesh API: the application publishes again after its services were withdrawn");
                published.clear();
                withdrawn = false;
                livenessFailures = 0;
            }
            registryDo(PUBLISH, () -> publications.put(OWNER, key, List.of(instance)));
            published.put(key, instance);
        }
        return json.createObjectNode();
    }

    private ObjectNode unpublish(byte[] body) {
        SofaService service = service(MeshApiInput.parse(json, UNPUBLISH, body, UNPUBLISH_FIELDS), UNPUBLISH);
        ServiceKey key = key(service);
        synchronized (this) {
            registryDo(UNPUBLISH, () -> publications.put(OWNER, key, List.of()));
            published.remove(key);
        }
        if (!publications.has(key)) {
            dataPlane.unexposeLocal(key.name(), BOLT);
        }
        return json.createObjectNode();
    }

    private ObjectNode subscribe(byte[] body) {
        MeshApiInput in = MeshApiInput.parse(json, SUBSCRIBE, body, SUBSCRIBE_FIELDS);
        in.strings(null, "properties");
        SofaService service = service(in, SUBSCRIBE);
        InetSocketAddress egress;
        try {
            egress = dataPlane.egressAt(BOLT, settings.egressHost(), settings.egressPort());
        } catch (RuntimeException e) {
            throw new MeshApiException(
                    503,
                    SidecarErrors.MESH_API_EGRESS.format(
                            SUBSCRIBE, settings.egressHost() + ":" + settings.egressPort(), e.getMessage()));
        }
        List<Instance> real = registry(SUBSCRIBE, () -> subscriptions.upstreamList(key(service)));
        List<Instance> usable =
                real.stream().filter(i -> i.enabled() && i.healthy()).toList();
        ObjectNode answer = json.createObjectNode().put("serviceName", in.requiredText("serviceName"));
        ArrayNode datas = answer.putArray("datas");
        if (mode.get() == Mode.MESH) {
            Map<String, String> meta =
                    usable.isEmpty() ? Map.of() : usable.get(0).metadata();
            datas.add(egress.getAddress().getHostAddress() + ":" + egress.getPort() + query(meta));
        } else {
            usable.forEach(i -> datas.add(i.ip() + ":" + i.port() + query(i.metadata())));
        }
        return answer;
    }

    private ObjectNode unsubscribe(byte[] body) {
        // The upstream subscription stays: it feeds the egress, which other callers of the service share.
        service(MeshApiInput.parse(json, UNSUBSCRIBE, body, UNSUBSCRIBE_FIELDS), UNSUBSCRIBE);
        return json.createObjectNode();
    }

    /**
     * One liveness check of the application behind the published services: whether any address it published accepts
     * a TCP connection. Withdraws its services after {@value #LIVENESS_FAILURES} failures in a row and publishes them
     * again once it answers. Blocks up to a second per address: run it off the event loops.
     */
    void checkApplication() {
        List<InetSocketAddress> addresses;
        synchronized (this) {
            if (published.isEmpty()) {
                livenessFailures = 0;
                withdrawn = false;
                return;
            }
            addresses = published.values().stream()
                    .map(i -> new InetSocketAddress(i.ip(), i.port()))
                    .distinct()
                    .toList();
        }
        // connect outside the lock: publish and unpublish calls do not wait for a slow or silent application
        boolean alive = addresses.stream().anyMatch(SofaMeshApi::accepts);
        synchronized (this) {
            if (published.isEmpty()) {
                return;
            }
            if (alive) {
                livenessFailures = 0;
                if (withdrawn) {
                    log.info(
                            "SOFA mesh API: the application at {} answers again; publishing its {} service(s) again",
                            addresses,
                            published.size());
                    published.forEach(
                            (key, instance) -> registryQuietly(() -> publications.put(OWNER, key, List.of(instance))));
                    withdrawn = false;
                }
            } else if (++livenessFailures >= LIVENESS_FAILURES && !withdrawn) {
                log.warn(SidecarErrors.MESH_API_WITHDRAWN.format(addresses, livenessFailures, published.size()));
                withdrawals.increment();
                published.keySet().forEach(key -> registryQuietly(() -> publications.put(OWNER, key, List.of())));
                withdrawn = true;
            }
        }
    }

    private boolean withdrawnNow() {
        return withdrawn;
    }

    private static boolean accepts(InetSocketAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(address, LIVENESS_CONNECT_TIMEOUT_MS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void registryQuietly(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("SOFA mesh API: the registry refused a liveness change: {}", e.toString());
        }
    }

    /** The SOFA registry URL query SOFARPC parses from {@code datas}: protocol, version, serializer, target app. */
    private static String query(Map<String, String> meta) {
        StringBuilder q = new StringBuilder("?p=1&v=4.0");
        String serialization = meta.get("serialization");
        if (serialization != null && !serialization.isBlank()) {
            q.append("&_SERIALIZETYPE=").append(serialization);
        }
        String app = meta.get("appName");
        if (app != null && !app.isBlank()) {
            q.append("&app_name=").append(app);
        }
        return q.toString();
    }

    private SofaService service(MeshApiInput in, String endpoint) {
        String protocol = in.text("protocolType");
        if (protocol != null
                && !protocol.isBlank()
                && !BOLT.equals(protocol.trim().toLowerCase(Locale.ROOT))) {
            throw new MeshApiException(400, SidecarErrors.MESH_API_PROTOCOL.format(endpoint, protocol));
        }
        String name = in.requiredText("serviceName");
        String[] parts = name.split(":", -1);
        if (parts.length < 2
                || parts.length > 3
                || java.util.Arrays.stream(parts).anyMatch(String::isBlank)
                || name.chars().anyMatch(Character::isWhitespace)) {
            throw in.bad("serviceName '" + name + "' is not interface:version[:uniqueId]");
        }
        return new SofaService(parts[0], parts.length == 3 ? parts[2] : null);
    }

    /** SOFARPC's Nacos service name of a Bolt service, which the Bolt egress routes to. */
    private ServiceKey key(SofaService service) {
        String name = service.uniqueId() == null
                ? service.iface() + ":DEFAULT"
                : service.iface() + ":" + service.uniqueId() + ":DEFAULT";
        return new ServiceKey(settings.namespace(), null, name);
    }

    private <T> T registry(String endpoint, Supplier<T> call) {
        try {
            // The namespace's registry client connects in the background; SOFARPC gives each call one try.
            upstreamReady.test(settings.namespace());
            return call.get();
        } catch (MeshApiException e) {
            throw e;
        } catch (RuntimeException e) {
            log.warn("SOFA mesh API {} failed", endpoint, e);
            throw new MeshApiException(502, SidecarErrors.MESH_API_REGISTRY.format(endpoint, e.getMessage()));
        }
    }

    private void registryDo(String endpoint, Runnable call) {
        registry(endpoint, () -> {
            call.run();
            return null;
        });
    }

    private static void putIfPresent(Map<String, String> map, String key, String value) {
        if (value != null && !value.isBlank()) {
            map.put(key, value);
        }
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    /** A Bolt service as the mesh API names it: interface and unique id (the version is always 1.0 upstream). */
    private record SofaService(String iface, String uniqueId) {}
}
