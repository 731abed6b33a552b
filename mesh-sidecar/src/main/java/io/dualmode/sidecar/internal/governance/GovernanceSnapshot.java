package io.dualmode.sidecar.internal.governance;

import io.dualmode.governance.push.ConfigDigest;
import io.dualmode.governance.push.Resource;
import io.dualmode.governance.push.ResourceKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The governance configuration a sidecar runs, immutable: the resources as pushed (for the digest and for saving
 * to disk) and the compiled policy of each service. Replaced whole when a push is applied.
 */
public final class GovernanceSnapshot {

    /** No rules. */
    public static final GovernanceSnapshot EMPTY = new GovernanceSnapshot(Map.of(), Map.of());

    private final Map<ResourceKey, Resource> resources;
    private final Map<String, ServicePolicy> policies;
    private final Map<String, Integer> clusterInstances;
    private final String digest;

    GovernanceSnapshot(Map<ResourceKey, Resource> resources, Map<String, ServicePolicy> policies) {
        this(resources, policies, Map.of());
    }

    GovernanceSnapshot(
            Map<ResourceKey, Resource> resources,
            Map<String, ServicePolicy> policies,
            Map<String, Integer> clusterInstances) {
        this.resources = Map.copyOf(resources);
        this.policies = Map.copyOf(policies);
        this.clusterInstances = Map.copyOf(clusterInstances);
        this.digest = ConfigDigest.of(versions());
    }

    /**
     * For each service with a cluster-scope rate limit, the number of instances its limit was divided by (-1: none
     * known, the whole limit applies at this instance).
     */
    public Map<String, Integer> clusterInstances() {
        return clusterInstances;
    }

    /** The policy of {@code service}, or null when no rule concerns it. */
    public ServicePolicy policy(String service) {
        return service == null ? null : policies.get(service);
    }

    /**
     * The verdict of {@code service}'s rules on one call, {@link Admission#PASS} when none concerns it. The one
     * entry point of every protocol's proxy (HTTP/1.1, HTTP/2 and gRPC, Dubbo, Bolt), so they all decide the same way.
     */
    public Admission admit(String service, CallView call, boolean ingress) {
        ServicePolicy policy = policy(service);
        return policy == null ? Admission.PASS : policy.admit(call, ingress);
    }

    /** The resources in force, by key, in key order. */
    public List<Resource> resources() {
        return new TreeMap<>(resources).values().stream().toList();
    }

    /** The resources in force. */
    public Map<ResourceKey, Resource> byKey() {
        return resources;
    }

    /** The version of each resource in force. */
    public Map<ResourceKey, Long> versions() {
        Map<ResourceKey, Long> out = new HashMap<>();
        resources.forEach((k, r) -> out.put(k, r.version()));
        return out;
    }

    /** The {@link ConfigDigest} of the resources in force. */
    public String digest() {
        return digest;
    }
}
