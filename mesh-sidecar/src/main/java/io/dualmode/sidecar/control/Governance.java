package io.dualmode.sidecar.control;

import io.dualmode.governance.push.ErrorDetail;
import io.dualmode.governance.push.Resource;
import io.dualmode.governance.push.ResourceKey;
import io.dualmode.governance.rule.CircuitBreakerRule;
import io.dualmode.governance.rule.RuleKind;
import io.dualmode.sidecar.cluster.RuleOutlier;
import io.dualmode.sidecar.config.GovernanceConfig;
import io.dualmode.sidecar.internal.governance.GovernanceSnapshot;
import io.dualmode.sidecar.internal.governance.PolicyCompiler;
import io.dualmode.sidecar.internal.governance.SentinelRules;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The governance rules a sidecar enforces: one immutable snapshot behind one atomic reference, read once per
 * request and replaced whole when a change is applied. A change is applied completely or not at all. Changes are
 * made off the event loops (they load Sentinel rules).
 */
public final class Governance {

    private static final Logger log = LoggerFactory.getLogger(Governance.class);
    private static final AtomicInteger OWNERS = new AtomicInteger();

    private final AtomicReference<GovernanceSnapshot> current = new AtomicReference<>(GovernanceSnapshot.EMPTY);
    private final String owner = "sidecar-" + OWNERS.incrementAndGet();
    private final PolicyCompiler compiler;
    private volatile Consumer<Map<String, RuleOutlier>> outlierListener = m -> {};
    private final ToIntFunction<String> instances;

    /** Rules enforced with these filter switches. */
    public Governance(GovernanceConfig switches) {
        this(switches, service -> -1);
    }

    /**
     * Rules enforced with these filter switches; a cluster-scope rate limit of a service is divided by its {@code
     * instances} (healthy instances this sidecar knows; below 1 when unknown).
     */
    public Governance(GovernanceConfig switches, ToIntFunction<String> instances) {
        this.instances = instances;
        this.compiler = new PolicyCompiler(owner, switches, instances);
    }

    /**
     * Recompiles the rules in force when the number of instances a cluster-scope rate limit was divided by has
     * changed; cheap otherwise. Called on a timer, off the event loops, never per request.
     */
    public synchronized void refreshShares() {
        GovernanceSnapshot now = current.get();
        for (Map.Entry<String, Integer> e : now.clusterInstances().entrySet()) {
            int n = instances.applyAsInt(e.getKey());
            if ((n > 0 ? n : -1) != e.getValue()) {
                log.info(
                        "service {}: {} instance(s) known (was {}), its cluster-scope rate limits are re-divided",
                        e.getKey(),
                        n > 0 ? n : "no",
                        e.getValue() > 0 ? e.getValue() : "none");
                ErrorDetail error = install(new HashMap<>(now.byKey()));
                if (error != null) {
                    log.warn("re-dividing the cluster-scope rate limits failed: {}", error.message());
                }
                return;
            }
        }
    }

    /**
     * Hands {@code listener} the outlier detection of every service whose circuit-breaker rule sets one, now and after
     * every change applied (the sidecar feeds it to its clusters).
     */
    public synchronized void onOutliers(Consumer<Map<String, RuleOutlier>> listener) {
        outlierListener = listener;
        listener.accept(outliers(current.get()));
    }

    /** The snapshot in force, for the request path. */
    public GovernanceSnapshot snapshot() {
        return current.get();
    }

    /** The digest of the rules in force. */
    public String digest() {
        return current.get().digest();
    }

    /** The version of each rule in force. */
    public Map<ResourceKey, Long> versions() {
        return current.get().versions();
    }

    /**
     * Applies a change on top of the rules in force: {@code resources} added or replaced, {@code removed} dropped.
     * Returns null when applied, or why nothing was applied.
     */
    public synchronized ErrorDetail apply(List<Resource> resources, List<ResourceKey> removed) {
        Map<ResourceKey, Resource> next = new HashMap<>(current.get().byKey());
        removed.forEach(next::remove);
        resources.forEach(r -> next.put(r.key(), r));
        return install(next);
    }

    /** Replaces every rule with {@code resources} (a restore from disk). Returns null when applied. */
    public synchronized ErrorDetail replaceAll(List<Resource> resources) {
        Map<ResourceKey, Resource> next = new HashMap<>();
        resources.forEach(r -> next.put(r.key(), r));
        return install(next);
    }

    private ErrorDetail install(Map<ResourceKey, Resource> next) {
        PolicyCompiler.Outcome outcome;
        try {
            outcome = compiler.compile(next);
        } catch (RuntimeException e) {
            // a valid rule the compiler cannot handle is a bug; NACK it rather than lose the stream
            return new ErrorDetail(
                    io.dualmode.sidecar.config.SidecarErrors.RULE_UNSUPPORTED.code(),
                    "the sidecar failed to compile the rules: " + e,
                    List.of());
        }
        if (outcome.error() != null) {
            return outcome.error();
        }
        current.set(outcome.snapshot());
        outlierListener.accept(outliers(outcome.snapshot()));
        return null;
    }

    private static Map<String, RuleOutlier> outliers(GovernanceSnapshot snapshot) {
        Map<String, RuleOutlier> out = new HashMap<>();
        snapshot.byKey().forEach((key, resource) -> {
            if (key.kind() == RuleKind.CIRCUIT_BREAKER) {
                PolicyCompiler.validator()
                        .validate(RuleKind.CIRCUIT_BREAKER, resource.body())
                        .rule()
                        .map(CircuitBreakerRule.class::cast)
                        .map(CircuitBreakerRule::outlierDetection)
                        .ifPresent(d -> out.put(key.service(), RuleOutlier.of(d)));
            }
        });
        return out;
    }

    /** Drops this sidecar's Sentinel rules. */
    void close() {
        SentinelRules.remove(owner);
    }
}
