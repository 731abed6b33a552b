package io.dualmode.sidecar.it;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A real Reactor Netty HTTP server on its own loopback address, answering {@code <name> <method>
 * <uri> <body bytes>}; {@code /health} answers 200 or 503 as told; {@code /ws} echoes WebSocket
 * frames.
 */
final class Backend implements AutoCloseable {
    final String name;
    final AtomicInteger hits = new AtomicInteger();
    final AtomicBoolean healthy = new AtomicBoolean(true);
    final AtomicInteger slowStarted = new AtomicInteger();
    /** The {@code /hold} calls received; each is answered once {@link #release} is emitted. */
    final AtomicInteger held = new AtomicInteger();

    final reactor.core.publisher.Sinks.One<String> release = reactor.core.publisher.Sinks.one();
    /** The body of the last request answered by the catch-all route. */
    final java.util.concurrent.atomic.AtomicReference<byte[]> lastBody =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** Every request body answered by the catch-all route, with the value of its mirror header, in arrival order. */
    final java.util.Queue<String> received = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private final java.util.Set<io.netty.channel.Channel> connections =
            java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final DisposableServer server;

    Backend(String name, String host) {
        this.name = name;
        this.server = HttpServer.create()
                .host(host)
                .port(0)
                .doOnConnection(c -> connections.add(c.channel()))
                .route(r -> r.get("/health", (q, s) -> s.status(
                                        healthy.get() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE)
                                .sendString(Mono.just(name)))
                        .ws("/ws", (in, out) -> out.send(in.receive().retain()))
                        .get("/hold", (q, s) -> {
                            held.incrementAndGet();
                            return s.sendString(release.asMono().map(x -> name + " held"));
                        })
                        .get("/slow", (q, s) -> {
                            slowStarted.incrementAndGet();
                            return s.sendString(
                                    Mono.delay(Duration.ofMillis(700)).map(x -> name + " slow"));
                        })
                        .route(q -> true, (q, s) -> q.receive()
                                .aggregate()
                                .asByteArray()
                                .defaultIfEmpty(new byte[0])
                                .flatMap(body -> {
                                    hits.incrementAndGet();
                                    lastBody.set(body);
                                    received.add(q.requestHeaders().get("x-dualmode-mirror") + " "
                                            + new String(body, java.nio.charset.StandardCharsets.UTF_8));
                                    return s.header("x-backend", name)
                                            .sendString(Mono.just(
                                                    name + " " + q.method() + " " + q.uri() + " " + body.length))
                                            .then();
                                })))
                .bindNow(Duration.ofSeconds(5));
    }

    String host() {
        return server.host();
    }

    int port() {
        return server.port();
    }

    /** Stops accepting and drops every open connection at once, like a crashed process. */
    void kill() {
        server.dispose();
        connections.forEach(io.netty.channel.Channel::close);
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
    }
}
