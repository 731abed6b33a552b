package io.dualmode.governance.push;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A message of the push protocol, with xDS's incremental semantics. Each message is one JSON object whose {@code
 * type} says which it is. The conversation on one long-lived stream:
 *
 * <ol>
 *   <li>The sidecar opens the stream; the control plane sends {@link StreamReady} once its end reads the stream.
 *   <li>The sidecar then sends a {@link DiscoveryRequest} naming itself, the services it subscribes
 *       to and the versions it already holds (restored from disk), with no {@code responseNonce}.
 *   <li>The control plane answers with a {@link DiscoveryResponse} carrying every subscribed resource the sidecar
 *       lacks or holds at an older version, the keys of resources it holds that no longer exist, and a fresh nonce.
 *   <li>The sidecar validates and applies the whole response, or none of it, then sends a {@link DiscoveryRequest}
 *       with {@code responseNonce} set to that nonce: without {@code errorDetail} it is an ACK; with one it is a NACK
 *       and the sidecar keeps running its last good configuration. Either way it reports the digest of what it runs.
 *   <li>Later changes arrive as further responses holding only what changed, and only on streams subscribed to the
 *       service concerned. Changing subscriptions is a request with {@code subscribe}/{@code unsubscribe} and no
 *       nonce.
 *   <li>Independently of rules, the control plane may send a {@link ModeDirective}: the mode the sidecar's instances
 *       should run in. The sidecar answers by reporting the mode and the directive's version in its node facts.
 * </ol>
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = DiscoveryRequest.class, name = "request"),
    @JsonSubTypes.Type(value = DiscoveryResponse.class, name = "response"),
    @JsonSubTypes.Type(value = ModeDirective.class, name = "mode"),
    @JsonSubTypes.Type(value = StreamReady.class, name = "ready")
})
public sealed interface PushMessage permits DiscoveryRequest, DiscoveryResponse, ModeDirective, StreamReady {}
