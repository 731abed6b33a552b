package io.dualmode.platform.registry;

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
        Map<String, String> metadata) {

    static final String MODE_KEY = "dualmode.mode";
    static final String PROTOCOL_KEY = "dualmode.protocol";

    static InstanceView of(Instance instance) {
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
                metadata);
    }
}
