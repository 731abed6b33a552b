package io.dualmode.platform.migration;

import io.dualmode.governance.push.ModeDirective;
import io.dualmode.platform.metrics.NodeTraffic;
import io.dualmode.platform.metrics.TrafficMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Drives running plans, one step per tick on a thread of its own. A plan is driven by the platform instance holding
 * its lease in the database, so several instances may share one; the lease lapses when its holder dies and another
 * instance takes over where the stored plan says it was.
 *
 * <p>A batch is <em>switching</em> until every sidecar of the batch reports the target mode by the directive sent,
 * then <em>observing</em> for the plan's pause: the traffic since the batch switched is summed (towards mesh the
 * ingress of every instance moved so far, towards SDK the egress of the consumers' sidecars to the instances moved so
 * far, or to the whole service when the consumers' sidecars report no per-endpoint figures), and when
 * at least {@code minRequests} calls were seen and their error rate or p99 latency is above the threshold, the plan
 * pauses or rolls back. Rolling back sends each moved instance its original
 * mode and waits until each reports it.
 */
@Component
final class MigrationEngine implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(MigrationEngine.class);

    private final MigrationService service;
    private final MigrationRepository plans;
    private final InstanceModes modes;
    private final ObjectProvider<TrafficMetrics> metrics;
    private final Duration tick;
    private final Duration switchTimeout;
    private final Duration lease;
    private final String owner = UUID.randomUUID().toString();
    private final Clock clock = Clock.systemUTC();
    private volatile ScheduledExecutorService loop;

    MigrationEngine(
            MigrationService service,
            MigrationRepository plans,
            InstanceModes modes,
            ObjectProvider<TrafficMetrics> metrics,
            @Value("${dualmode.migrations.tick:500ms}") Duration tick,
            @Value("${dualmode.migrations.switch-timeout:30s}") Duration switchTimeout,
            @Value("${dualmode.migrations.lease:10s}") Duration lease) {
        this.service = service;
        this.plans = plans;
        this.modes = modes;
        this.metrics = metrics;
        this.tick = tick;
        this.switchTimeout = switchTimeout;
        this.lease = lease;
    }

    @Override
    public void start() {
        ScheduledExecutorService l = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "platform-migrations");
            t.setDaemon(true);
            return t;
        });
        l.scheduleWithFixedDelay(this::tickQuietly, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
        loop = l;
    }

    @Override
    public void stop() {
        ScheduledExecutorService l = loop;
        loop = null;
        if (l != null) {
            l.shutdownNow();
            try {
                l.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return loop != null;
    }

    private void tickQuietly() {
        try {
            for (MigrationRepository.Stored s : plans.active()) {
                String state = s.plan().state;
                if (!MigrationPlan.RUNNING.equals(state) && !MigrationPlan.ROLLING_BACK.equals(state)) {
                    continue;
                }
                long now = clock.millis();
                if (plans.lease(s.plan().id, owner, now, now + lease.toMillis())) {
                    step(s.plan().id);
                }
            }
        } catch (RuntimeException e) {
            log.warn("migrations: a step failed and will be retried: {}", e.toString());
        }
    }

    /** One step of plan {@code id}, read again under the service's lock so no operator action interleaves. */
    void step(String id) {
        synchronized (service.lock) {
            MigrationRepository.Stored s = plans.find(id).orElse(null);
            if (s == null) {
                return;
            }
            MigrationPlan plan = s.plan();
            String before = plan.state;
            long now = clock.millis();
            boolean changed =
                    switch (plan.state) {
                        case MigrationPlan.RUNNING -> run(plan, now);
                        case MigrationPlan.ROLLING_BACK -> rollBack(plan, now);
                        default -> false;
                    };
            if (changed) {
                plan.updatedAt = now;
                if (!plans.save(plan, s.rowVersion())) {
                    log.warn("migrations: plan {} changed under its step; the next tick reads it again", id);
                } else if (!before.equals(plan.state)) {
                    log.info("migrations: plan {} ({}) is now {}", id, plan.name, plan.state);
                }
            }
        }
    }

    private boolean run(MigrationPlan plan, long now) {
        if (plan.batches.isEmpty()) {
            plan.state = MigrationPlan.COMPLETED;
            plan.event(now, "completed: nothing to move");
            return true;
        }
        if (plan.currentBatch < 0) {
            begin(plan, 0, now);
            return true;
        }
        MigrationPlan.Batch batch = plan.batches.get(plan.currentBatch);
        if (MigrationPlan.Batch.SWITCHING.equals(batch.state)) {
            return switching(plan, batch, now);
        }
        if (MigrationPlan.Batch.OBSERVING.equals(batch.state)) {
            return observing(plan, batch, now);
        }
        return false;
    }

    private void begin(MigrationPlan plan, int index, long now) {
        MigrationPlan.Batch batch = plan.batches.get(index);
        plan.currentBatch = index;
        plan.phaseSince = now;
        batch.state = MigrationPlan.Batch.SWITCHING;
        batch.startedAt = now;
        String why = "migration " + plan.id + " (" + plan.name + ") batch " + (index + 1);
        for (MigrationPlan.Instance i : batch.instances) {
            ModeDirective d = modes.set(i.nodeId, plan.targetMode, "migration:" + plan.id, why);
            i.directiveVersion = d.version();
            i.state = MigrationPlan.Instance.SWITCHING;
        }
        plan.event(
                now,
                "batch " + (index + 1) + " of " + plan.batches.size() + ": switching " + addresses(batch.instances)
                        + " to " + plan.targetMode);
    }

    private boolean switching(MigrationPlan plan, MigrationPlan.Batch batch, long now) {
        boolean changed = false;
        for (MigrationPlan.Instance i : batch.instances) {
            if (!MigrationPlan.Instance.SWITCHING.equals(i.state)) {
                continue;
            }
            if (modes.applied(i.nodeId, plan.targetMode, i.directiveVersion)) {
                i.state = MigrationPlan.Instance.SWITCHED;
                changed = true;
            } else {
                String failure = modes.failure(i.nodeId);
                if (failure != null) {
                    i.state = MigrationPlan.Instance.FAILED;
                    breach(plan, now, "instance " + i.address + " could not switch: " + failure);
                    return true;
                }
            }
        }
        if (batch.instances.stream().allMatch(i -> MigrationPlan.Instance.SWITCHED.equals(i.state))) {
            batch.state = MigrationPlan.Batch.OBSERVING;
            plan.phaseSince = now;
            plan.event(
                    now,
                    "batch " + (batch.index + 1) + " switched: " + addresses(batch.instances) + "; watching for "
                            + plan.pauseSeconds + " s");
            return true;
        }
        if (now - plan.phaseSince > switchTimeout.toMillis()) {
            List<MigrationPlan.Instance> late = batch.instances.stream()
                    .filter(i -> !MigrationPlan.Instance.SWITCHED.equals(i.state))
                    .toList();
            late.forEach(i -> i.state = MigrationPlan.Instance.FAILED);
            breach(
                    plan,
                    now,
                    addresses(late) + " did not report " + plan.targetMode + " mode within " + switchTimeout.toSeconds()
                            + " s");
            return true;
        }
        return changed;
    }

    private boolean observing(MigrationPlan plan, MigrationPlan.Batch batch, long now) {
        String problem = judge(plan, now);
        if (problem != null) {
            breach(plan, now, problem);
            return true;
        }
        if (now - plan.phaseSince < plan.pauseSeconds * 1000L) {
            return false;
        }
        batch.state = MigrationPlan.Batch.DONE;
        batch.finishedAt = now;
        if (batch.index + 1 < plan.batches.size()) {
            plan.event(now, "batch " + (batch.index + 1) + " done");
            begin(plan, batch.index + 1, now);
        } else {
            plan.state = MigrationPlan.COMPLETED;
            plan.reason = null;
            plan.event(
                    now,
                    "completed: " + plan.instances().size() + " instances of " + plan.service + " now run in "
                            + plan.targetMode + " mode");
        }
        return true;
    }

    /**
     * Why the traffic of the moved instances breaks a threshold, or null when it does not (or cannot be seen). Towards
     * mesh: the ingress of the moved instances' own sidecars. Towards SDK the moved instances' sidecars no longer see
     * their calls, so the egress the mesh-mode consumers' sidecars report towards the moved instances' endpoints (every
     * address their sidecars report for them, SDK and mesh) is judged; when no consumer reported per-endpoint figures
     * for them (sidecars that predate them), the egress to the whole service, moved instances or not.
     */
    private String judge(MigrationPlan plan, long now) {
        TrafficMetrics m = metrics.getIfAvailable();
        if (m == null) {
            return null;
        }
        Duration window = Duration.ofMillis(Math.max(1000, now - plan.phaseSince));
        boolean toMesh = "mesh".equals(plan.targetMode);
        long requests = 0;
        long errors = 0;
        double p99 = 0;
        boolean perEndpoint = false;
        if (toMesh) {
            for (MigrationPlan.Instance i : plan.instances()) {
                if (MigrationPlan.Instance.SWITCHED.equals(i.state)) {
                    NodeTraffic t = m.ingress(i.nodeId, window);
                    requests += t.requests();
                    errors += t.errors();
                    if (t.requests() > 0) {
                        p99 = Math.max(p99, t.p99Millis());
                    }
                }
            }
        } else {
            Set<String> endpoints = new LinkedHashSet<>();
            for (MigrationPlan.Instance i : plan.instances()) {
                if (MigrationPlan.Instance.SWITCHED.equals(i.state)) {
                    endpoints.add(i.address);
                    endpoints.addAll(modes.addresses(i.nodeId));
                }
            }
            NodeTraffic t = m.egressTo(plan.service, endpoints, window);
            perEndpoint = t.requests() > 0;
            if (!perEndpoint) {
                t = m.egressTo(plan.service, window);
            }
            requests = t.requests();
            errors = t.errors();
            p99 = t.p99Millis();
        }
        MigrationPlan.Thresholds th = plan.thresholds;
        if (requests == 0 || requests < (th.minRequests() == null ? 0 : th.minRequests())) {
            return null;
        }
        String seen = toMesh
                ? "calls to the moved instances"
                : perEndpoint
                        ? "calls to the moved instances of " + plan.service + " through the consumers' sidecars"
                        : "calls to " + plan.service + " through the consumers' sidecars";
        double rate = (double) errors / requests;
        if (th.maxErrorRate() != null && rate > th.maxErrorRate()) {
            return String.format(
                    "error rate %.1f%% (%d of %d %s in the last %d s) is above the threshold %.1f%%",
                    rate * 100, errors, requests, seen, window.toSeconds(), th.maxErrorRate() * 100);
        }
        if (th.maxP99Millis() != null && p99 > th.maxP99Millis()) {
            return String.format(
                    "p99 latency %.0f ms of the %s in the last %d s is above the threshold %.0f ms",
                    p99, seen, window.toSeconds(), th.maxP99Millis());
        }
        return null;
    }

    private void breach(MigrationPlan plan, long now, String problem) {
        plan.phaseSince = now;
        if ("pause".equals(plan.onBreach)) {
            plan.state = MigrationPlan.PAUSED;
            plan.reason = "paused automatically: " + problem;
        } else {
            plan.state = MigrationPlan.ROLLING_BACK;
            plan.reason = "rolled back automatically: " + problem;
        }
        plan.event(now, plan.reason);
    }

    private boolean rollBack(MigrationPlan plan, long now) {
        boolean changed = false;
        for (MigrationPlan.Instance i : plan.instances()) {
            boolean moved = MigrationPlan.Instance.SWITCHING.equals(i.state)
                    || MigrationPlan.Instance.SWITCHED.equals(i.state)
                    || MigrationPlan.Instance.FAILED.equals(i.state);
            if (moved) {
                ModeDirective d = modes.set(i.nodeId, i.fromMode, "migration:" + plan.id, "roll back " + plan.name);
                i.directiveVersion = d.version();
                i.state = MigrationPlan.Instance.ROLLING_BACK;
                changed = true;
            } else if (MigrationPlan.Instance.ROLLING_BACK.equals(i.state)
                    && modes.applied(i.nodeId, i.fromMode, i.directiveVersion)) {
                i.state = MigrationPlan.Instance.ROLLED_BACK;
                changed = true;
            }
        }
        for (MigrationPlan.Batch b : plan.batches) {
            boolean touched = b.instances.stream().anyMatch(i -> MigrationPlan.Instance.ROLLED_BACK.equals(i.state));
            boolean settled = b.instances.stream()
                    .allMatch(i -> MigrationPlan.Instance.ROLLED_BACK.equals(i.state)
                            || MigrationPlan.Instance.PENDING.equals(i.state));
            if (touched && settled && !MigrationPlan.Batch.ROLLED_BACK.equals(b.state)) {
                b.state = MigrationPlan.Batch.ROLLED_BACK;
                b.finishedAt = now;
                changed = true;
            }
        }
        List<MigrationPlan.Instance> waiting = plan.instances().stream()
                .filter(i -> MigrationPlan.Instance.ROLLING_BACK.equals(i.state))
                .toList();
        if (waiting.isEmpty()) {
            long back = plan.instances().stream()
                    .filter(i -> MigrationPlan.Instance.ROLLED_BACK.equals(i.state))
                    .count();
            plan.state = MigrationPlan.ROLLED_BACK;
            plan.event(now, "rolled back: " + back + " instances returned to their original mode");
            return true;
        }
        if (now - plan.phaseSince > 2 * switchTimeout.toMillis()) {
            plan.state = MigrationPlan.FAILED;
            plan.reason = addresses(waiting) + " did not return to their original mode within "
                    + 2 * switchTimeout.toSeconds() + " s; check their sidecars and switch them by hand";
            plan.event(now, plan.reason);
            return true;
        }
        return changed;
    }

    private static String addresses(List<MigrationPlan.Instance> instances) {
        return instances.stream().map(i -> i.address).collect(Collectors.joining(", "));
    }
}
