package io.dualmode.platform.migration;

import io.dualmode.platform.audit.AuditLog;
import io.dualmode.platform.push.PushHub;
import io.dualmode.platform.push.SidecarStatus;
import io.dualmode.platform.web.ApiException;
import io.dualmode.platform.web.ErrorBody.FieldError;
import io.dualmode.platform.web.PlatformError;
import io.dualmode.registry.RegistryServer;
import io.dualmode.registry.naming.Instance;
import io.dualmode.registry.naming.ServiceKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Creates plans (validated, instances resolved into batches up front) and applies operator actions. Every change of
 * a plan, the engine's included, runs under {@link #lock} and against the row version read, so an operator's pause
 * and the engine's next step never both win. All methods block.
 */
@Component
final class MigrationService {

    static final String FIELD_ERROR = PlatformError.INVALID_MIGRATION.code();
    private static final int MAX_PLANS_LISTED = 500;

    /** Serialises changes of plans within this platform instance. */
    final Object lock = new Object();

    private final MigrationRepository plans;
    private final TransactionTemplate transactions;
    private final AuditLog audit;
    private final PushHub push;
    private final ObjectProvider<RegistryServer> registry;
    private final Clock clock = Clock.systemUTC();

    MigrationService(
            MigrationRepository plans,
            TransactionTemplate transactions,
            AuditLog audit,
            PushHub push,
            ObjectProvider<RegistryServer> registry) {
        this.plans = plans;
        this.transactions = transactions;
        this.audit = audit;
        this.push = push;
        this.registry = registry;
    }

    List<MigrationPlan> list() {
        return plans.list(MAX_PLANS_LISTED);
    }

    MigrationPlan get(String id) {
        return stored(id).plan();
    }

    /** The plan holding {@code nodeId}'s instance while it is active, or null. */
    MigrationPlan holding(String nodeId) {
        return plans.active().stream()
                .map(MigrationRepository.Stored::plan)
                .filter(p -> p.instances().stream().anyMatch(i -> nodeId.equals(i.nodeId)))
                .findFirst()
                .orElse(null);
    }

    MigrationPlan create(PlanRequest request, String actor) {
        List<FieldError> errors = new ArrayList<>();
        MigrationPlan plan = validate(request, errors);
        List<Candidate> chosen = errors.isEmpty() ? choose(plan, request.selector(), errors) : List.of();
        if (!errors.isEmpty()) {
            throw new ApiException(
                    PlatformError.INVALID_MIGRATION,
                    "the migration plan is invalid: " + errors.size() + (errors.size() == 1 ? " problem" : " problems"),
                    errors);
        }
        synchronized (lock) {
            Set<String> held = new HashSet<>();
            plans.active().forEach(s -> s.plan().instances().forEach(i -> held.add(i.nodeId)));
            for (Candidate c : chosen) {
                if (held.contains(c.nodeId())) {
                    throw new ApiException(
                            PlatformError.INSTANCE_IN_MIGRATION,
                            "instance " + c.address() + " (sidecar " + c.nodeId() + ") is already in a migration plan"
                                    + " that has not finished; finish or roll back that plan first");
                }
            }
            long now = clock.millis();
            plan.id = UUID.randomUUID().toString();
            plan.createdBy = actor;
            plan.createdAt = now;
            plan.updatedAt = now;
            plan.state = request.start() == null || request.start() ? MigrationPlan.RUNNING : MigrationPlan.PENDING;
            for (int i = 0; i < chosen.size(); i += plan.batchSize) {
                MigrationPlan.Batch b = new MigrationPlan.Batch();
                b.index = plan.batches.size();
                for (Candidate c : chosen.subList(i, Math.min(chosen.size(), i + plan.batchSize))) {
                    MigrationPlan.Instance inst = new MigrationPlan.Instance();
                    inst.address = c.address();
                    inst.nodeId = c.nodeId();
                    inst.fromMode = c.mode();
                    b.instances.add(inst);
                }
                plan.batches.add(b);
            }
            plan.event(
                    now,
                    "created by " + actor + ": " + chosen.size() + " instances of " + plan.service + " to "
                            + plan.targetMode + " in " + plan.batches.size() + " batches");
            if (MigrationPlan.RUNNING.equals(plan.state)) {
                plan.event(now, "started by " + actor);
            }
            transactions.executeWithoutResult(s -> {
                plans.insert(plan);
                audit.record(actor, "migration.create", "migration/" + plan.id, null, null, plan.name);
            });
            return plan;
        }
    }

    /** {@code start}, {@code pause}, {@code resume} or {@code rollback}, by {@code actor}. */
    MigrationPlan act(String id, String action, String actor) {
        synchronized (lock) {
            MigrationRepository.Stored s = stored(id);
            MigrationPlan plan = s.plan();
            long now = clock.millis();
            switch (action) {
                case "start" ->
                    transition(plan, List.of(MigrationPlan.PENDING), action, p -> {
                        p.state = MigrationPlan.RUNNING;
                        p.event(now, "started by " + actor);
                    });
                case "pause" ->
                    transition(plan, List.of(MigrationPlan.RUNNING), action, p -> {
                        p.state = MigrationPlan.PAUSED;
                        p.reason = "paused by " + actor;
                        p.event(now, p.reason);
                    });
                case "resume" ->
                    transition(plan, List.of(MigrationPlan.PAUSED), action, p -> {
                        p.state = MigrationPlan.RUNNING;
                        p.reason = null;
                        p.phaseSince = now;
                        p.event(now, "resumed by " + actor);
                    });
                case "rollback" ->
                    transition(
                            plan,
                            List.of(
                                    MigrationPlan.PENDING,
                                    MigrationPlan.RUNNING,
                                    MigrationPlan.PAUSED,
                                    MigrationPlan.COMPLETED),
                            action,
                            p -> {
                                p.state = MigrationPlan.ROLLING_BACK;
                                p.reason = "rolled back by " + actor;
                                p.phaseSince = now;
                                p.event(now, p.reason);
                            });
                default ->
                    throw new ApiException(
                            PlatformError.NOT_FOUND,
                            "unknown action " + action + "; use start, pause, resume or rollback");
            }
            plan.updatedAt = now;
            boolean saved = Boolean.TRUE.equals(transactions.execute(t -> {
                if (!plans.save(plan, s.rowVersion())) {
                    return false;
                }
                audit.record(actor, "migration." + action, "migration/" + id, null, null, plan.name);
                return true;
            }));
            if (!saved) {
                throw new ApiException(
                        PlatformError.VERSION_CONFLICT,
                        "the plan changed while your " + action + " was applied (another platform instance moved it);"
                                + " read it again and retry");
            }
            return plan;
        }
    }

    private static void transition(
            MigrationPlan plan, List<String> from, String action, Consumer<MigrationPlan> change) {
        if (!from.contains(plan.state)) {
            throw new ApiException(
                    PlatformError.MIGRATION_STATE,
                    "cannot " + action + " a plan that is " + plan.state.replace('_', ' ') + "; " + action
                            + " applies to plans that are "
                            + String.join(" or ", from).replace('_', ' '));
        }
        change.accept(plan);
    }

    private MigrationRepository.Stored stored(String id) {
        return plans.find(id)
                .orElseThrow(() -> new ApiException(PlatformError.MIGRATION_NOT_FOUND, "no migration plan " + id));
    }

    private MigrationPlan validate(PlanRequest r, List<FieldError> errors) {
        MigrationPlan plan = new MigrationPlan();
        if (r.service() == null || r.service().isBlank()) {
            errors.add(field("$.service", "name the registry service whose instances move"));
        }
        if (!"mesh".equals(r.targetMode()) && !"sdk".equals(r.targetMode())) {
            errors.add(field("$.targetMode", "targetMode must be mesh or sdk, got " + r.targetMode()));
        }
        MigrationPlan.Selector sel = r.selector();
        int kinds = sel == null
                ? 0
                : (sel.instances() != null ? 1 : 0)
                        + (sel.labels() != null ? 1 : 0)
                        + (sel.percentage() != null ? 1 : 0);
        if (kinds != 1) {
            errors.add(field(
                    "$.selector",
                    "give exactly one of selector.instances, selector.labels or selector.percentage (got " + kinds
                            + ")"));
        } else if (sel.instances() != null && sel.instances().isEmpty()) {
            errors.add(field("$.selector.instances", "list at least one instance address (ip:port)"));
        } else if (sel.labels() != null && sel.labels().isEmpty()) {
            errors.add(field("$.selector.labels", "give at least one label, e.g. {\"zone\": \"a\"}"));
        } else if (sel.percentage() != null && (sel.percentage() < 1 || sel.percentage() > 100)) {
            errors.add(field("$.selector.percentage", "percentage must be 1 to 100, got " + sel.percentage()));
        }
        int batchSize = r.batchSize() == null ? 1 : r.batchSize();
        if (batchSize < 1 || batchSize > 1000) {
            errors.add(field("$.batchSize", "batchSize must be 1 to 1000, got " + batchSize));
        }
        int pause = r.pauseSeconds() == null ? 30 : r.pauseSeconds();
        if (pause < 0 || pause > 3600) {
            errors.add(field("$.pauseSeconds", "pauseSeconds must be 0 to 3600, got " + pause));
        }
        MigrationPlan.Thresholds t = r.thresholds() == null
                ? new MigrationPlan.Thresholds(0.05, null, 10)
                : new MigrationPlan.Thresholds(
                        r.thresholds().maxErrorRate(),
                        r.thresholds().maxP99Millis(),
                        r.thresholds().minRequests() == null
                                ? 10
                                : r.thresholds().minRequests());
        if (t.maxErrorRate() != null && (t.maxErrorRate() < 0 || t.maxErrorRate() > 1)) {
            errors.add(field(
                    "$.thresholds.maxErrorRate",
                    "maxErrorRate is a fraction from 0 to 1 (0.05 = 5%), got " + t.maxErrorRate()));
        }
        if (t.maxP99Millis() != null && t.maxP99Millis() <= 0) {
            errors.add(field("$.thresholds.maxP99Millis", "maxP99Millis must be above 0, got " + t.maxP99Millis()));
        }
        if (t.minRequests() < 0) {
            errors.add(field("$.thresholds.minRequests", "minRequests must be 0 or more, got " + t.minRequests()));
        }
        String onBreach = r.onBreach() == null ? "rollback" : r.onBreach();
        if (!"rollback".equals(onBreach) && !"pause".equals(onBreach)) {
            errors.add(field("$.onBreach", "onBreach must be rollback or pause, got " + onBreach));
        }
        if (r.name() != null && r.name().length() > 200) {
            errors.add(field("$.name", "name must be at most 200 characters"));
        }
        plan.service = r.service();
        plan.namespace = r.namespace() == null ? ServiceKey.DEFAULT_NAMESPACE : r.namespace();
        plan.group = r.group() == null ? ServiceKey.DEFAULT_GROUP : r.group();
        plan.targetMode = r.targetMode();
        plan.name = r.name() == null || r.name().isBlank() ? r.service() + " to " + r.targetMode() : r.name();
        plan.selector = sel;
        plan.batchSize = batchSize;
        plan.pauseSeconds = pause;
        plan.thresholds = t;
        plan.onBreach = onBreach;
        return plan;
    }

    private record Candidate(String address, String nodeId, String mode, Map<String, String> labels) {}

    /** The instances the selector picks, in address order; field errors when it picks none or names bad ones. */
    private List<Candidate> choose(MigrationPlan plan, MigrationPlan.Selector sel, List<FieldError> errors) {
        RegistryServer server = registry.getIfAvailable();
        if (server == null) {
            throw new ApiException(
                    PlatformError.REGISTRY_DISABLED, "the embedded registry is disabled; plans need its inventory");
        }
        ServiceKey key = new ServiceKey(plan.namespace, plan.group, plan.service);
        List<Instance> registered = server.naming().instances(key);
        if (registered.isEmpty()) {
            errors.add(field(
                    "$.service",
                    "service " + plan.service + " (namespace " + plan.namespace + ", group " + plan.group
                            + ") has no registered instances"));
            return List.of();
        }
        Map<String, SidecarStatus> sidecars = push.byInstance();
        Map<String, Instance> byAddress = new LinkedHashMap<>();
        registered.stream()
                .sorted(Comparator.comparing(Instance::ip).thenComparingInt(Instance::port))
                .forEach(i -> byAddress.put(i.ip() + ":" + i.port(), i));
        List<Candidate> out = new ArrayList<>();
        Set<String> nodes = new HashSet<>();
        if (sel.instances() != null) {
            for (int n = 0; n < sel.instances().size(); n++) {
                String address = sel.instances().get(n);
                String path = "$.selector.instances[" + n + "]";
                Instance i = byAddress.get(address);
                SidecarStatus s = sidecars.get(address);
                if (i == null) {
                    errors.add(field(path, address + " is not a registered instance of " + plan.service));
                } else if (s == null) {
                    errors.add(field(
                            path,
                            address + " has no sidecar connected to the control plane; only instances with a"
                                    + " sidecar can switch modes"));
                } else if (plan.targetMode.equals(s.mode())) {
                    errors.add(field(path, address + " already runs in " + plan.targetMode + " mode"));
                } else if (nodes.add(s.nodeId())) {
                    out.add(new Candidate(address, s.nodeId(), s.mode(), i.metadata()));
                }
            }
            return out;
        }
        for (Map.Entry<String, Instance> e : byAddress.entrySet()) {
            SidecarStatus s = sidecars.get(e.getKey());
            if (s == null || plan.targetMode.equals(s.mode()) || !nodes.add(s.nodeId())) {
                continue;
            }
            Map<String, String> labels = e.getValue().metadata();
            if (sel.labels() != null
                    && !sel.labels().entrySet().stream()
                            .allMatch(l -> l.getValue().equals(labels.get(l.getKey())))) {
                nodes.remove(s.nodeId());
                continue;
            }
            out.add(new Candidate(e.getKey(), s.nodeId(), s.mode(), labels));
        }
        if (sel.percentage() != null && !out.isEmpty()) {
            int count = (int) Math.ceil(out.size() * sel.percentage() / 100.0);
            out = new ArrayList<>(out.subList(0, count));
        }
        if (out.isEmpty()) {
            errors.add(field(
                    sel.labels() != null ? "$.selector.labels" : "$.selector.percentage",
                    "no instance of " + plan.service + (sel.labels() != null ? " with labels " + sel.labels() : "")
                            + " has a connected sidecar and runs in a mode other than " + plan.targetMode));
        }
        return out;
    }

    private static FieldError field(String path, String message) {
        return new FieldError(FIELD_ERROR, path, message);
    }
}
