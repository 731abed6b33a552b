package io.dualmode.sidecar.cluster;

import io.dualmode.sidecar.config.ClusterConfig;
import io.dualmode.sidecar.config.ClusterConfigs;
import io.dualmode.sidecar.internal.metrics.SidecarMetrics;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The sidecar's clusters. Feed it from anywhere (the static YAML, a registry subscription): {@link
 * #update(String, List)} replaces a cluster's endpoints, keeping the live state of endpoints that
 * stay. Readers on the request path see one immutable map, replaced whole on every change.
 */
public final class ClusterManager {
    private final SidecarMetrics metrics;
    private final ScheduledExecutorService timers;
    private final ClusterConfig defaults;
    private final HealthChecker healthChecker;
    private volatile Map<String, Cluster> clusters = Map.of();
    private Map<String, RuleOutlier> ruleOutliers = Map.of();

    /** For the sidecar itself; obtain the running instance from {@code Sidecar.clusters()}. */
    public ClusterManager(
            SidecarMetrics metrics, ScheduledExecutorService timers, ClusterConfig defaults, HealthProber prober) {
        this.metrics = metrics;
        this.timers = timers;
        this.defaults = defaults;
        this.healthChecker = new HealthChecker(timers, prober);
    }

    /** The cluster of that name, or null. */
    public Cluster cluster(String name) {
        return clusters.get(name);
    }

    /** Every cluster. */
    public Collection<Cluster> clusters() {
        return clusters.values();
    }

    /** The calls in flight to every cluster's upstreams. */
    public int inFlight() {
        int n = 0;
        for (Cluster c : clusters.values()) {
            n += c.metrics().rqActive.get();
        }
        return n;
    }

    /**
     * Replaces the endpoints of cluster {@code name}, creating it with the default cluster settings
     * ({@code clusterDefaults} in the YAML) if it does not exist.
     */
    public synchronized void update(String name, List<Endpoint> endpoints) {
        for (Endpoint e : endpoints) {
            ClusterConfigs.validateEndpoint(name, e);
        }
        Cluster existing = clusters.get(name);
        if (existing != null) {
            existing.setEndpoints(endpoints);
            return;
        }
        put(defaults.toBuilder().name(name).endpoints(endpoints).build());
    }

    /** Adds a cluster or replaces one whole (settings and endpoints; health state starts afresh). */
    public synchronized void put(ClusterConfig config) {
        ClusterConfigs.validate(config);
        Cluster replaced = clusters.get(config.name());
        if (replaced != null) {
            replaced.retireMeters(); // before the new cluster's hosts take back those of the endpoints it keeps
        }
        Cluster cluster = new Cluster(config, metrics.cluster(config.name()), timers);
        cluster.ruleOutlier(ruleOutliers.get(config.name()));
        Map<String, Cluster> next = new HashMap<>(clusters);
        Cluster old = next.put(config.name(), cluster);
        clusters = Map.copyOf(next);
        if (old != null) {
            healthChecker.unwatch(old);
        }
        healthChecker.watch(cluster);
    }

    /**
     * Sets the outlier detection that circuit-breaker rules give services, by service (= cluster) name: clusters
     * named there use it instead of their own {@code outlier} setting, the others go back to theirs. Clusters created
     * later pick it up too.
     */
    public synchronized void ruleOutliers(Map<String, RuleOutlier> byService) {
        ruleOutliers = Map.copyOf(byService);
        clusters.forEach((name, cluster) -> cluster.ruleOutlier(ruleOutliers.get(name)));
    }

    /** Removes a cluster; requests for it then get 503. */
    public synchronized void remove(String name) {
        Map<String, Cluster> next = new HashMap<>(clusters);
        Cluster removed = next.remove(name);
        clusters = Map.copyOf(next);
        if (removed != null) {
            healthChecker.unwatch(removed);
            removed.retireMeters();
        }
    }

    /** Stops health checking. */
    public void close() {
        healthChecker.close();
    }
}
