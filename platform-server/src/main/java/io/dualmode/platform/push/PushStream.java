package io.dualmode.platform.push;

import io.dualmode.governance.push.DiscoveryResponse;
import io.dualmode.governance.push.ErrorDetail;
import io.dualmode.governance.push.ModeDirective;
import io.dualmode.governance.push.PushMessage;
import io.dualmode.governance.push.Resource;
import io.dualmode.governance.push.ResourceKey;
import io.dualmode.governance.push.StreamReady;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * One connected sidecar's stream: what it subscribes to, what it was sent, what it has acknowledged. Every method
 * runs under the stream's lock, so responses go out in nonce order.
 */
final class PushStream {

    private final String id;
    private final String principal;
    private final Instant connectedAt = Instant.now();
    private final Sinks.Many<PushMessage> out = Sinks.many().unicast().onBackpressureBuffer();
    private final Set<String> subscriptions = new TreeSet<>();
    private final Map<ResourceKey, Long> held = new HashMap<>();
    private final Map<ResourceKey, Long> sent = new HashMap<>();
    private final Map<String, Delta> pending = new HashMap<>();
    private boolean started;
    private String nodeId;
    private Map<String, String> node = Map.of();
    private String reportedDigest;
    private ErrorDetail lastNack;
    private Instant lastAckAt;
    private long responses;
    private long acks;
    private long nacks;
    private long modeVersionSent;

    PushStream(String id, String principal) {
        this.id = id;
        this.principal = principal;
    }

    String id() {
        return id;
    }

    Flux<PushMessage> outbound() {
        return out.asFlux();
    }

    /** Tells the sidecar the stream is read from now on (the first message out). */
    synchronized void ready() {
        out.tryEmitNext(new StreamReady(id));
    }

    synchronized boolean started() {
        return started;
    }

    synchronized boolean subscribes(String service) {
        return subscriptions.contains(service);
    }

    /** The first request: who the sidecar is, what it subscribes to, what it already holds. */
    synchronized void start(
            String nodeId, Map<String, String> node, List<String> services, Map<ResourceKey, Long> has) {
        this.started = true;
        this.nodeId = nodeId;
        this.node = node;
        subscriptions.addAll(services);
        held.putAll(has);
        sent.putAll(has);
    }

    synchronized void node(Map<String, String> node, String digest) {
        if (!node.isEmpty()) {
            this.node = node;
        }
        if (digest != null) {
            this.reportedDigest = digest;
        }
    }

    synchronized void subscribe(List<String> services) {
        subscriptions.addAll(services);
    }

    /** Drops services; returns the keys the sidecar holds for them. */
    synchronized List<ResourceKey> unsubscribe(List<String> services) {
        services.forEach(subscriptions::remove);
        return sent.keySet().stream()
                .filter(k -> services.contains(k.service()))
                .toList();
    }

    synchronized Set<String> subscriptions() {
        return Set.copyOf(subscriptions);
    }

    /** Keys the sidecar holds (or was sent) of subscribed services. */
    synchronized Set<ResourceKey> sentKeys() {
        return Set.copyOf(sent.keySet());
    }

    /**
     * Sends what the sidecar lacks of {@code resources} and the {@code removed} keys it holds. With {@code always}, an
     * empty response is sent too (the answer to a first request).
     */
    synchronized boolean push(
            List<Resource> resources, List<ResourceKey> removed, String systemVersion, boolean always) {
        List<Resource> fresh = resources.stream()
                .filter(r -> sent.getOrDefault(r.key(), 0L) < r.version())
                .toList();
        List<ResourceKey> gone = removed.stream().filter(sent::containsKey).toList();
        if (fresh.isEmpty() && gone.isEmpty() && !always) {
            return false;
        }
        String nonce = id + "-" + (++responses);
        Map<ResourceKey, Long> versions = new HashMap<>();
        fresh.forEach(r -> versions.put(r.key(), r.version()));
        pending.put(nonce, new Delta(versions, gone));
        sent.putAll(versions);
        gone.forEach(sent::remove);
        out.tryEmitNext(new DiscoveryResponse(systemVersion, nonce, fresh, gone));
        return true;
    }

    /** Sends a mode directive newer than the last one sent on this stream; returns whether it was sent. */
    synchronized boolean mode(ModeDirective directive) {
        if (directive.version() <= modeVersionSent) {
            return false;
        }
        modeVersionSent = directive.version();
        out.tryEmitNext(directive);
        return true;
    }

    synchronized String nodeId() {
        return nodeId;
    }

    /** An ACK: what the response carried is now held. */
    synchronized void acked(String nonce) {
        Delta d = pending.remove(nonce);
        acks++;
        lastAckAt = Instant.now();
        if (d != null) {
            held.putAll(d.versions());
            d.removed().forEach(held::remove);
        }
    }

    /** A NACK: nothing of the response was applied; the rejected versions are not sent again. */
    synchronized void nacked(String nonce, ErrorDetail error) {
        pending.remove(nonce);
        nacks++;
        lastNack = error;
    }

    void close() {
        out.tryEmitComplete();
    }

    synchronized SidecarStatus status(Map<ResourceKey, Long> expected, ModeDirective desired) {
        Map<String, Long> applied = new java.util.TreeMap<>();
        held.forEach((k, v) -> applied.put(k.name(), v));
        String expectedDigest = io.dualmode.governance.push.ConfigDigest.of(expected);
        return new SidecarStatus(
                nodeId,
                principal,
                node,
                List.copyOf(subscriptions),
                reportedDigest,
                expectedDigest,
                expectedDigest.equals(reportedDigest),
                applied,
                responses,
                acks,
                nacks,
                lastNack,
                connectedAt,
                lastAckAt,
                desired == null ? null : desired.mode(),
                desired == null ? 0 : desired.version());
    }

    /** The application the sidecar fronts, as it reports in {@code node.application}. */
    synchronized String application() {
        return node.get("application");
    }

    private record Delta(Map<ResourceKey, Long> versions, List<ResourceKey> removed) {}
}
