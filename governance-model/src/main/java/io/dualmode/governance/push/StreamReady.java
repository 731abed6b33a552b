package io.dualmode.governance.push;

/**
 * Control plane to sidecar, the first message on every stream: the control plane's end of the stream is set up and
 * reads what the sidecar sends from now on. The sidecar sends its first {@link DiscoveryRequest} only after this
 * message. (A frame sent the instant the WebSocket handshake completes can reach the server before its handler
 * reads the stream and be lost there; waiting for this message closes that window.)
 *
 * <pre>{@code
 * {"type": "ready", "stream": "8f2c…"}
 * }</pre>
 *
 * @param stream the control plane's id of this stream, for correlating both sides' logs
 */
public record StreamReady(String stream) implements PushMessage {}
