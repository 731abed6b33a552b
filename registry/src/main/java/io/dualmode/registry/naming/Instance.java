package io.dualmode.registry.naming;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * One registered instance of a service, in the JSON shape Nacos clients read and write. Immutable; the
 * {@code with...} methods return copies.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Instance(
        String instanceId,
        String ip,
        int port,
        double weight,
        boolean healthy,
        boolean enabled,
        boolean ephemeral,
        String clusterName,
        String serviceName,
        Map<String, String> metadata) {

    /** The cluster an instance without one belongs to. */
    public static final String DEFAULT_CLUSTER = "DEFAULT";

    public Instance {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** Reads an instance as clients send it, applying Nacos defaults to absent fields. */
    @JsonCreator
    public static Instance fromJson(
            @JsonProperty("instanceId") String instanceId,
            @JsonProperty("ip") String ip,
            @JsonProperty("port") Integer port,
            @JsonProperty("weight") Double weight,
            @JsonProperty("healthy") Boolean healthy,
            @JsonProperty("enabled") Boolean enabled,
            @JsonProperty("ephemeral") Boolean ephemeral,
            @JsonProperty("clusterName") String clusterName,
            @JsonProperty("serviceName") String serviceName,
            @JsonProperty("metadata") Map<String, String> metadata) {
        return new Instance(
                instanceId,
                ip,
                port == null ? 0 : port,
                weight == null ? 1.0 : weight,
                healthy == null || healthy,
                enabled == null || enabled,
                ephemeral == null || ephemeral,
                clusterName,
                serviceName,
                metadata);
    }

    /** The cluster this instance belongs to, {@code DEFAULT} when none was given. */
    public String cluster() {
        return clusterName == null || clusterName.isEmpty() ? DEFAULT_CLUSTER : clusterName;
    }

    /** The identity of an instance within a service: address and cluster. */
    public String addressKey() {
        return ip + ":" + port + ":" + cluster();
    }

    /**
     * This instance as stored for {@code key}: grouped service name, cluster defaulted, and the instance id a real
     * Nacos server derives ({@code ip#port#cluster#group@@service}) when the client sent none: an empty
     * cluster reads {@code DEFAULT} there, an absent one the literal {@code null}, as a real Nacos 2.x server writes
     * for instances registered over gRPC without a cluster.
     */
    public Instance normalisedFor(ServiceKey key) {
        String id = instanceId == null || instanceId.isEmpty()
                ? ip + "#" + port + "#" + (clusterName == null ? "null" : cluster()) + "#" + key.groupedName()
                : instanceId;
        return new Instance(id, ip, port, weight, healthy, enabled, ephemeral, cluster(), key.groupedName(), metadata);
    }

    /** A copy with another health status. */
    public Instance withHealthy(boolean newHealthy) {
        return new Instance(
                instanceId, ip, port, weight, newHealthy, enabled, ephemeral, clusterName, serviceName, metadata);
    }

    /** A copy with another ephemeral flag. */
    public Instance withEphemeral(boolean newEphemeral) {
        return new Instance(
                instanceId, ip, port, weight, healthy, enabled, newEphemeral, clusterName, serviceName, metadata);
    }
}
