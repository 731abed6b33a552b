package io.dualmode.sidecar.agent;

import com.alibaba.nacos.api.exception.NacosException;
import com.alibaba.nacos.api.naming.listener.EventListener;
import com.alibaba.nacos.api.naming.listener.NamingEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dualmode.registry.naming.Instance;
import io.dualmode.registry.naming.InvalidRequestException;
import io.dualmode.registry.naming.ServiceInfo;
import io.dualmode.registry.naming.ServiceKey;
import io.dualmode.registry.remote.Connection;
import io.dualmode.registry.remote.ConnectionManager;
import io.dualmode.registry.remote.Payloads;
import io.dualmode.sidecar.Mode;
import io.dualmode.sidecar.cluster.Endpoint;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's subscriptions, relayed: the sidecar subscribes upstream once per (namespace, service, clusters),
 * feeds the real list to the proxy's cluster, and answers the application with the real list in SDK mode or with its
 * own egress address in mesh mode — on subscribe, on every upstream change and on every mode switch.
 *
 * <p>A mode switch is make-before-break: for the switch's overlap the application is pushed the union of both modes'
 * lists (the new mode's first), so a framework that drops a removed address at once (SOFARPC) keeps the connected old
 * address until it has connected to the new ones; when the overlap ends it is pushed the new mode's list alone. The
 * sidecar serves both paths meanwhile. A switch during an overlap restarts it; only the last switch's timer ends it.
 */
final class Subscriptions {

    private static final Logger log = LoggerFactory.getLogger(Subscriptions.class);
    private static final Duration PUSH_TIMEOUT = Duration.ofSeconds(3);

    private record Key(ServiceKey service, String clusters) {}

    private final class Upstreamed implements EventListener {
        final Key key;
        final Set<String> subscribers = ConcurrentHashMap.newKeySet();
        volatile List<Instance> latest = List.of();

        Upstreamed(Key key) {
            this.key = key;
        }

        @Override
        public void onEvent(com.alibaba.nacos.api.naming.listener.Event event) {
            if (event instanceof NamingEvent naming) {
                changed(this, Upstream.fromNacos(naming.getInstances()));
            }
        }
    }

    private final Map<Key, Upstreamed> subscriptions = new ConcurrentHashMap<>();
    private final Upstream upstream;
    private final DataPlane dataPlane;
    private final ConnectionManager connections;
    private final Payloads payloads;
    private final ObjectMapper json;
    private final Supplier<Mode> mode;

    /** Guards {@link #overlapping}, {@link #switches} and the pushes, so a union is never pushed after the end. */
    private final Object pushLock = new Object();

    private volatile boolean overlapping;
    private long switches;
    private ScheduledFuture<?> overlapEnd;

    Subscriptions(
            Upstream upstream,
            DataPlane dataPlane,
            ConnectionManager connections,
            Payloads payloads,
            Supplier<Mode> mode) {
        this.upstream = upstream;
        this.dataPlane = dataPlane;
        this.connections = connections;
        this.payloads = payloads;
        this.json = payloads.json();
        this.mode = mode;
    }

    /** Subscribes the connection; answers the list it should see now. */
    ServiceInfo subscribe(String connectionId, ServiceKey service, String clusters) {
        Key key = new Key(service, clusters == null ? "" : clusters);
        Upstreamed sub = subscriptions.computeIfAbsent(key, this::subscribeUpstream);
        sub.subscribers.add(connectionId);
        return pushed(key, sub.latest);
    }

    /**
     * Subscribes upstream (once per service, every cluster) for a caller with no connection to push to — SOFARPC's
     * mesh registry asks once and never hears again — and answers the real list now. The proxy's cluster is fed on
     * every change all the same.
     */
    List<Instance> upstreamList(ServiceKey service) {
        return subscriptions.computeIfAbsent(new Key(service, ""), this::subscribeUpstream).latest;
    }

    /** Unsubscribes the connection. */
    void unsubscribe(String connectionId, ServiceKey service, String clusters) {
        Upstreamed sub = subscriptions.get(new Key(service, clusters == null ? "" : clusters));
        if (sub != null) {
            sub.subscribers.remove(connectionId);
        }
    }

    /** A one-off query, rewritten for the current mode (both modes during a switch's overlap, as pushed). */
    ServiceInfo query(ServiceKey service, String clusters, boolean healthyOnly) {
        try {
            var list = upstream.naming(service.namespace())
                    .selectInstances(service.name(), service.group(), clusterList(clusters), true, false);
            List<Instance> all = Upstream.fromNacos(list);
            if (!healthyOnly) {
                all = Upstream.fromNacos(upstream.naming(service.namespace())
                        .getAllInstances(service.name(), service.group(), clusterList(clusters), false));
            }
            return pushed(new Key(service, clusters == null ? "" : clusters), all);
        } catch (NacosException e) {
            throw new InvalidRequestException(e.getErrCode(), "the registry failed " + service + ": " + e.getErrMsg());
        }
    }

    /** Drops the connection's subscriptions. */
    void connectionClosed(String connectionId) {
        subscriptions.values().forEach(s -> s.subscribers.remove(connectionId));
    }

    /**
     * After a mode switch: pushes every subscriber the union of both modes' lists and, {@code overlap} later (on
     * {@code timer}'s thread, never an event loop), the current mode's list alone. A zero overlap pushes the current
     * list at once. A later switch cancels the pending end and starts its own overlap. {@code ended} runs (on the
     * timer's thread) when an overlap ends.
     */
    void switched(Duration overlap, ScheduledExecutorService timer, Runnable ended) {
        synchronized (pushLock) {
            long switchNo = ++switches;
            if (overlapEnd != null) {
                overlapEnd.cancel(false);
                overlapEnd = null;
            }
            overlapping = !overlap.isZero();
            repushAllLocked();
            if (overlapping) {
                overlapEnd = timer.schedule(
                        () -> {
                            if (endOverlap(switchNo)) {
                                ended.run();
                            }
                        },
                        overlap.toNanos(),
                        TimeUnit.NANOSECONDS);
            }
        }
    }

    /** Ends the overlap of switch {@code switchNo} unless a later switch replaced it; whether it ended it. */
    private boolean endOverlap(long switchNo) {
        synchronized (pushLock) {
            if (switchNo != switches || !overlapping) {
                return false;
            }
            overlapping = false;
            overlapEnd = null;
            repushAllLocked();
            return true;
        }
    }

    /** Whether a switch's overlap is running (subscribers are handed both modes' lists). */
    boolean overlapping() {
        return overlapping;
    }

    /** Pushes every subscriber its list again, for the current mode (or both, during an overlap). */
    void repushAll() {
        synchronized (pushLock) {
            repushAllLocked();
        }
    }

    private void repushAllLocked() {
        subscriptions.values().forEach(s -> pushLocal(s, pushed(s.key, s.latest)));
    }

    /** Cancels a pending end of overlap. */
    void close() {
        synchronized (pushLock) {
            if (overlapEnd != null) {
                overlapEnd.cancel(false);
            }
        }
    }

    /** How many upstream subscriptions are held. */
    int size() {
        return subscriptions.size();
    }

    private Upstreamed subscribeUpstream(Key key) {
        Upstreamed sub = new Upstreamed(key);
        ServiceKey s = key.service();
        try {
            var naming = upstream.naming(s.namespace());
            List<String> clusters = clusterList(key.clusters());
            sub.latest = Upstream.fromNacos(naming.getAllInstances(s.name(), s.group(), clusters, true));
            feed(sub);
            naming.subscribe(s.name(), s.group(), clusters, sub);
        } catch (NacosException e) {
            throw new InvalidRequestException(e.getErrCode(), "the registry failed " + s + ": " + e.getErrMsg());
        }
        return sub;
    }

    private void changed(Upstreamed sub, List<Instance> instances) {
        sub.latest = List.copyOf(instances);
        feed(sub);
        synchronized (pushLock) {
            pushLocal(sub, pushed(sub.key, sub.latest));
        }
    }

    private void feed(Upstreamed sub) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (Instance i : sub.latest) {
            if (i.enabled() && i.healthy()) {
                int port = DubboApplications.is(i.metadata()) ? DubboApplications.dubboPort(i) : i.port();
                endpoints.add(new Endpoint(i.ip(), port, (int) Math.max(1, Math.round(i.weight())), i.metadata()));
            }
        }
        dataPlane.updateUpstream(sub.key.service().name(), Protocols.of(sub.latest), endpoints);
    }

    /** What subscribers are handed now: the current mode's view, or during an overlap both modes' (current first). */
    private ServiceInfo pushed(Key key, List<Instance> real) {
        Mode current = mode.get();
        ServiceInfo now = view(key, real, current);
        if (!overlapping) {
            return now;
        }
        ServiceInfo other = view(key, real, current == Mode.SDK ? Mode.MESH : Mode.SDK);
        List<Instance> union = new ArrayList<>(now.hosts());
        Set<String> seen = new HashSet<>();
        union.forEach(i -> seen.add(i.ip() + ":" + i.port()));
        for (Instance i : other.hosts()) {
            if (seen.add(i.ip() + ":" + i.port())) {
                union.add(i);
            }
        }
        return ServiceInfo.of(key.service(), key.clusters(), union, false);
    }

    private ServiceInfo view(Key key, List<Instance> real, Mode m) {
        if (m == Mode.SDK) {
            return ServiceInfo.of(key.service(), key.clusters(), real, false);
        }
        Instance first = real.stream()
                .filter(i -> i.enabled() && i.healthy())
                .findFirst()
                .orElse(null);
        if (first == null) {
            return ServiceInfo.of(key.service(), key.clusters(), List.of(), false);
        }
        String protocol = Protocols.of(first.metadata());
        InetSocketAddress egress = dataPlane.egress(protocol, key.service().name());
        Map<String, String> meta = protocol.equals(DubboApplications.PROTOCOL)
                ? DubboApplications.pointedAt(first.metadata(), egress.getPort())
                : new HashMap<>(first.metadata());
        meta.put(Protocols.SIDECAR_KEY, egress.getHostString() + ":" + egress.getPort());
        Instance local = new Instance(
                        null,
                        egress.getHostString(),
                        egress.getPort(),
                        1.0,
                        true,
                        true,
                        true,
                        first.clusterName(),
                        null,
                        meta)
                .normalisedFor(key.service());
        return ServiceInfo.of(key.service(), key.clusters(), List.of(local), false);
    }

    private void pushLocal(Upstreamed sub, ServiceInfo info) {
        for (String id : sub.subscribers) {
            Connection c = connections.get(id);
            if (c == null || !c.registered()) {
                sub.subscribers.remove(id);
                continue;
            }
            ObjectNode body = payloads.request("naming");
            body.set("serviceInfo", json.valueToTree(info));
            c.request("NotifySubscriberRequest", body, PUSH_TIMEOUT).whenComplete((r, e) -> {
                if (e != null) {
                    log.debug("push of {} to {} failed: {}", sub.key, c, e.toString());
                }
            });
        }
    }

    private static List<String> clusterList(String clusters) {
        if (clusters == null || clusters.isBlank()) {
            return new ArrayList<>();
        }
        return new ArrayList<>(Arrays.stream(clusters.split(","))
                .map(String::trim)
                .filter(c -> !c.isEmpty())
                .toList());
    }
}
