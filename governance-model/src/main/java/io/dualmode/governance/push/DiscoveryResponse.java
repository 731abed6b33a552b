package io.dualmode.governance.push;

import java.util.List;

/**
 * Control plane to sidecar: resources added or changed, and resources removed, since what the sidecar holds.
 *
 * <pre>{@code
 * {"type": "response", "systemVersion": "1289", "nonce": "n-42",
 *  "resources": [{"key": {"kind": "routing", "service": "orders"}, "version": 7, "body": {...}}],
 *  "removed": [{"kind": "fault-injection", "service": "orders"}]}
 * }</pre>
 *
 * @param systemVersion the control plane's revision of the whole rule store when this response was built
 * @param nonce unique per response; the sidecar echoes it to ACK or NACK
 * @param resources resources the sidecar must now hold, each at the version given
 * @param removed resources the sidecar must drop
 */
public record DiscoveryResponse(String systemVersion, String nonce, List<Resource> resources, List<ResourceKey> removed)
        implements PushMessage {

    public DiscoveryResponse {
        resources = resources == null ? List.of() : List.copyOf(resources);
        removed = removed == null ? List.of() : List.copyOf(removed);
    }
}
