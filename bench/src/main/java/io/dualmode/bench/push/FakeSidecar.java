package io.dualmode.bench.push;

import io.dualmode.governance.push.DiscoveryRequest;
import io.dualmode.governance.push.DiscoveryResponse;
import io.dualmode.governance.push.PushCodec;
import io.dualmode.governance.push.PushMessage;
import io.dualmode.governance.push.Resource;
import io.dualmode.governance.push.ResourceKey;
import io.dualmode.governance.push.StreamReady;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;

/**
 * One simulated sidecar: a WebSocket on the push stream that subscribes, holds resource versions and ACKs each
 * response at once, noting when it first held each resource version. No proxy, no rules compiled.
 */
final class FakeSidecar {

    /** ACK times (System.nanoTime) by "resource@version", shared by every simulated sidecar. */
    static final Map<String, Map<Integer, Long>> ACKED = new ConcurrentHashMap<>();

    static final AtomicLong RESPONSES = new AtomicLong();

    private final int id;
    private final List<String> services;
    private final Map<ResourceKey, Long> held = new HashMap<>();
    private final Sinks.Many<String> out = Sinks.many().unicast().onBackpressureBuffer();
    private volatile boolean ready;

    FakeSidecar(int id, List<String> services) {
        this.id = id;
        this.services = services;
    }

    boolean ready() {
        return ready;
    }

    Mono<Void> connect(HttpClient http, String url) {
        return http.websocket()
                .uri(url)
                .handle((in, o) -> {
                    // the first request goes out when the control plane's StreamReady arrives (onResponse)
                    Mono<Void> rx = in.aggregateFrames(16 << 20)
                            .receive()
                            .asByteArray()
                            .doOnNext(this::onResponse)
                            .then()
                            .doFinally(s -> out.tryEmitComplete());
                    return o.sendString(out.asFlux()).then().and(rx);
                })
                .then();
    }

    private void onResponse(byte[] bytes) {
        long now = System.nanoTime();
        PushMessage m = PushCodec.decode(bytes);
        if (m instanceof StreamReady) {
            send(new DiscoveryRequest(
                    "bench-" + id, Map.of("application", "bench"), services, List.of(), Map.of(), null, null, null));
            return;
        }
        if (!(m instanceof DiscoveryResponse r)) {
            return;
        }
        RESPONSES.incrementAndGet();
        synchronized (held) {
            for (Resource res : r.resources()) {
                held.put(res.key(), res.version());
                ACKED.computeIfAbsent(res.key().name() + "@" + res.version(), k -> new ConcurrentHashMap<>())
                        .put(id, now);
            }
            r.removed().forEach(held::remove);
        }
        send(new DiscoveryRequest("bench-" + id, Map.of(), List.of(), List.of(), Map.of(), r.nonce(), null, null));
        ready = true;
    }

    private void send(DiscoveryRequest request) {
        synchronized (out) {
            out.tryEmitNext(new String(PushCodec.encode(request), StandardCharsets.UTF_8));
        }
    }
}
