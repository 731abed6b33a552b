package io.dualmode.registry.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.dualmode.registry.internal.grpc.Payload;
import io.dualmode.registry.metrics.RegistryMetrics;
import io.dualmode.registry.naming.NamingListener;
import io.dualmode.registry.naming.NamingService;
import io.dualmode.registry.naming.ServiceInfo;
import io.dualmode.registry.naming.ServiceKey;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscriptions and pushes: a subscriber is a (connection, service, cluster string); a change of a service schedules
 * one push per service after {@code coalesceDelay} (changes arriving meanwhile ride along), each subscriber acks it,
 * and a push that fails or is not acked within {@code ackTimeout} is retried with the then-current list.
 */
public final class NamingPushService implements NamingListener {

    private static final Logger log = LoggerFactory.getLogger(NamingPushService.class);
    private static final int MAX_ATTEMPTS = 4;

    private record Subscriber(String connectionId, String clusters) {}

    private record Push(String requestId, Payload payload) {}

    private final ConcurrentHashMap<ServiceKey, Set<Subscriber>> subscribers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<ServiceKey>> byConnection = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ServiceKey, Long> dirtySince = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ServiceKey, AtomicLong> revisions = new ConcurrentHashMap<>();
    private final AtomicLong pushIds = new AtomicLong();
    private final NamingService naming;
    private final ConnectionManager connections;
    private final Payloads payloads;
    private final ObjectMapper json;
    private final RegistryMetrics metrics;
    private final ScheduledExecutorService scheduler;
    private final Duration coalesceDelay;
    private final Duration ackTimeout;
    private final Duration retryDelay;
    private volatile boolean stopped;

    public NamingPushService(
            NamingService naming,
            ConnectionManager connections,
            Payloads payloads,
            RegistryMetrics metrics,
            ScheduledExecutorService scheduler,
            Duration coalesceDelay,
            Duration ackTimeout,
            Duration retryDelay) {
        this.naming = naming;
        this.connections = connections;
        this.payloads = payloads;
        this.json = payloads.json();
        this.metrics = metrics;
        this.scheduler = scheduler;
        this.coalesceDelay = coalesceDelay;
        this.ackTimeout = ackTimeout;
        this.retryDelay = retryDelay;
        connections.onClose(c -> connectionClosed(c.id()));
    }

    /** Adds a subscriber and schedules its first push; returns the current list. */
    public ServiceInfo subscribe(Connection connection, ServiceKey key, String clusters) {
        String c = clusters == null ? "" : clusters;
        Subscriber subscriber = new Subscriber(connection.id(), c);
        subscribers.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(subscriber);
        byConnection
                .computeIfAbsent(connection.id(), k -> ConcurrentHashMap.newKeySet())
                .add(key);
        if (!connection.registered()) {
            connectionClosed(connection.id());
        }
        ServiceInfo info = naming.query(key, c, false);
        long now = System.nanoTime();
        scheduler.schedule(
                () -> pushTo(subscriber, key, now, revision(key).get(), 1),
                coalesceDelay.toMillis(),
                TimeUnit.MILLISECONDS);
        return info;
    }

    /** Removes a subscriber. */
    public void unsubscribe(Connection connection, ServiceKey key, String clusters) {
        Set<Subscriber> set = subscribers.get(key);
        if (set != null) {
            set.remove(new Subscriber(connection.id(), clusters == null ? "" : clusters));
        }
    }

    /** How many (connection, service, clusters) subscriptions exist. */
    public int subscriberCount() {
        int n = 0;
        for (Set<Subscriber> s : subscribers.values()) {
            n += s.size();
        }
        return n;
    }

    /** The connection ids subscribed to {@code key}. */
    public List<String> subscribersOf(ServiceKey key) {
        Set<Subscriber> set = subscribers.get(key);
        return set == null
                ? List.of()
                : set.stream().map(Subscriber::connectionId).distinct().toList();
    }

    /**
     * Stops pushing, for good: called when the server stops, before clients are asked to leave, so that the instances
     * of clients that leave first are not pushed as removed to those still connected — a stopping server keeps every
     * client's last list intact, and clients serve from it or from the next server.
     */
    public void stop() {
        stopped = true;
    }

    @Override
    public void serviceChanged(ServiceKey key) {
        if (stopped) {
            return;
        }
        Set<Subscriber> set = subscribers.get(key);
        if (set == null || set.isEmpty()) {
            return;
        }
        if (dirtySince.putIfAbsent(key, System.nanoTime()) == null) {
            scheduler.schedule(() -> pushAll(key), coalesceDelay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private AtomicLong revision(ServiceKey key) {
        return revisions.computeIfAbsent(key, k -> new AtomicLong());
    }

    /**
     * Pushes the current list to every subscriber of {@code key}: serialised once per cluster string, sent as one
     * shared payload. One push of a service runs at a time, so each connection sees its lists in order.
     */
    private void pushAll(ServiceKey key) {
        Set<Subscriber> set = subscribers.get(key);
        if (set == null) {
            dirtySince.remove(key);
            return;
        }
        synchronized (set) {
            Long since = dirtySince.remove(key);
            if (since == null) {
                return;
            }
            long rev = revision(key).incrementAndGet();
            Map<String, Push> pushes = new HashMap<>();
            for (Subscriber s : set) {
                Push p = pushes.computeIfAbsent(s.clusters(), c -> push(key, c));
                send(s, key, p, since, rev, 1);
            }
        }
    }

    private void pushTo(Subscriber s, ServiceKey key, long since, long rev, int attempt) {
        Set<Subscriber> set = subscribers.get(key);
        if (set == null || !set.contains(s)) {
            return;
        }
        synchronized (set) {
            if (rev == revision(key).get()) {
                send(s, key, push(key, s.clusters()), since, rev, attempt);
            }
        }
    }

    private Push push(ServiceKey key, String clusters) {
        String requestId = "p" + pushIds.incrementAndGet();
        ObjectNode body = payloads.request("naming");
        body.put("requestId", requestId);
        body.putRawValue("serviceInfo", serviceInfo(key, clusters));
        return new Push(requestId, payloads.payload("NotifySubscriberRequest", body));
    }

    private RawValue serviceInfo(ServiceKey key, String clusters) {
        try {
            return new RawValue(json.writeValueAsString(naming.query(key, clusters, false)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the instances of " + key, e);
        }
    }

    private void send(Subscriber s, ServiceKey key, Push push, long since, long rev, int attempt) {
        Connection connection = connections.get(s.connectionId());
        if (stopped || connection == null || !connection.registered()) {
            return;
        }
        connection.request(push.requestId(), push.payload(), ackTimeout).whenComplete((reply, error) -> {
            if (error == null) {
                metrics.pushAcked(System.nanoTime() - since);
            } else if (attempt < MAX_ATTEMPTS
                    && connection.registered()
                    && rev == revision(key).get()) {
                metrics.pushRetried();
                log.debug("push of {} to {} failed ({}), retrying", key, connection, error.toString());
                scheduler.schedule(
                        () -> pushTo(s, key, since, rev, attempt + 1),
                        retryDelay.toMillis() * attempt,
                        TimeUnit.MILLISECONDS);
            } else if (rev == revision(key).get()) {
                metrics.pushFailed();
                log.debug("push of {} to {} abandoned after {} attempts", key, connection, attempt);
            }
        });
    }

    private void connectionClosed(String connectionId) {
        Set<ServiceKey> keys = byConnection.remove(connectionId);
        if (keys == null) {
            return;
        }
        for (ServiceKey key : keys) {
            Set<Subscriber> set = subscribers.get(key);
            if (set != null) {
                set.removeIf(s -> s.connectionId().equals(connectionId));
                if (set.isEmpty()) {
                    subscribers.remove(key, set);
                }
            }
        }
    }
}
