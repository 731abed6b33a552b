package io.dualmode.platform;

import static org.awaitility.Awaitility.await;

import io.dualmode.governance.push.DiscoveryRequest;
import io.dualmode.governance.push.DiscoveryResponse;
import io.dualmode.governance.push.PushCodec;
import io.dualmode.governance.push.PushMessage;
import io.dualmode.governance.push.StreamReady;
import io.dualmode.sidecar.Mode;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.config.ConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/** Real parts on loopback for the push tests: HTTP backends, in-process sidecars, a client. */
final class PushFixture {

    private PushFixture() {}

    /** An HTTP backend answering its name, or 500 while {@code failing} is set. */
    static DisposableServer backend(LoopResources loops, String name, AtomicBoolean failing) {
        return HttpServer.create()
                .runOn(loops)
                .host("127.0.0.1")
                .port(0)
                .handle((req, res) -> failing.get()
                        ? res.status(500).sendString(Mono.just("failing " + name))
                        : res.sendString(Mono.just(name)))
                .bindNow();
    }

    /** A sidecar from YAML with the control plane at {@code pushUrl}. */
    static Sidecar sidecar(String yaml, String pushUrl, String token, Path stateDir, String subscribe) {
        return sidecar(yaml, pushUrl, token, stateDir, subscribe, Mode.MESH);
    }

    /** A sidecar from YAML with the control plane at {@code pushUrl}, starting in {@code mode}. */
    static Sidecar sidecar(String yaml, String pushUrl, String token, Path stateDir, String subscribe, Mode mode) {
        String cp = "controlPlane: {url: " + pushUrl + ", token: " + token + ", stateDir: " + stateDir
                + ", reconnectDelay: 100ms, subscribe: [" + subscribe + "]}\n";
        return Sidecar.create(
                        ConfigLoader.parse("workers: 1\nadmin: {port: -1}\ndrainTimeout: 1s\n" + cp + yaml, "test"),
                        mode)
                .start();
    }

    /** The caller: an egress listener and cluster {@code orders} = the orders sidecar (v1) and backend v2. */
    static String callerYaml(int ordersIngressPort, int v2Port) {
        return """
                listeners:
                  - {name: egress, direction: egress, protocol: http, address: 127.0.0.1, port: 0}
                clusters:
                  - name: orders
                    outlier: {consecutiveFailures: 0}
                    retry: {maxRetries: 0}
                    endpoints:
                      - {host: 127.0.0.1, port: %d, metadata: {version: "1"}}
                      - {host: 127.0.0.1, port: %d, metadata: {version: "2"}}
                """
                .formatted(ordersIngressPort, v2Port);
    }

    /** A callee: an ingress listener in front of the local service {@code name}. */
    static String calleeYaml(String name, int backendPort) {
        return """
                listeners:
                  - {name: ingress, direction: ingress, protocol: http, address: 127.0.0.1, port: 0}
                services:
                  - {name: %s, address: 127.0.0.1, port: %d}
                """
                .formatted(name, backendPort);
    }

    /**
     * Event loops of the test's own: the platform's shutdown disposes Reactor Netty's global ones, which would take
     * the backends and the client down with it.
     */
    static LoopResources loops() {
        return LoopResources.create("push-test", 2, true);
    }

    /** A client on the test's loops. */
    static HttpClient client(LoopResources loops) {
        return HttpClient.create(ConnectionProvider.create("push-test", 16))
                .runOn(loops)
                .responseTimeout(Duration.ofSeconds(10));
    }

    /**
     * One GET to {@code port} with {@code Host: service} and extra headers.
     *
     * @return status, error-code header and body
     */
    static Reply get(HttpClient client, int port, String service, Map<String, String> headers) {
        return client.headers(h -> {
                    h.set("Host", service);
                    headers.forEach(h::set);
                })
                .get()
                .uri("http://127.0.0.1:" + port + "/orders/1")
                .responseSingle((res, body) -> body.asString(StandardCharsets.UTF_8)
                        .defaultIfEmpty("")
                        .map(b -> new Reply(
                                res.status().code(), res.responseHeaders().get("x-dualmode-error"), b)))
                .block(Duration.ofSeconds(15));
    }

    record Reply(int status, String error, String body) {}

    /**
     * A push stream spoken by hand, as a sidecar of another make would speak it: waits for the control plane's
     * {@link StreamReady}, then sends what the test gives it and collects the responses.
     */
    static final class RawStream implements AutoCloseable {

        private final Sinks.Many<String> out = Sinks.many().unicast().onBackpressureBuffer();
        private final Queue<DiscoveryResponse> responses = new ConcurrentLinkedQueue<>();
        private final AtomicReference<StreamReady> ready = new AtomicReference<>();
        private final Disposable connection;

        private RawStream(LoopResources loops, int port, String token) {
            connection = client(loops)
                    .headers(h -> h.set("Authorization", "Bearer " + token))
                    .websocket()
                    .uri("ws://127.0.0.1:" + port + "/api/v1/push")
                    .handle((i, o) -> o.sendString(out.asFlux())
                            .then()
                            .and(i.aggregateFrames().receive().asByteArray().doOnNext(this::received)))
                    .subscribe();
        }

        /** Opens a stream to the platform on {@code port} and waits (bounded) for it to be ready. */
        static RawStream open(LoopResources loops, int port, String token) {
            RawStream stream = new RawStream(loops, port, token);
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> stream.ready.get() != null);
            return stream;
        }

        private void received(byte[] frame) {
            PushMessage message = PushCodec.decode(frame);
            if (message instanceof StreamReady r) {
                ready.set(r);
            } else if (message instanceof DiscoveryResponse r) {
                responses.add(r);
            }
        }

        void send(DiscoveryRequest request) {
            synchronized (out) {
                out.tryEmitNext(new String(PushCodec.encode(request), StandardCharsets.UTF_8));
            }
        }

        /** The responses received so far, oldest first. */
        List<DiscoveryResponse> responses() {
            return List.copyOf(responses);
        }

        @Override
        public void close() {
            connection.dispose();
        }
    }
}
