package io.dualmode.sidecar.internal.governance;

import io.dualmode.governance.rule.Route;
import io.dualmode.governance.rule.RoutingRule;
import io.dualmode.governance.rule.Subset;
import io.dualmode.governance.rule.WeightedDestination;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A compiled routing rule: the first matching route picks a subset by weight; the subset is a set of labels. A
 * route with {@code delegateTo} hands the decision to the delegated service's routing rule: its routes are evaluated
 * against the same call and the subset they pick (labels of the delegate's rule) selects among the hosts of the
 * service called. No rule for the delegate, or no route of it taking the call, means any host. Loops are refused by
 * the validator; a chain longer than {@link #MAX_DELEGATION} is cut (any host) as a guard.
 */
final class RoutingPolicy {

    static final int MAX_DELEGATION = 8;

    private final List<CompiledRoute> routes;
    private final Map<String, RoutingPolicy> byService;

    private RoutingPolicy(List<CompiledRoute> routes, Map<String, RoutingPolicy> byService) {
        this.routes = routes;
        this.byService = byService;
    }

    /**
     * Compiles {@code rule}; {@code byService} is every service's routing of the same snapshot, filled by the
     * compiler before the first call, for delegation.
     */
    static RoutingPolicy of(RoutingRule rule, Map<String, RoutingPolicy> byService) {
        Map<String, Map<String, String>> subsets = new HashMap<>();
        for (Subset s : PolicyCompiler.nn(rule.subsets())) {
            subsets.put(s.name(), s.labels());
        }
        return new RoutingPolicy(
                PolicyCompiler.nn(rule.routes()).stream()
                        .map(r -> compile(r, subsets))
                        .toList(),
                byService);
    }

    private static CompiledRoute compile(Route route, Map<String, Map<String, String>> subsets) {
        List<WeightedDestination> ds = PolicyCompiler.nn(route.destinations());
        @SuppressWarnings("unchecked")
        Map<String, String>[] labels = new Map[ds.size()];
        int[] upTo = new int[ds.size()];
        int sum = 0;
        for (int i = 0; i < ds.size(); i++) {
            WeightedDestination d = ds.get(i);
            sum += d.weight() == null ? 100 : d.weight();
            upTo[i] = sum;
            Map<String, String> l = subsets.get(d.subset());
            labels[i] = l == null ? Map.of() : l;
        }
        Admission.Mirror mirror = null;
        double mirrorPercent = 0;
        if (route.mirror() != null && route.mirror().subset() != null) {
            Map<String, String> l = subsets.get(route.mirror().subset());
            mirror = new Admission.Mirror(l == null ? Map.of() : l);
            mirrorPercent =
                    route.mirror().percent() == null ? 100 : route.mirror().percent();
        }
        return new CompiledRoute(
                RequestMatcher.of(route.match()), labels, upTo, sum, route.delegateTo(), mirror, mirrorPercent);
    }

    /** The labels of the subset this call goes to, or null when no route takes it (any host then). */
    Map<String, String> pick(CallView call) {
        CompiledRoute r = route(call);
        return r == null ? null : r.pick();
    }

    /** The route that takes the call, delegations followed; null when none (any host, no mirror). */
    CompiledRoute route(CallView call) {
        RoutingPolicy policy = this;
        for (int depth = 0; depth <= MAX_DELEGATION && policy != null; depth++) {
            CompiledRoute taken = policy.first(call);
            if (taken == null || taken.delegateTo() == null) {
                return taken;
            }
            policy = policy.byService.get(taken.delegateTo());
        }
        return null;
    }

    private CompiledRoute first(CallView call) {
        for (CompiledRoute r : routes) {
            if (r.match().matches(call)) {
                return r;
            }
        }
        return null;
    }

    record CompiledRoute(
            RequestMatcher match,
            Map<String, String>[] labels,
            int[] upTo,
            int total,
            String delegateTo,
            Admission.Mirror mirror,
            double mirrorPercent) {

        Map<String, String> pick() {
            if (labels.length == 1) {
                return labels[0];
            }
            int n = ThreadLocalRandom.current().nextInt(total);
            for (int i = 0; i < upTo.length; i++) {
                if (n < upTo[i]) {
                    return labels[i];
                }
            }
            return labels[labels.length - 1];
        }

        /** The mirror for one call: the route's, for its percentage of calls; else null. */
        Admission.Mirror mirrorRoll() {
            if (mirror == null) {
                return null;
            }
            return mirrorPercent >= 100 || ThreadLocalRandom.current().nextDouble(100) < mirrorPercent ? mirror : null;
        }
    }
}
