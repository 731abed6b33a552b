package io.dualmode.platform.push;

import io.dualmode.governance.push.ErrorDetail;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a connected sidecar runs and whether it is up to date.
 *
 * @param nodeId the sidecar's identity
 * @param principal the subject of the token it connected with
 * @param node what it reports about itself: {@code sidecarVersion}, {@code application}, {@code mode},
 *     {@code instances}
 * @param subscriptions the services whose rules it receives
 * @param configDigest the digest of the rules it reports running
 * @param expectedDigest the digest of the rules it should run
 * @param upToDate whether the two digests are equal
 * @param appliedVersions the versions it acknowledged, by resource name
 * @param responses responses sent on this stream
 * @param acks responses acknowledged
 * @param nacks responses rejected
 * @param lastNack why the last rejected response was rejected, or null
 * @param connectedAt when the stream opened
 * @param lastAckAt when the last ACK arrived, or null
 * @param desiredMode the mode the platform wants it to run ({@code mesh} or {@code sdk}), or null when never set
 * @param desiredModeVersion the version of that wish, 0 when never set; the sidecar reports the version it applied
 *     as {@code node.modeVersion}
 */
public record SidecarStatus(
        String nodeId,
        String principal,
        Map<String, String> node,
        List<String> subscriptions,
        String configDigest,
        String expectedDigest,
        boolean upToDate,
        Map<String, Long> appliedVersions,
        long responses,
        long acks,
        long nacks,
        ErrorDetail lastNack,
        Instant connectedAt,
        Instant lastAckAt,
        String desiredMode,
        long desiredModeVersion) {

    /**
     * The addresses ({@code ip:port}) the sidecar reports in {@code node.instances} for the instances behind it: their
     * own addresses and its ingress listeners'.
     */
    public java.util.Set<String> instanceAddresses() {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (String address : node.getOrDefault("instances", "").split(",")) {
            if (!address.isBlank()) {
                out.add(address.trim());
            }
        }
        return out;
    }

    /** The mode the sidecar reports running, or null. */
    public String mode() {
        return node.get("mode");
    }

    /** The version of the last mode directive the sidecar reports having applied, 0 when none. */
    public long appliedModeVersion() {
        try {
            return Long.parseLong(node.getOrDefault("modeVersion", "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
