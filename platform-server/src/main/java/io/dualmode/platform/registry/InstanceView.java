package io.dualmode.platform.registry;

import io.dualmode.platform.push.SidecarStatus;
import io.dualmode.registry.naming.Instance;
import java.util.Map;

/**
 * One registered instance as the inventory shows it.
 *
 * @param ip its address
 * @param port its port
 * @param cluster its Nacos cluster
 * @param healthy whether the registry considers it healthy
 * @param enabled whether it takes traffic
 * @param ephemeral whether it lives only as long as its client connection
 * @param mode {@code sdk} or {@code mesh} from the metadata {@code dualmode.mode}; {@code sdk} when absent
 * @param protocol the metadata {@code dualmode.protocol}, when present
 * @param metadata all of its metadata
 * @param sidecar its sidecar's report on the push stream, or null when no connected sidecar reports this instance
 */
public record InstanceView(
        String ip,
        int port,
        String cluster,
        boolean healthy,
        boolean enabled,
        boolean ephemeral,
        String mode,
        String protocol,
        Map<String, String> metadata,
        SidecarView sidecar) {

    static final String MODE_KEY = "dualmode.mode";
    static final String PROTOCOL_KEY = "dualmode.protocol";

    static InstanceView of(Instance instance, Map<String, SidecarStatus> sidecars) {
        Map<String, String> metadata = instance.metadata();
        return new InstanceView(
                instance.ip(),
                instance.port(),
                instance.cluster(),
                instance.healthy(),
                instance.enabled(),
                instance.ephemeral(),
                metadata.getOrDefault(MODE_KEY, "sdk"),
                metadata.get(PROTOCOL_KEY),
                metadata,
                SidecarView.of(sidecars.get(instance.ip() + ":" + instance.port())));
    }

    /**
     * The sidecar in front of an instance, as it reports itself on the push stream.
     *
     * @param nodeId its identity
     * @param version the sidecar's version
     * @param mode the mode the sidecar reports ({@code mesh} or {@code sdk})
     * @param configDigest the digest of the rules it runs
     * @param upToDate whether that is the digest of the rules it should run
     * @param desiredMode the mode the platform wants it to run, or null when the platform never set one
     */
    public record SidecarView(
            String nodeId, String version, String mode, String configDigest, boolean upToDate, String desiredMode) {

        static SidecarView of(SidecarStatus s) {
            return s == null
                    ? null
                    : new SidecarView(
                            s.nodeId(),
                            s.node().get("sidecarVersion"),
                            s.node().get("mode"),
                            s.configDigest(),
                            s.upToDate(),
                            s.desiredMode());
        }
    }
}
