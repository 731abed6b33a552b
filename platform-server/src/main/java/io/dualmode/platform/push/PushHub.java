package io.dualmode.platform.push;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.dualmode.governance.push.DiscoveryRequest;
import io.dualmode.governance.push.ModeDirective;
import io.dualmode.governance.push.Resource;
import io.dualmode.governance.push.ResourceKey;
import io.dualmode.governance.validation.GovernanceJson;
import io.dualmode.platform.metrics.SidecarTraffic;
import io.dualmode.platform.rules.RuleChange;
import io.dualmode.platform.rules.RuleChanges;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;

/**
 * The push side of the control plane: holds the current rules as push resources, the connected sidecars' streams,
 * and sends each committed change only to the streams subscribed to the service it concerns. Everything here is
 * in memory and non-blocking, so it runs on the event loops; the rules are read from the database once at start,
 * then follow {@link RuleChanges}, which also carries the changes made through other platform instances. A version
 * not newer than the one held (or deleted) is ignored, so a change arriving twice is pushed once.
 */
@Component
public final class PushHub implements SmartInitializingSingleton, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(PushHub.class);

    private final RuleChanges changes;
    private final SidecarTraffic traffic;
    private final Map<ResourceKey, Resource> current = new ConcurrentHashMap<>();
    private final Map<ResourceKey, Long> deletedAt = new ConcurrentHashMap<>();
    private final Map<String, PushStream> streams = new ConcurrentHashMap<>();
    private final Map<String, ModeDirective> desiredModes = new ConcurrentHashMap<>();
    private final AtomicLong systemVersion = new AtomicLong();
    private volatile Map<String, SidecarStatus> peers = Map.of();
    private Disposable subscription;

    PushHub(RuleChanges changes, SidecarTraffic traffic) {
        this.changes = changes;
        this.traffic = traffic;
    }

    @Override
    public void afterSingletonsInstantiated() {
        subscription = changes.changes().subscribe(this::changed);
        List<RuleChange> rules = changes.current().block(Duration.ofSeconds(60));
        if (rules != null) {
            rules.forEach(this::changed);
        }
        log.info("push: {} rules ready to push", current.size());
    }

    @Override
    public void destroy() {
        if (subscription != null) {
            subscription.dispose();
        }
        streams.values().forEach(PushStream::close);
    }

    /** A new stream of an authenticated sidecar. */
    PushStream open(String streamId, String principal) {
        PushStream stream = new PushStream(streamId, principal);
        streams.put(streamId, stream);
        return stream;
    }

    void close(PushStream stream) {
        streams.remove(stream.id());
        stream.close();
    }

    /** Handles a request of a stream: the first one, an ACK/NACK, or a change of subscriptions. */
    void onRequest(PushStream stream, DiscoveryRequest request) {
        synchronized (stream) {
            if (!stream.started()) {
                first(stream, request);
                return;
            }
            if (request.report() != null) {
                traffic.report(stream.nodeId(), stream.application(), request.report());
            }
            if (request.isAck()) {
                stream.acked(request.responseNonce());
            } else if (request.isNack()) {
                stream.nacked(request.responseNonce(), request.errorDetail());
                log.warn(
                        "push: sidecar {} rejected response {}: {} {}",
                        request.nodeId(),
                        request.responseNonce(),
                        request.errorDetail().code(),
                        request.errorDetail().message());
            }
            stream.node(request.node(), request.configDigest());
            if (!request.subscribe().isEmpty()) {
                stream.subscribe(request.subscribe());
                stream.push(resourcesOf(Set.copyOf(request.subscribe())), List.of(), version(), false);
            }
            if (!request.unsubscribe().isEmpty()) {
                stream.push(List.of(), stream.unsubscribe(request.unsubscribe()), version(), false);
            }
        }
    }

    private void first(PushStream stream, DiscoveryRequest request) {
        Map<ResourceKey, Long> has = new HashMap<>();
        request.initialVersions().forEach((name, v) -> has.put(ResourceKey.parse(name), v));
        stream.start(request.nodeId(), request.node(), request.subscribe(), has);
        stream.node(Map.of(), request.configDigest());
        Set<String> services = stream.subscriptions();
        List<ResourceKey> gone = has.keySet().stream()
                .filter(k -> !current.containsKey(k) || !services.contains(k.service()))
                .toList();
        stream.push(resourcesOf(services), gone, version(), true);
        ModeDirective desired = desiredModes.get(request.nodeId());
        if (desired != null) {
            stream.mode(desired);
        }
        log.info("push: sidecar {} connected, subscribed to {}", request.nodeId(), services);
    }

    private List<Resource> resourcesOf(Set<String> services) {
        return current.values().stream()
                .filter(r -> services.contains(r.key().service()))
                .sorted(Comparator.comparing(Resource::key))
                .toList();
    }

    private void changed(RuleChange change) {
        ResourceKey key = new ResourceKey(change.kind(), change.service());
        Resource before = current.get(key);
        long known = before != null ? before.version() : deletedAt.getOrDefault(key, 0L);
        if (known >= change.version()) {
            return;
        }
        if (change.deleted()) {
            deletedAt.put(key, change.version());
            if (before == null) {
                return;
            }
        }
        systemVersion.incrementAndGet();
        List<Resource> resources = new ArrayList<>(1);
        List<ResourceKey> removed = new ArrayList<>(1);
        if (change.deleted()) {
            current.remove(key);
            removed.add(key);
        } else {
            Resource r = new Resource(key, change.version(), tree(change.document()));
            current.put(key, r);
            resources.add(r);
        }
        int sent = 0;
        for (PushStream stream : streams.values()) {
            synchronized (stream) {
                if (stream.started()
                        && stream.subscribes(key.service())
                        && stream.push(resources, removed, version(), false)) {
                    sent++;
                }
            }
        }
        log.debug("push: {} version {} sent to {} sidecars", key.name(), change.version(), sent);
    }

    private String version() {
        return Long.toString(systemVersion.get());
    }

    private static com.fasterxml.jackson.databind.JsonNode tree(String document) {
        try {
            return GovernanceJson.mapper().readTree(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored rule documents are canonical JSON", e);
        }
    }

    /**
     * Records the mode sidecar {@code nodeId} should run and sends it to the sidecar if it is connected here and has
     * not been sent this version; an older version than the one known is ignored. Returns how many streams it went to.
     */
    public int desire(String nodeId, ModeDirective directive) {
        ModeDirective known =
                desiredModes.merge(nodeId, directive, (old, now) -> now.version() > old.version() ? now : old);
        if (known != directive) {
            return 0;
        }
        int sent = 0;
        for (PushStream stream : streams.values()) {
            synchronized (stream) {
                if (stream.started() && nodeId.equals(stream.nodeId()) && stream.mode(directive)) {
                    sent++;
                }
            }
        }
        if (sent > 0) {
            log.info("push: mode {} (version {}) sent to sidecar {}", directive.mode(), directive.version(), nodeId);
        }
        return sent;
    }

    /** The mode the platform wants sidecar {@code nodeId} to run, or null when none was set. */
    public ModeDirective desired(String nodeId) {
        return desiredModes.get(nodeId);
    }

    /** The status of the connected sidecar {@code nodeId}, or null when it is not connected here. */
    public SidecarStatus status(String nodeId) {
        for (PushStream stream : streams.values()) {
            if (stream.started() && nodeId.equals(stream.nodeId())) {
                return stream.status(expected(stream.subscriptions()), desiredModes.get(nodeId));
            }
        }
        return null;
    }

    /**
     * Every sidecar's status: those connected here, and those connected to other platform instances sharing the
     * database as those instances last published them (at most a few sync intervals old).
     */
    public List<SidecarStatus> statuses() {
        Map<String, SidecarStatus> all = new HashMap<>(peers);
        localStatuses().forEach(s -> all.put(s.nodeId(), s));
        return all.values().stream()
                .sorted(Comparator.comparing(SidecarStatus::nodeId))
                .toList();
    }

    /** The status of every sidecar connected to this instance. */
    List<SidecarStatus> localStatuses() {
        return streams.values().stream()
                .filter(PushStream::started)
                .map(s -> s.status(expected(s.subscriptions()), desiredModes.get(s.nodeId())))
                .toList();
    }

    /** Replaces the statuses of the sidecars connected to other platform instances. */
    void peers(Map<String, SidecarStatus> statuses) {
        peers = Map.copyOf(statuses);
    }

    /** Connected sidecars by the instance addresses ({@code ip:port}) they report in {@code node.instances}. */
    public Map<String, SidecarStatus> byInstance() {
        Map<String, SidecarStatus> out = new HashMap<>();
        for (SidecarStatus s : statuses()) {
            s.instanceAddresses().forEach(address -> out.put(address, s));
        }
        return out;
    }

    private Map<ResourceKey, Long> expected(Set<String> services) {
        Map<ResourceKey, Long> out = new HashMap<>();
        current.values().stream()
                .filter(r -> services.contains(r.key().service()))
                .forEach(r -> out.put(r.key(), r.version()));
        return out;
    }
}
