package io.dualmode.governance.push;

import java.util.List;
import java.util.Map;

/**
 * Sidecar to control plane: subscribe, ACK or NACK.
 *
 * <pre>{@code
 * {"type": "request", "nodeId": "orders@10.0.0.5:20880",
 *  "node": {"sidecarVersion": "0.1.0", "application": "orders", "mode": "mesh"},
 *  "subscribe": ["orders", "payments"], "initialVersions": {"routing/payments": 6},
 *  "responseNonce": "n-42", "errorDetail": null, "configDigest": "sha256:9f2c...",
 *  "report": {"intervalMillis": 5000, "entries": [...]}}
 * }</pre>
 *
 * @param nodeId the sidecar's identity, unique while it is connected
 * @param node facts about the sidecar shown in the inventory (sidecar version, application, mode)
 * @param subscribe services added to this stream's subscriptions
 * @param unsubscribe services removed from this stream's subscriptions
 * @param initialVersions on a stream's first request only: the versions of resources already held, by {@link
 *     ResourceKey#name()}
 * @param responseNonce the nonce of the response this request ACKs or NACKs; absent on a pure subscription change
 * @param errorDetail present when the response is NACKed: why it was not applied
 * @param configDigest {@link ConfigDigest} of the resources the sidecar runs after handling the response
 * @param report the traffic since the sidecar's previous report, or null; a request carrying only a report has no
 *     nonce and subscribes to nothing
 */
public record DiscoveryRequest(
        String nodeId,
        Map<String, String> node,
        List<String> subscribe,
        List<String> unsubscribe,
        Map<String, Long> initialVersions,
        String responseNonce,
        ErrorDetail errorDetail,
        String configDigest,
        LoadReport report)
        implements PushMessage {

    public DiscoveryRequest {
        node = node == null ? Map.of() : Map.copyOf(node);
        subscribe = subscribe == null ? List.of() : List.copyOf(subscribe);
        unsubscribe = unsubscribe == null ? List.of() : List.copyOf(unsubscribe);
        initialVersions = initialVersions == null ? Map.of() : Map.copyOf(initialVersions);
    }

    /** A request without a load report. */
    public DiscoveryRequest(
            String nodeId,
            Map<String, String> node,
            List<String> subscribe,
            List<String> unsubscribe,
            Map<String, Long> initialVersions,
            String responseNonce,
            ErrorDetail errorDetail,
            String configDigest) {
        this(nodeId, node, subscribe, unsubscribe, initialVersions, responseNonce, errorDetail, configDigest, null);
    }

    /** True when this request acknowledges a response (it has a nonce and no error). */
    public boolean isAck() {
        return responseNonce != null && errorDetail == null;
    }

    /** True when this request rejects a response. */
    public boolean isNack() {
        return responseNonce != null && errorDetail != null;
    }
}
