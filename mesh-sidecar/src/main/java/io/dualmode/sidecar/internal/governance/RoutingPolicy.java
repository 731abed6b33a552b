package io.dualmode.sidecar.internal.governance;

import io.dualmode.governance.rule.Route;
import io.dualmode.governance.rule.RoutingRule;
import io.dualmode.governance.rule.Subset;
import io.dualmode.governance.rule.WeightedDestination;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** A compiled routing rule: the first matching route picks a subset by weight; the subset is a set of labels. */
final class RoutingPolicy {

    private final List<CompiledRoute> routes;

    private RoutingPolicy(List<CompiledRoute> routes) {
        this.routes = routes;
    }

    static RoutingPolicy of(RoutingRule rule) {
        Map<String, Map<String, String>> subsets = new HashMap<>();
        for (Subset s : PolicyCompiler.nn(rule.subsets())) {
            subsets.put(s.name(), s.labels());
        }
        return new RoutingPolicy(PolicyCompiler.nn(rule.routes()).stream()
                .map(r -> compile(r, subsets))
                .toList());
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
        return new CompiledRoute(RequestMatcher.of(route.match()), labels, upTo, sum);
    }

    /** The labels of the subset this call goes to, or null when no route takes it (any host then). */
    Map<String, String> pick(CallView call) {
        for (CompiledRoute r : routes) {
            if (r.match().matches(call)) {
                return r.pick();
            }
        }
        return null;
    }

    private record CompiledRoute(RequestMatcher match, Map<String, String>[] labels, int[] upTo, int total) {

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
    }
}
