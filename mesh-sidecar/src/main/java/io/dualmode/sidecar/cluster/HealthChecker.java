package io.dualmode.sidecar.cluster;

import io.dualmode.sidecar.config.HealthCheckConfig;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Runs the active health checks of every cluster that has one, each on its own interval. */
final class HealthChecker {
    private final ScheduledExecutorService timers;
    private final HealthProber prober;
    private final Map<Cluster, ScheduledFuture<?>> tasks = new ConcurrentHashMap<>();

    HealthChecker(ScheduledExecutorService timers, HealthProber prober) {
        this.timers = timers;
        this.prober = prober;
    }

    void watch(Cluster cluster) {
        HealthCheckConfig check = cluster.config().healthCheck();
        if (check.type() == HealthCheckConfig.Type.NONE) {
            return;
        }
        long interval = check.interval().toMillis();
        tasks.put(cluster, timers.scheduleWithFixedDelay(() -> round(cluster), 0, interval, TimeUnit.MILLISECONDS));
    }

    void unwatch(Cluster cluster) {
        ScheduledFuture<?> task = tasks.remove(cluster);
        if (task != null) {
            task.cancel(false);
        }
    }

    void close() {
        tasks.values().forEach(t -> t.cancel(false));
        tasks.clear();
    }

    private void round(Cluster cluster) {
        HealthCheckConfig check = cluster.config().healthCheck();
        for (UpstreamHost host : cluster.hosts()) {
            prober.probe(host, check).thenAccept(passed -> cluster.checked(host, passed));
        }
    }
}
