package io.dualmode.sidecar.cluster;

import io.dualmode.sidecar.config.ClusterConfig;
import io.dualmode.sidecar.internal.metrics.SidecarMetrics.ClusterMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A named set of upstream hosts. The request path reads one volatile array of available hosts;
 * endpoint updates and health changes replace that array whole.
 */
public final class Cluster {
    private static final Logger log = LoggerFactory.getLogger(Cluster.class);
    private static final UpstreamHost[] NONE = new UpstreamHost[0];

    private final ClusterConfig config;
    private final LoadBalancer balancer;
    private final ClusterMetrics metrics;
    private final ScheduledExecutorService timers;
    private final AtomicInteger retriesInFlight = new AtomicInteger();
    private volatile UpstreamHost[] hosts = NONE;
    private volatile UpstreamHost[] available = NONE;
    /** Outlier detection set by a circuit-breaker rule, replacing {@code config.outlier()}; null when none. */
    private volatile RuleOutlier ruleOutlier;
    /** The available hosts of each subset asked for, with the array they were taken from (stale when replaced). */
    private final Map<Map<String, String>, Subset> subsets = new java.util.concurrent.ConcurrentHashMap<>();

    private record Subset(UpstreamHost[] base, UpstreamHost[] hosts) {}

    Cluster(ClusterConfig config, ClusterMetrics metrics, ScheduledExecutorService timers) {
        this.config = config;
        this.balancer = LoadBalancer.of(config.lbPolicy());
        this.metrics = metrics;
        this.timers = timers;
        setEndpoints(config.endpoints());
    }

    /** The cluster name. */
    public String name() {
        return config.name();
    }

    /** The cluster's settings. */
    public ClusterConfig config() {
        return config;
    }

    /** The cluster's meters. */
    public ClusterMetrics metrics() {
        return metrics;
    }

    /** All hosts, available or not. */
    public List<UpstreamHost> hosts() {
        return List.of(hosts);
    }

    /** Picks an available host, or null when none is; {@code hashKey} feeds consistent hashing. */
    public UpstreamHost select(CharSequence hashKey) {
        UpstreamHost[] a = available;
        return a.length == 0 ? null : balancer.choose(a, hashKey);
    }

    /**
     * Picks an available host carrying every one of {@code labels} in its metadata (a routing subset), or null when
     * none does; with null labels, any available host.
     */
    public UpstreamHost select(CharSequence hashKey, Map<String, String> labels) {
        if (labels == null) {
            return select(hashKey);
        }
        UpstreamHost[] base = available;
        Subset s = subsets.get(labels);
        if (s == null || s.base() != base) {
            s = new Subset(base, subset(base, labels));
            subsets.put(labels, s);
        }
        UpstreamHost[] a = s.hosts();
        return a.length == 0 ? null : balancer.choose(a, hashKey);
    }

    private static UpstreamHost[] subset(UpstreamHost[] hosts, Map<String, String> labels) {
        List<UpstreamHost> in = new ArrayList<>(hosts.length);
        for (UpstreamHost h : hosts) {
            if (h.endpoint().metadata().entrySet().containsAll(labels.entrySet())) {
                in.add(h);
            }
        }
        return in.toArray(NONE);
    }

    /** Whether one more retry fits the retry budget; if so it is counted until {@link #retryDone}. */
    public boolean tryRetry() {
        int inFlight = retriesInFlight.incrementAndGet();
        int budget = Math.max(
                config.retry().minRetries(),
                metrics.rqActive.get() * config.retry().budgetPercent() / 100);
        if (inFlight > budget) {
            retriesInFlight.decrementAndGet();
            metrics.retryOverflow.increment();
            return false;
        }
        metrics.retry.increment();
        return true;
    }

    /**
     * {@link #tryRetry()} with a retry rule's budget instead of the cluster's: retries in flight may reach {@code
     * budgetPercent} of the active requests, and beyond that a retry still starts when {@code floor} grants it (the
     * rule's minimum per second).
     */
    public boolean tryRetry(double budgetPercent, java.util.function.BooleanSupplier floor) {
        int inFlight = retriesInFlight.incrementAndGet();
        if (inFlight > metrics.rqActive.get() * budgetPercent / 100 && !floor.getAsBoolean()) {
            retriesInFlight.decrementAndGet();
            metrics.retryOverflow.increment();
            return false;
        }
        metrics.retry.increment();
        return true;
    }

    /** Ends a retry counted by {@link #tryRetry}. */
    public void retryDone() {
        retriesInFlight.decrementAndGet();
    }

    /** Records a success (any response below 500) from {@code host}. */
    public void success(UpstreamHost host) {
        host.recordSuccess();
    }

    /** The outlier detection a circuit-breaker rule sets for this cluster, or null for the cluster's own setting. */
    public RuleOutlier ruleOutlier() {
        return ruleOutlier;
    }

    /** Sets (or with null, clears) the outlier detection of a circuit-breaker rule; ejected hosts stay ejected. */
    void ruleOutlier(RuleOutlier outlier) {
        this.ruleOutlier = outlier;
    }

    /** Records a failure (connect failure, reset, timeout, 5xx) from {@code host}. */
    public void failure(UpstreamHost host) {
        int failures = host.recordFailure();
        RuleOutlier rule = ruleOutlier;
        int threshold =
                rule != null ? rule.consecutiveErrors() : config.outlier().consecutiveFailures();
        if (threshold > 0 && failures >= threshold && !host.ejected()) {
            eject(host);
        }
    }

    synchronized void setEndpoints(List<Endpoint> endpoints) {
        Map<Endpoint, UpstreamHost> old = new HashMap<>();
        for (UpstreamHost h : hosts) {
            old.put(h.endpoint(), h);
        }
        // Hosts that leave retire their load-report meters before new hosts take theirs: an endpoint that comes back
        // with new metadata (after a mode switch) takes its address's meter back into use.
        Set<Endpoint> staying = new HashSet<>(endpoints);
        old.forEach((e, h) -> {
            if (!staying.contains(e)) {
                metrics.retire(h.traffic());
            }
        });
        List<UpstreamHost> next = new ArrayList<>(endpoints.size());
        for (Endpoint e : endpoints) {
            UpstreamHost kept = old.get(e);
            next.add(kept != null ? kept : new UpstreamHost(e, metrics.endpoint(e.host() + ":" + e.port())));
        }
        hosts = next.toArray(NONE);
        recompute();
    }

    /** Retires the load-report meters of every host: the cluster is being removed or replaced. */
    synchronized void retireMeters() {
        for (UpstreamHost h : hosts) {
            metrics.retire(h.traffic());
        }
    }

    /** Applies a health-check result and republishes the available hosts if the verdict changed. */
    synchronized void checked(UpstreamHost host, boolean passed) {
        var hc = config.healthCheck();
        if (host.checked(passed, hc.healthyThreshold(), hc.unhealthyThreshold())) {
            log.info("cluster {}: host {} is now {}", name(), host, passed ? "healthy" : "unhealthy");
            recompute();
        }
    }

    private synchronized void eject(UpstreamHost host) {
        int ejected = 0;
        for (UpstreamHost h : hosts) {
            ejected += h.ejected() ? 1 : 0;
        }
        RuleOutlier rule = ruleOutlier;
        int maxPercent =
                rule != null ? rule.maxEjectionPercent() : config.outlier().maxEjectionPercent();
        if ((ejected + 1) * 100 > hosts.length * maxPercent || host.ejected()) {
            return;
        }
        long ejectionMillis = config.outlier().ejectionTime().toMillis();
        if (rule != null) {
            int count = host.countEjection(System.nanoTime(), rule.interval().toNanos());
            ejectionMillis = rule.baseEjection().toMillis() * Math.min(count, RuleOutlier.MAX_MULTIPLIER);
        }
        host.ejected(true);
        metrics.ejections.increment();
        log.warn("cluster {}: ejected host {} after consecutive failures for {} ms", name(), host, ejectionMillis);
        recompute();
        timers.schedule(() -> uneject(host), ejectionMillis, TimeUnit.MILLISECONDS);
    }

    private synchronized void uneject(UpstreamHost host) {
        host.ejected(false);
        host.returned(System.nanoTime());
        log.info("cluster {}: host {} returns from ejection", name(), host);
        recompute();
    }

    private synchronized void recompute() {
        List<UpstreamHost> up = new ArrayList<>(hosts.length);
        for (UpstreamHost h : hosts) {
            if (h.available()) {
                up.add(h);
            }
        }
        available = up.toArray(NONE);
    }
}
