package io.dualmode.sidecar.agent;

import io.dualmode.registry.naming.Instance;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Tells the protocol of a service from what its instances carry in their metadata. */
final class Protocols {

    static final String PROTOCOL_KEY = "dualmode.protocol";
    static final String MODE_KEY = "dualmode.mode";
    static final String SIDECAR_KEY = "dualmode.sidecar";
    static final String HTTP = "http";

    private Protocols() {}

    /**
     * {@value DubboApplications#PROTOCOL} for a Dubbo application-level instance, else {@code dualmode.protocol},
     * else the framework's {@code protocol} entry, else {@code http}.
     */
    static String of(Map<String, String> metadata) {
        if (DubboApplications.is(metadata)) {
            return DubboApplications.PROTOCOL;
        }
        String p = metadata.get(PROTOCOL_KEY);
        if (p == null || p.isBlank()) {
            p = metadata.get("protocol");
        }
        return p == null || p.isBlank() ? HTTP : p.toLowerCase(Locale.ROOT);
    }

    /** The protocol of the first instance, or {@code http} for an empty list. */
    static String of(List<Instance> instances) {
        return instances.isEmpty() ? HTTP : of(instances.get(0).metadata());
    }
}
