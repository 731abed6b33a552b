package io.dualmode.platform.push;

import io.dualmode.governance.push.DiscoveryRequest;
import io.dualmode.governance.push.PushCodec;
import io.dualmode.governance.push.PushMessage;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Mono;

/**
 * One sidecar's WebSocket: text frames carrying {@link PushCodec} JSON, requests in, responses out. A frame that
 * is not a request closes the stream with status 1007 and the GOV code in the reason.
 *
 * <p>The first frame out is {@link io.dualmode.governance.push.StreamReady}, sent once the inbound side is
 * subscribed; a sidecar sends nothing before it. Frames a client sent the instant the handshake completed were seen
 * to be lost before this handler subscribed to the inbound side (about one stream in ten on a busy machine, with no
 * error on either side), so the stream's first exchange waits for the server.
 */
final class PushHandler implements WebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(PushHandler.class);

    private final PushHub hub;

    PushHandler(PushHub hub) {
        this.hub = hub;
    }

    @Override
    public Mono<Void> handle(WebSocketSession session) {
        return session.getHandshakeInfo()
                .getPrincipal()
                .map(Principal::getName)
                .defaultIfEmpty("unknown")
                .flatMap(principal -> serve(session, hub.open(session.getId(), principal)));
    }

    private Mono<Void> serve(WebSocketSession session, PushStream stream) {
        Mono<Void> out = session.send(stream.outbound()
                .map(m -> session.textMessage(new String(PushCodec.encode(m), StandardCharsets.UTF_8))));
        Mono<Void> in = session.receive()
                .doOnSubscribe(s -> stream.ready())
                .map(PushHandler::bytes)
                .doOnNext(bytes -> request(stream, bytes))
                .then()
                .onErrorResume(e -> {
                    log.warn("push: closing stream {}: {}", stream.id(), e.getMessage());
                    String reason = String.valueOf(e.getMessage());
                    return session.close(
                            CloseStatus.BAD_DATA.withReason(reason.length() > 120 ? reason.substring(0, 120) : reason));
                })
                .doFinally(s -> hub.close(stream));
        return Mono.zip(in, out).then().doFinally(s -> hub.close(stream));
    }

    private void request(PushStream stream, byte[] bytes) {
        PushMessage message = PushCodec.decode(bytes);
        if (!(message instanceof DiscoveryRequest request)) {
            throw new IllegalArgumentException("a sidecar sends requests, not responses");
        }
        hub.onRequest(stream, request);
    }

    private static byte[] bytes(WebSocketMessage message) {
        byte[] bytes = new byte[message.getPayload().readableByteCount()];
        message.getPayload().read(bytes);
        return bytes;
    }
}
