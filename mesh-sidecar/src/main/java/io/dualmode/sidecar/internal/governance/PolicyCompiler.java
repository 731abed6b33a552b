package io.dualmode.sidecar.internal.governance;

import com.alibaba.csp.sentinel.slots.block.RuleConstant;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeRule;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRule;
import io.dualmode.governance.push.ErrorDetail;
import io.dualmode.governance.push.Resource;
import io.dualmode.governance.push.ResourceKey;
import io.dualmode.governance.rule.AccessAction;
import io.dualmode.governance.rule.AccessControlRule;
import io.dualmode.governance.rule.AdaptiveLimit;
import io.dualmode.governance.rule.BreakerStrategy;
import io.dualmode.governance.rule.CircuitBreaker;
import io.dualmode.governance.rule.CircuitBreakerRule;
import io.dualmode.governance.rule.FaultInjectionRule;
import io.dualmode.governance.rule.GovernanceRule;
import io.dualmode.governance.rule.LimitScope;
import io.dualmode.governance.rule.RateLimit;
import io.dualmode.governance.rule.RateLimitRule;
import io.dualmode.governance.rule.RetryCondition;
import io.dualmode.governance.rule.RoutingRule;
import io.dualmode.governance.rule.TimeoutRetryRule;
import io.dualmode.governance.validation.RuleValidator;
import io.dualmode.governance.validation.ValidationResult;
import io.dualmode.governance.validation.Violation;
import io.dualmode.sidecar.config.GovernanceConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;

/**
 * Turns pushed resources into a {@link GovernanceSnapshot}: validates every rule with the shared {@link
 * RuleValidator}, refuses what this sidecar cannot enforce (with {@code SIDECAR-0043}; routes with
 * {@code delegateTo} and {@code mirror} are enforced), compiles the rest and loads
 * the Sentinel rules. All or nothing: one bad resource rejects the whole set and nothing changes.
 */
public final class PolicyCompiler {

    /**
     * The shared {@link RuleValidator}, created when the first rules arrive: it parses rules with Jackson, whose
     * classes a sidecar without a control plane then never loads.
     */
    public static RuleValidator validator() {
        return SharedValidator.INSTANCE;
    }

    private static final class SharedValidator {
        static final RuleValidator INSTANCE = new RuleValidator();
    }

    private final String owner;
    private final GovernanceConfig switches;
    private final ToIntFunction<String> instances;
    private final Map<String, AdaptiveLimiter.Counters> adaptiveCounters = new ConcurrentHashMap<>();

    /** A compiler whose Sentinel resources are prefixed with {@code owner} (unique per sidecar in the JVM). */
    public PolicyCompiler(String owner, GovernanceConfig switches) {
        this(owner, switches, service -> -1);
    }

    /**
     * A compiler that divides a cluster-scope rate limit of a service by {@code instances} of it (the healthy
     * instances this sidecar knows, or a value below 1 when it knows none: the whole limit then applies here).
     */
    public PolicyCompiler(String owner, GovernanceConfig switches, ToIntFunction<String> instances) {
        this.owner = owner;
        this.switches = switches;
        this.instances = instances;
    }

    /** The outcome: a snapshot, or why the resources were refused. */
    public record Outcome(GovernanceSnapshot snapshot, ErrorDetail error) {}

    /** Compiles {@code resources}, the whole set to run; on success the Sentinel rules are loaded. */
    public Outcome compile(Map<ResourceKey, Resource> resources) {
        Map<ResourceKey, GovernanceRule> rules = new TreeMap<>();
        List<ErrorDetail.ResourceProblem> problems = new ArrayList<>();
        for (Resource r : resources.values()) {
            ValidationResult result = validator().validate(r.key().kind(), r.body());
            List<Violation> violations = new ArrayList<>(result.violations());
            result.rule().ifPresent(rule -> violations.addAll(unsupported(r.key(), rule)));
            if (violations.isEmpty()) {
                rules.put(r.key(), result.rule().orElseThrow());
            } else {
                problems.add(new ErrorDetail.ResourceProblem(r.key(), r.version(), violations));
            }
        }
        if (problems.isEmpty()) {
            problems.addAll(routingLoops(resources, rules));
        }
        if (!problems.isEmpty()) {
            String code = problems.get(0).violations().get(0).code();
            return new Outcome(
                    null,
                    new ErrorDetail(
                            code,
                            problems.size() + " resource(s) cannot be applied; the sidecar keeps its last good"
                                    + " configuration: " + describe(problems),
                            problems));
        }
        List<FlowRule> flows = new ArrayList<>();
        List<DegradeRule> degrades = new ArrayList<>();
        Map<String, Builder> byService = new HashMap<>();
        Map<String, RoutingPolicy> routings = new HashMap<>();
        rules.forEach((key, rule) ->
                byService.computeIfAbsent(key.service(), Builder::new).add(rule, flows, degrades, routings));
        Map<String, ServicePolicy> policies = new HashMap<>();
        Map<String, Integer> shares = new HashMap<>();
        byService.forEach((service, b) -> {
            policies.put(service, b.build(switches));
            if (b.clusterInstances != 0) {
                shares.put(service, b.clusterInstances);
            }
        });
        adaptiveCounters.keySet().retainAll(byService.keySet());
        SentinelRules.load(owner, flows, degrades);
        return new Outcome(new GovernanceSnapshot(resources, policies, shares), null);
    }

    /**
     * Delegation loops among the routing rules of the set ({@code GOV-0011}), which the platform refuses too: a set
     * with one is refused whole rather than cut at run time.
     */
    private static List<ErrorDetail.ResourceProblem> routingLoops(
            Map<ResourceKey, Resource> resources, Map<ResourceKey, GovernanceRule> rules) {
        Map<String, RoutingRule> routing = new HashMap<>();
        rules.forEach((key, rule) -> {
            if (rule instanceof RoutingRule r) {
                routing.put(key.service(), r);
            }
        });
        List<ErrorDetail.ResourceProblem> out = new ArrayList<>();
        rules.forEach((key, rule) -> {
            if (rule instanceof RoutingRule) {
                List<Violation> loop = RuleValidator.checkRoutingLoops(key.service(), routing);
                if (!loop.isEmpty()) {
                    out.add(new ErrorDetail.ResourceProblem(
                            key, resources.get(key).version(), loop));
                }
            }
        });
        return out;
    }

    /** The list, or an empty one for an absent field. */
    static <T> List<T> nn(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static String describe(List<ErrorDetail.ResourceProblem> problems) {
        StringBuilder sb = new StringBuilder();
        for (ErrorDetail.ResourceProblem p : problems) {
            Violation v = p.violations().get(0);
            sb.append(sb.isEmpty() ? "" : "; ")
                    .append(p.key().name())
                    .append('@')
                    .append(p.version())
                    .append(' ')
                    .append(v.code())
                    .append(' ')
                    .append(v.path())
                    .append(' ')
                    .append(v.message());
        }
        return sb.toString();
    }

    /**
     * What of a valid rule this sidecar cannot enforce, as {@code SIDECAR-0043} violations. Every field of every rule
     * kind of the governance model is enforced today; a field added to the model without enforcement belongs here.
     */
    private static List<Violation> unsupported(ResourceKey key, GovernanceRule rule) {
        return List.of();
    }

    /** Collects one service's rules. */
    private final class Builder {
        private final String service;
        private ServicePolicy.Access access;
        private List<ServicePolicy.Fault> faults = List.of();
        private final List<ServicePolicy.Guard> limits = new ArrayList<>();
        private final List<ServicePolicy.Guard> breakers = new ArrayList<>();
        private RoutingPolicy routing;
        private long timeoutMillis = -1;
        private int retries = -1;
        private boolean retryOnReset;
        private int retryOn;
        private long perTryTimeoutMillis = -1;
        private RetryPace pace;
        private AdaptiveLimit adaptive;
        /** The instances a cluster-scope limit was divided by: 0 without one, -1 when unknown. */
        private int clusterInstances;

        Builder(String service) {
            this.service = service;
        }

        void add(
                GovernanceRule rule,
                List<FlowRule> flows,
                List<DegradeRule> degrades,
                Map<String, RoutingPolicy> routings) {
            if (rule instanceof RoutingRule r) {
                routing = RoutingPolicy.of(r, routings);
                routings.put(service, routing);
            } else if (rule instanceof TimeoutRetryRule r) {
                timeoutMillis = r.requestTimeoutMillis() == null ? -1 : r.requestTimeoutMillis();
                retries = r.retry() == null
                        ? 0
                        : r.retry().attempts() == null ? 0 : r.retry().attempts();
                retryOnReset = r.retry() != null && r.retry().retryOn().contains(RetryCondition.RESET);
                retryOn = r.retry() == null ? 0 : retryBits(r.retry().retryOn());
                perTryTimeoutMillis = r.retry() == null || r.retry().perTryTimeoutMillis() == null
                        ? -1
                        : r.retry().perTryTimeoutMillis();
                pace = RetryPace.of(r.retry());
            } else if (rule instanceof RateLimitRule r) {
                nn(r.limits()).forEach(l -> limits.add(limit(l, flows)));
                adaptive = r.adaptive();
            } else if (rule instanceof CircuitBreakerRule r) {
                nn(r.breakers()).forEach(b -> breakers.add(breaker(b, degrades)));
            } else if (rule instanceof FaultInjectionRule r) {
                faults = nn(r.faults()).stream().map(Builder::fault).toList();
            } else if (rule instanceof AccessControlRule r) {
                access = new ServicePolicy.Access(
                        r.defaultAction() != AccessAction.DENY,
                        nn(r.policies()).stream()
                                .map(ServicePolicy.Access.Policy::of)
                                .toList());
            }
        }

        private static int retryBits(List<RetryCondition> conditions) {
            int bits = 0;
            for (RetryCondition c : conditions) {
                bits |= switch (c) {
                    case CONNECT_FAILURE -> Admission.RETRY_CONNECT_FAILURE;
                    case RESET -> Admission.RETRY_RESET;
                    case TIMEOUT -> Admission.RETRY_TIMEOUT;
                    case GATEWAY_ERROR -> Admission.RETRY_GATEWAY_ERROR;
                    case SERVER_ERROR -> Admission.RETRY_SERVER_ERROR;
                    case UNAVAILABLE -> Admission.RETRY_UNAVAILABLE;
                };
            }
            return bits;
        }

        private ServicePolicy.Guard limit(RateLimit l, List<FlowRule> flows) {
            String resource = owner + "|" + service + "|limit|" + l.name();
            double qps = l.scope() == LimitScope.CLUSTER ? share(l.qps()) : l.qps();
            if (l.burst() != null && l.burst() > 0) {
                // Sentinel's QPS rule counts a sliding second and has no burst allowance: a token bucket instead
                return new ServicePolicy.Guard(RequestMatcher.of(l.match()), resource, new BurstBucket(qps, l.burst()));
            }
            FlowRule rule = new FlowRule(resource);
            rule.setGrade(RuleConstant.FLOW_GRADE_QPS);
            rule.setCount(qps);
            flows.add(rule);
            return new ServicePolicy.Guard(RequestMatcher.of(l.match()), resource);
        }

        /**
         * This instance's share of a service-wide limit: {@code qps / N} for the N healthy instances the sidecar
         * knows (at least 1 call per second), the whole limit when it knows none.
         */
        private double share(double qps) {
            int n = instances.applyAsInt(service);
            clusterInstances = n > 0 ? n : -1;
            return n > 1 ? Math.max(1, qps / n) : qps;
        }

        private ServicePolicy.Guard breaker(CircuitBreaker b, List<DegradeRule> degrades) {
            String resource = owner + "|" + service + "|breaker|" + b.name();
            DegradeRule rule = new DegradeRule(resource);
            rule.setGrade(grade(b.strategy()));
            rule.setCount(b.strategy() == BreakerStrategy.SLOW_CALL_RATIO ? b.slowCallMillis() : b.threshold());
            if (b.strategy() == BreakerStrategy.SLOW_CALL_RATIO) {
                rule.setSlowRatioThreshold(b.threshold());
            }
            rule.setMinRequestAmount(b.minRequests() == null ? 5 : b.minRequests());
            rule.setStatIntervalMs(
                    b.windowMillis() == null ? 10_000 : b.windowMillis().intValue());
            long open = b.openMillis() == null ? 5_000 : b.openMillis();
            rule.setTimeWindow((int) Math.max(1, (open + 999) / 1000));
            degrades.add(rule);
            return new ServicePolicy.Guard(RequestMatcher.of(b.match()), resource);
        }

        private static int grade(BreakerStrategy s) {
            return switch (s) {
                case ERROR_RATIO -> RuleConstant.DEGRADE_GRADE_EXCEPTION_RATIO;
                case ERROR_COUNT -> RuleConstant.DEGRADE_GRADE_EXCEPTION_COUNT;
                case SLOW_CALL_RATIO -> RuleConstant.DEGRADE_GRADE_RT;
            };
        }

        private static ServicePolicy.Fault fault(io.dualmode.governance.rule.Fault f) {
            return new ServicePolicy.Fault(
                    RequestMatcher.of(f.match()),
                    f.delay() == null ? 0 : f.delay().fixedDelayMillis(),
                    f.delay() == null ? 0 : f.delay().percent(),
                    f.abort() == null ? 0 : f.abort().status(),
                    f.abort() == null ? 0 : f.abort().percent());
        }

        ServicePolicy build(GovernanceConfig switches) {
            return new ServicePolicy(
                            service,
                            switches,
                            access,
                            faults,
                            List.copyOf(limits),
                            List.copyOf(breakers),
                            routing,
                            timeoutMillis,
                            retries,
                            retryOnReset,
                            retryOn,
                            perTryTimeoutMillis,
                            pace)
                    .adaptive(
                            adaptive == null
                                    ? null
                                    : new AdaptiveLimiter(
                                            service,
                                            adaptiveCounters.computeIfAbsent(
                                                    service, s -> new AdaptiveLimiter.Counters()),
                                            adaptive));
        }
    }
}
