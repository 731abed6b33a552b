package io.dualmode.registry.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dualmode.registry.internal.grpc.Payload;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client connection: its identity ({@code <millis>_<ip>_<port>}, shared by the unary calls and the bi-stream of one
 * HTTP/2 transport), what it announced at setup, and the stream used for server-to-client requests.
 */
public final class Connection {

    private final String id;
    private final String clientIp;
    private final int clientPort;
    private final Payloads payloads;
    private final AtomicLong requestIds = new AtomicLong();
    private final ConcurrentHashMap<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private volatile StreamObserver<Payload> stream;
    private volatile Map<String, String> labels = Map.of();
    private volatile String clientVersion = "";
    private volatile long lastActiveMillis = System.currentTimeMillis();
    private volatile boolean closed;

    Connection(String id, String clientIp, int clientPort, Payloads payloads) {
        this.id = id;
        this.clientIp = clientIp;
        this.clientPort = clientPort;
        this.payloads = payloads;
    }

    /** The connection id, as in Nacos: {@code <millis>_<ip>_<port>}. */
    public String id() {
        return id;
    }

    /** The client's address as seen by the server. */
    public String clientIp() {
        return clientIp;
    }

    /** The client's port as seen by the server. */
    public int clientPort() {
        return clientPort;
    }

    /** Labels the client sent at setup ({@code module}, {@code source}, {@code AppName}, ...). */
    public Map<String, String> labels() {
        return labels;
    }

    /** The client's version string, e.g. {@code Nacos-Java-Client:v2.4.3}. */
    public String clientVersion() {
        return clientVersion;
    }

    /** Whether the client completed setup on its bi-stream. */
    public boolean registered() {
        return stream != null && !closed;
    }

    long lastActiveMillis() {
        return lastActiveMillis;
    }

    void touch() {
        lastActiveMillis = System.currentTimeMillis();
    }

    void setUp(StreamObserver<Payload> stream, String clientVersion, Map<String, String> labels) {
        this.clientVersion = clientVersion == null ? "" : clientVersion;
        this.labels = labels == null ? Map.of() : Map.copyOf(labels);
        this.stream = stream;
        touch();
    }

    boolean usesStream(StreamObserver<Payload> observer) {
        return stream == observer;
    }

    /**
     * Sends a server-to-client request of {@code type} and completes with the client's response body, or exceptionally
     * on an error response, a closed connection or {@code timeout}.
     */
    public CompletableFuture<JsonNode> request(String type, ObjectNode body, Duration timeout) {
        String requestId = Long.toString(requestIds.incrementAndGet());
        body.put("requestId", requestId);
        return request(requestId, payloads.payload(type, body), timeout);
    }

    /**
     * Sends an already-built server-to-client request whose body carries {@code requestId}; the same payload may go to
     * many connections when the id is unique among each one's requests (pushes use ids with a {@code p} prefix).
     */
    public CompletableFuture<JsonNode> request(String requestId, Payload payload, Duration timeout) {
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        if (!registered()) {
            reply.completeExceptionally(new IllegalStateException("connection " + id + " is closed"));
            return reply;
        }
        pending.put(requestId, reply);
        reply.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((r, e) -> pending.remove(requestId));
        try {
            send(payload);
        } catch (RuntimeException e) {
            reply.completeExceptionally(e);
        }
        return reply;
    }

    /** Sends one payload on the bi-stream. */
    void send(Payload payload) {
        StreamObserver<Payload> s = stream;
        if (s == null || closed) {
            throw new IllegalStateException("connection " + id + " has no open stream");
        }
        synchronized (this) {
            s.onNext(payload);
        }
    }

    /** Completes the pending request the client answered. */
    void responded(String requestId, JsonNode body, boolean success, String message) {
        CompletableFuture<JsonNode> reply = pending.get(requestId);
        if (reply == null) {
            return;
        }
        if (success) {
            reply.complete(body);
        } else {
            reply.completeExceptionally(new RemoteException(RemoteException.SERVER_ERROR, message));
        }
        touch();
    }

    /** Marks the connection closed, fails what is pending and ends the stream. */
    void close(Status status) {
        if (closed) {
            return;
        }
        closed = true;
        pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException("connection closed")));
        StreamObserver<Payload> s = stream;
        if (s != null) {
            try {
                synchronized (this) {
                    if (status.isOk()) {
                        s.onCompleted();
                    } else {
                        s.onError(status.asRuntimeException());
                    }
                }
            } catch (RuntimeException ignored) {
                // the stream is already gone; nothing more to tell the client
            }
        }
    }

    boolean closed() {
        return closed;
    }

    @Override
    public String toString() {
        return "Connection[" + id + "]";
    }
}
