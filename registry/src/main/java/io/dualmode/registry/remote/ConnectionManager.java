package io.dualmode.registry.remote;

import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client connections of one server. A connection is known from its transport's start and registered once the
 * client sets up its bi-stream; when the transport ends, the stream fails, or the client stops answering detection
 * requests, it is unregistered and every listener is told, so ephemeral instances, subscriptions and config listeners
 * go with it.
 */
public final class ConnectionManager {

    private static final Logger log = LoggerFactory.getLogger(ConnectionManager.class);

    private final ConcurrentHashMap<String, Connection> connections = new ConcurrentHashMap<>();
    private final List<Consumer<Connection>> closeListeners = new CopyOnWriteArrayList<>();
    private final Payloads payloads;

    public ConnectionManager(Payloads payloads) {
        this.payloads = payloads;
    }

    /** Told once for every connection that goes away, after it is removed. */
    public void onClose(Consumer<Connection> listener) {
        closeListeners.add(listener);
    }

    Connection transportReady(String clientIp, int clientPort) {
        String id = System.currentTimeMillis() + "_" + clientIp + "_" + clientPort;
        Connection connection = new Connection(id, clientIp, clientPort, payloads);
        connections.put(id, connection);
        return connection;
    }

    /** The connection with {@code id}, or null. */
    public Connection get(String id) {
        return id == null ? null : connections.get(id);
    }

    /** Every connection that completed setup. */
    public Collection<Connection> registered() {
        List<Connection> list = new ArrayList<>();
        for (Connection c : connections.values()) {
            if (c.registered()) {
                list.add(c);
            }
        }
        return list;
    }

    /** How many connections completed setup. */
    public int registeredCount() {
        int n = 0;
        for (Connection c : connections.values()) {
            if (c.registered()) {
                n++;
            }
        }
        return n;
    }

    /** Removes the connection, ends its stream and tells the listeners. */
    public void unregister(String id, String reason) {
        Connection connection = connections.remove(id);
        if (connection == null) {
            return;
        }
        boolean wasRegistered = connection.registered();
        connection.close(Status.UNAVAILABLE.withDescription(reason));
        if (wasRegistered) {
            log.debug("connection {} unregistered: {}", id, reason);
        }
        for (Consumer<Connection> l : closeListeners) {
            try {
                l.accept(connection);
            } catch (RuntimeException e) {
                log.warn("REGISTRY-0103: close listener failed for {}", id, e);
            }
        }
    }

    /**
     * Every {@code period}, sends a {@code ClientDetectionRequest} to each connection idle for {@code idle} and drops
     * it when no success comes back within {@code timeout}.
     */
    public void startDetection(ScheduledExecutorService scheduler, Duration idle, Duration timeout, Duration period) {
        scheduler.scheduleWithFixedDelay(
                () -> detectIdle(idle, timeout), period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void detectIdle(Duration idle, Duration timeout) {
        long now = System.currentTimeMillis();
        for (Connection c : registered()) {
            if (now - c.lastActiveMillis() < idle.toMillis()) {
                continue;
            }
            c.request("ClientDetectionRequest", payloads.request("internal"), timeout)
                    .whenComplete((reply, error) -> {
                        if (error != null) {
                            unregister(c.id(), "no answer to client detection");
                        } else {
                            c.touch();
                        }
                    });
        }
    }

    /**
     * Asks every client to reconnect elsewhere ({@code ConnectResetRequest}), then waits up to {@code wait} for them to
     * go; the clients pick the next server of their list, or {@code serverIp:serverPort} when it is in that list.
     */
    public void resetAll(String serverIp, Integer serverPort, Duration wait) {
        List<CompletableFuture<?>> replies = new ArrayList<>();
        for (Connection c : registered()) {
            var body = payloads.request("internal");
            if (serverIp != null) {
                body.put("serverIp", serverIp);
                body.put("serverPort", String.valueOf(serverPort));
            }
            replies.add(c.request("ConnectResetRequest", body, wait).exceptionally(e -> null));
        }
        try {
            CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new))
                    .get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.debug("not every client answered the connection reset in {}", wait);
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (registeredCount() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
