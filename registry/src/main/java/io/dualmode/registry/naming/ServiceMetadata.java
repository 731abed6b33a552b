package io.dualmode.registry.naming;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/**
 * What an operator stores about a service itself: the protection threshold (if the healthy share of instances falls
 * to it or below, every instance is returned) and free-form metadata. Persisted.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ServiceMetadata(float protectThreshold, Map<String, String> metadata) {

    /** No threshold, no metadata. */
    public static final ServiceMetadata EMPTY = new ServiceMetadata(0f, Map.of());

    public ServiceMetadata {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        if (Float.isNaN(protectThreshold) || protectThreshold < 0f || protectThreshold > 1f) {
            throw InvalidRequestException.invalid(
                    "protectThreshold " + protectThreshold + " is out of range, expected 0..1");
        }
    }
}
