package io.dualmode.sidecar.cluster;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import java.util.Objects;

/**
 * One upstream instance of a cluster: where to reach it, its load-balancing weight and its registry
 * metadata (for example {@code dualmode.mode}).
 */
public record Endpoint(String host, int port, int weight, Map<String, String> metadata) {
    /** Metadata key saying whether the instance runs in {@code mesh} or {@code sdk} mode. */
    public static final String MODE_KEY = "dualmode.mode";

    @JsonCreator
    public Endpoint(
            @JsonProperty("host") String host,
            @JsonProperty("port") int port,
            @JsonProperty("weight") Integer weight,
            @JsonProperty("metadata") Map<String, String> metadata) {
        this(host, port, weight == null ? 1 : weight, metadata);
    }

    public Endpoint {
        Objects.requireNonNull(host, "host");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** An endpoint of weight 1 without metadata. */
    public static Endpoint of(String host, int port) {
        return new Endpoint(host, port, 1, Map.of());
    }

    /** The instance's mode from its metadata, {@code sdk} when absent. */
    public String mode() {
        return metadata.getOrDefault(MODE_KEY, "sdk");
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
