package io.dualmode.starter.core;

import java.util.LinkedHashMap;
import java.util.Map;

/** The metadata every instance registered by a starter carries, which the platform and the sidecar rely on. */
public final class InstanceMetadata {

    /** {@code sdk} or {@code mesh}. */
    public static final String MODE = "dualmode.mode";
    /** The protocol the instance serves: {@code http}, {@code dubbo}, {@code bolt}, … */
    public static final String PROTOCOL = "dualmode.protocol";
    /** The application the instance belongs to. */
    public static final String APPLICATION = "dualmode.application";

    private InstanceMetadata() {}

    /** The three entries for an instance of {@code application} serving {@code protocol}. */
    public static Map<String, String> of(DualmodeProperties properties, String application, String protocol) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(MODE, properties.getMode().metadataValue());
        metadata.put(PROTOCOL, protocol);
        if (application != null && !application.isBlank()) {
            metadata.put(APPLICATION, application);
        }
        return metadata;
    }
}
