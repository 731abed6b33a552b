package io.dualmode.sidecar.control;

import io.dualmode.governance.push.DiscoveryRequest;
import io.dualmode.governance.push.DiscoveryResponse;
import io.dualmode.governance.push.ErrorDetail;
import io.dualmode.governance.push.LoadReport;
import io.dualmode.governance.push.ModeDirective;
import io.dualmode.governance.push.PushCodec;
import io.dualmode.governance.push.PushMessage;
import io.dualmode.governance.push.Resource;
import io.dualmode.governance.push.StreamReady;
import io.dualmode.sidecar.config.ControlPlaneConfig;
import io.dualmode.sidecar.config.SidecarErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.resources.LoopResources;

/**
 * Keeps the push stream to the control plane open and applies what arrives. Frames are read on the event loop and
 * handed to one worker thread, which validates and applies each response whole (or rejects it whole), saves the
 * rules to the state directory, and answers with an ACK or NACK carrying the digest of the rules in force. While
 * the control plane is away the last good rules keep serving and the client reconnects with a doubling delay. The
 * first request goes out when the control plane's {@link StreamReady} arrives, never straight after the handshake;
 * a stream with no response to it within {@link #FIRST_RESPONSE_TIMEOUT} is dropped and opened again.
 *
 * <p>A {@link ModeDirective} is applied on a thread of its own (a switch waits out the registry overlap, and rules
 * must not queue behind it), saved to {@code mode.json} in the state directory, and answered by reporting the node
 * facts again with {@code modeVersion} (or {@code modeError}). At start the saved directive is applied before the
 * stream opens, so a restarted sidecar comes back in the mode the platform last set.
 */
public final class ControlPlaneClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlPlaneClient.class);
    private static final int MAX_FRAME = 16 * 1024 * 1024;
    private static final Duration MAX_DELAY = Duration.ofSeconds(30);

    private final ControlPlaneConfig config;
    private final Governance governance;
    private final String nodeId;
    private final Supplier<Map<String, String>> node;
    private final List<String> subscriptions;
    /** Services subscribed to because a routing rule held delegates to them; kept for reconnects. */
    private final java.util.Set<String> delegates = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final ExecutorService worker;
    private final ExecutorService modeWorker;
    private final ModeTarget modeTarget;
    /** How long a new stream may go without a response to its first request before it is opened again. */
    static final Duration FIRST_RESPONSE_TIMEOUT = Duration.ofSeconds(15);

    private final LoopResources loops = LoopResources.create("dualmode-control-plane-io", 1, true);
    private final HttpClient http;
    private final AtomicLong responses = new AtomicLong();
    private final AtomicLong acks = new AtomicLong();
    private final AtomicLong nacks = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private volatile boolean connected;
    /** Whether the current connection has received the response to its first request. */
    private volatile boolean answered;

    private volatile boolean closed;
    private volatile ErrorDetail lastNack;
    private volatile Disposable connection;
    private volatile Duration delay;
    private volatile Sinks.Many<String> stream;
    /** Held while a request is built and emitted, and while a new stream is marked connected (see {@link #send}). */
    private final Object sendLock = new Object();

    private volatile long modeVersion;
    private volatile String modeError;

    /** Where mode directives go: switches the instance's mode, blocking until the switch is done. */
    @FunctionalInterface
    public interface ModeTarget {
        /** Switches to {@code mode} ({@code mesh} or {@code sdk}); throws when it cannot. */
        void switchTo(String mode) throws Exception;
    }

    /**
     * A client for {@code config} applying to {@code governance}.
     *
     * @param nodeId the identity on the stream
     * @param node facts reported with every request (sidecar version, application, mode, instances)
     * @param subscriptions the services whose rules are needed
     */
    public ControlPlaneClient(
            ControlPlaneConfig config,
            Governance governance,
            String nodeId,
            Supplier<Map<String, String>> node,
            List<String> subscriptions) {
        this(config, governance, nodeId, node, subscriptions, mode -> {
            throw new UnsupportedOperationException("this sidecar does not switch modes");
        });
    }

    /**
     * A client that also applies mode directives to {@code modeTarget}.
     *
     * @param nodeId the identity on the stream
     * @param node facts reported with every request (sidecar version, application, mode, instances)
     * @param subscriptions the services whose rules are needed
     * @param modeTarget switches the instance's mode when a directive arrives
     */
    public ControlPlaneClient(
            ControlPlaneConfig config,
            Governance governance,
            String nodeId,
            Supplier<Map<String, String>> node,
            List<String> subscriptions,
            ModeTarget modeTarget) {
        this.config = config;
        this.modeTarget = modeTarget;
        this.governance = governance;
        this.nodeId = nodeId;
        this.node = node;
        this.subscriptions = List.copyOf(subscriptions);
        this.delay = config.reconnectDelay();
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "dualmode-control-plane");
            t.setDaemon(true);
            return t;
        });
        this.modeWorker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "dualmode-control-plane-mode");
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newConnection()
                .runOn(loops)
                .headers(h -> h.set("Authorization", "Bearer " + config.token()))
                .responseTimeout(Duration.ofSeconds(10));
    }

    /** Restores the saved rules, if any, then connects when a URL is configured; returns at once. */
    public ControlPlaneClient start() {
        restore();
        if (config.url() != null) {
            connect();
        }
        return this;
    }

    private void restore() {
        if (config.stateDir() == null) {
            return;
        }
        try {
            List<Resource> saved = StateFile.read(config.stateDir());
            ErrorDetail error = governance.replaceAll(saved);
            if (error != null) {
                log.warn(SidecarErrors.STATE_UNREADABLE.format(config.stateDir(), error.message()));
            } else if (!saved.isEmpty()) {
                log.info("restored {} governance rules from {} ({})", saved.size(), config.stateDir(), digest());
                newDelegates();
            }
        } catch (IOException | RuntimeException e) {
            log.warn(SidecarErrors.STATE_UNREADABLE.format(config.stateDir(), e.getMessage()));
        }
        try {
            ModeDirective saved = StateFile.readMode(config.stateDir());
            if (saved != null) {
                applyMode(saved, false);
            }
        } catch (IOException | RuntimeException e) {
            log.warn(SidecarErrors.STATE_UNREADABLE.format(config.stateDir(), e.getMessage()));
        }
    }

    /** On the mode thread (or at start): applies a directive newer than the last one, saves it, reports. */
    private void applyMode(ModeDirective directive, boolean report) {
        if (directive.version() > modeVersion) {
            try {
                modeTarget.switchTo(directive.mode());
                modeVersion = directive.version();
                modeError = null;
                log.info("mode {} applied (directive version {})", directive.mode(), directive.version());
                if (config.stateDir() != null) {
                    StateFile.writeMode(config.stateDir(), directive);
                }
            } catch (IOException e) {
                log.warn(SidecarErrors.STATE_DIR.format(config.stateDir(), e.toString()));
            } catch (Exception e) {
                modeError = "mode " + directive.mode() + " (version " + directive.version() + ") not applied: " + e;
                log.warn(modeError);
            }
        }
        if (report) {
            reportNode();
        }
    }

    private void connect() {
        if (closed) {
            return;
        }
        long attempt = connects.incrementAndGet();
        answered = false;
        // A stream whose first request gets no response (a handshake or first exchange that stalls) is dropped and
        // opened again, so the sidecar does not wait on it forever.
        Mono.delay(FIRST_RESPONSE_TIMEOUT).subscribe(x -> firstResponseOverdue(attempt));
        Sinks.Many<String> out = Sinks.many().unicast().onBackpressureBuffer();
        connection = http.websocket(WebsocketClientSpec.builder()
                        .maxFramePayloadLength(MAX_FRAME)
                        .handlePing(true)
                        .build())
                .uri(config.url())
                .handle((in, o) -> {
                    // The first request waits for the control plane's StreamReady (see onResponse).
                    delay = config.reconnectDelay();
                    Mono<Void> receive = in.aggregateFrames(MAX_FRAME)
                            .receive()
                            .asByteArray()
                            .doOnNext(bytes -> handOver(bytes, out))
                            .then()
                            .doFinally(s -> out.tryEmitComplete());
                    return o.sendString(out.asFlux()).then().and(receive);
                })
                .then()
                .subscribe(null, this::disconnected, () -> disconnected(null));
    }

    private void firstResponseOverdue(long attempt) {
        if (closed || answered || connects.get() != attempt) {
            return;
        }
        Disposable c = connection;
        if (c != null) {
            c.dispose();
        }
        disconnected(new java.util.concurrent.TimeoutException(
                "no response to the first request within " + FIRST_RESPONSE_TIMEOUT.toSeconds() + " s"));
    }

    private void handOver(byte[] bytes, Sinks.Many<String> out) {
        try {
            worker.execute(() -> onResponse(bytes, out));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.debug("control plane client closed; dropping a push message");
        }
    }

    private void disconnected(Throwable error) {
        connected = false;
        if (closed) {
            return;
        }
        Duration wait = delay;
        delay = wait.multipliedBy(2).compareTo(MAX_DELAY) > 0 ? MAX_DELAY : wait.multipliedBy(2);
        log.warn(
                "control plane {} unreachable ({}); serving the last good rules ({}), reconnecting in {} ms",
                config.url(),
                error == null ? "stream closed" : error.toString(),
                digest(),
                wait.toMillis());
        Mono.delay(wait).subscribe(x -> connect());
    }

    private String first() {
        Map<String, Long> held = new HashMap<>();
        governance.versions().forEach((k, v) -> held.put(k.name(), v));
        return encode(new DiscoveryRequest(
                nodeId, facts(), allSubscriptions(), List.of(), held, null, null, governance.digest()));
    }

    private List<String> allSubscriptions() {
        if (delegates.isEmpty()) {
            return subscriptions;
        }
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(subscriptions);
        all.addAll(delegates);
        return List.copyOf(all);
    }

    /**
     * The services the routing rules in force delegate to ({@code routes[].delegateTo}) that are not subscribed yet:
     * their routing rules decide those calls, so the sidecar subscribes to them with its ACK.
     */
    private List<String> newDelegates() {
        List<String> added = new java.util.ArrayList<>();
        governance.snapshot().byKey().forEach((key, resource) -> {
            if (key.kind() != io.dualmode.governance.rule.RuleKind.ROUTING) {
                return;
            }
            for (com.fasterxml.jackson.databind.JsonNode route : resource.body().path("routes")) {
                String delegate = route.path("delegateTo").asText("");
                if (!delegate.isEmpty() && !subscriptions.contains(delegate) && delegates.add(delegate)) {
                    added.add(delegate);
                }
            }
        });
        return added;
    }

    /** On the worker thread: applies or rejects one response, saves, and answers. */
    private void onResponse(byte[] bytes, Sinks.Many<String> out) {
        PushMessage message;
        try {
            message = PushCodec.decode(bytes);
        } catch (RuntimeException e) {
            log.warn("ignoring a push message: {}", e.getMessage());
            return;
        }
        if (message instanceof StreamReady ready) {
            log.debug("control plane stream {} ready", ready.stream());
            // Under the send lock: a node report racing with this either goes first (and first() reads its facts)
            // or finds the stream connected and follows.
            synchronized (sendLock) {
                out.tryEmitNext(first());
                stream = out;
                connected = true;
            }
            return;
        }
        if (message instanceof ModeDirective directive) {
            try {
                modeWorker.execute(() -> applyMode(directive, true));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                log.debug("control plane client closed; dropping a mode directive");
            }
            return;
        }
        if (!(message instanceof DiscoveryResponse response)) {
            log.warn("ignoring a push message that is not a response");
            return;
        }
        responses.incrementAndGet();
        answered = true;
        ErrorDetail error = governance.apply(response.resources(), response.removed());
        List<String> subscribe = List.of();
        if (error == null) {
            acks.incrementAndGet();
            save();
            subscribe = newDelegates();
            if (!subscribe.isEmpty()) {
                log.info("subscribing to {}: routing rules delegate to them", subscribe);
            }
        } else {
            nacks.incrementAndGet();
            lastNack = error;
            log.warn("rejected push {}: {} {}", response.nonce(), error.code(), error.message());
        }
        List<String> delegates = subscribe;
        send(
                out,
                () -> encode(new DiscoveryRequest(
                        nodeId,
                        facts(),
                        delegates,
                        List.of(),
                        Map.of(),
                        response.nonce(),
                        error,
                        governance.digest())));
    }

    /**
     * Reports the node facts again (e.g. after a mode switch) with a request that neither ACKs nor subscribes; does
     * nothing while disconnected (the next connection reports them anyway). Does not wait for the network.
     *
     * <p>Two threads may report at once (a mode switch and the ingress listener it opens): see {@link #send}.
     */
    public void reportNode() {
        synchronized (sendLock) {
            Sinks.Many<String> out = stream;
            if (connected && !closed && out != null) {
                out.tryEmitNext(encode(new DiscoveryRequest(
                        nodeId, facts(), List.of(), List.of(), Map.of(), null, null, governance.digest())));
            }
        }
    }

    /** The node facts plus the mode directive's outcome. */
    private Map<String, String> facts() {
        Map<String, String> facts = new java.util.LinkedHashMap<>(node.get());
        if (modeVersion > 0) {
            facts.put(ModeDirective.MODE_VERSION_FACT, Long.toString(modeVersion));
        }
        String error = modeError;
        if (error != null) {
            facts.put(ModeDirective.MODE_ERROR_FACT, error);
        }
        return facts;
    }

    /** The version of the last mode directive applied, 0 when none was. */
    public long modeVersion() {
        return modeVersion;
    }

    /** Sends a load report in a request that neither ACKs nor subscribes; does nothing while disconnected. */
    public void report(LoadReport report) {
        Sinks.Many<String> out = stream;
        if (connected && !closed && out != null) {
            send(out, () -> encode(new DiscoveryRequest(nodeId, null, null, null, null, null, null, null, report)));
        }
    }

    private void save() {
        if (config.stateDir() == null) {
            return;
        }
        try {
            StateFile.write(config.stateDir(), governance.snapshot().resources());
        } catch (IOException e) {
            log.warn(SidecarErrors.STATE_DIR.format(config.stateDir(), e.toString()));
        }
    }

    /**
     * Sends on {@code out}, building the message under the stream's lock: requests leave in the order their node facts
     * were read, so when two threads report at once the control plane keeps the newer facts, never a snapshot taken
     * before the other thread's change (the platform links instances to sidecars by the reported addresses).
     */
    private void send(Sinks.Many<String> out, Supplier<String> message) {
        synchronized (sendLock) {
            out.tryEmitNext(message.get());
        }
    }

    private static String encode(DiscoveryRequest request) {
        return new String(PushCodec.encode(request), StandardCharsets.UTF_8);
    }

    /** Whether the stream is open. */
    public boolean connected() {
        return connected;
    }

    /** Responses received since start. */
    public long responses() {
        return responses.get();
    }

    /** Responses applied and acknowledged. */
    public long acks() {
        return acks.get();
    }

    /** Responses rejected. */
    public long nacks() {
        return nacks.get();
    }

    /** Connection attempts since start. */
    public long connects() {
        return connects.get();
    }

    /** Why the last rejected response was rejected, or null. */
    public ErrorDetail lastNack() {
        return lastNack;
    }

    /** The digest of the rules in force. */
    public String digest() {
        return governance.digest();
    }

    /** Closes the stream and stops reconnecting; the rules in force stay. */
    @Override
    public void close() {
        closed = true;
        Disposable c = connection;
        if (c != null) {
            c.dispose();
        }
        worker.shutdown();
        modeWorker.shutdown();
        loops.disposeLater().subscribe();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
