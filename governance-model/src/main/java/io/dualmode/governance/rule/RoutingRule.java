package io.dualmode.governance.rule;

import java.util.List;

/**
 * How calls to a service are routed: named {@link Subset subsets} of its instances chosen by labels, and ordered
 * {@link Route routes}; the first route whose match accepts a call decides where it goes.
 *
 * <pre>{@code
 * {"subsets": [{"name": "v1", "labels": {"version": "1"}}, {"name": "v2", "labels": {"version": "2"}}],
 *  "routes": [{"name": "canary", "match": {"headers": [{"name": "x-canary", "exact": "true"}]},
 *              "destinations": [{"subset": "v2"}]},
 *             {"name": "default", "destinations": [{"subset": "v1", "weight": 90}, {"subset": "v2", "weight": 10}],
 *              "mirror": {"subset": "v2", "percent": 5}}]}
 * }</pre>
 *
 * @param subsets the named subsets routes refer to
 * @param routes the routes, tried in order
 */
public record RoutingRule(List<Subset> subsets, List<Route> routes) implements GovernanceRule {

    public RoutingRule {
        subsets = Copies.list(subsets);
        routes = Copies.list(routes);
    }

    @Override
    public RuleKind kind() {
        return RuleKind.ROUTING;
    }
}
