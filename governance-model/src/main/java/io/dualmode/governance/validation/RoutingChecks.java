package io.dualmode.governance.validation;

import static io.dualmode.governance.validation.Checks.field;

import io.dualmode.governance.rule.Mirror;
import io.dualmode.governance.rule.Route;
import io.dualmode.governance.rule.RoutingRule;
import io.dualmode.governance.rule.Subset;
import io.dualmode.governance.rule.WeightedDestination;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/** Checks of a routing rule on its own; loops across services are {@link RoutingLoops}'s business. */
final class RoutingChecks {

    private final Checks checks;
    private Set<String> subsetNames = Set.of();

    RoutingChecks(Checks checks) {
        this.checks = checks;
    }

    void check(RoutingRule rule) {
        checks.each("$.subsets", rule.subsets(), this::subset);
        checks.unique("$.subsets", rule.subsets(), Subset::name);
        if (rule.subsets() != null) {
            subsetNames = rule.subsets().stream()
                    .filter(Objects::nonNull)
                    .map(Subset::name)
                    .filter(Objects::nonNull)
                    .collect(Collectors.toSet());
        }
        if (checks.required("$.routes", rule.routes()) && rule.routes().isEmpty()) {
            checks.add(ViolationCode.REQUIRED, "$.routes", "is empty; add at least one route");
        }
        checks.each("$.routes", rule.routes(), this::route);
        checks.unique("$.routes", rule.routes(), Route::name);
    }

    private void subset(String path, Subset subset) {
        if (checks.required(field(path, "name"), subset.name())) {
            checks.itemName(field(path, "name"), subset.name());
        }
        if (checks.required(field(path, "labels"), subset.labels())
                && subset.labels().isEmpty()) {
            checks.add(ViolationCode.REQUIRED, field(path, "labels"), "is empty; a subset needs at least one label");
        }
        if (subset.labels() != null) {
            subset.labels().forEach((k, v) -> {
                checks.labelKey(field(path, "labels"), k);
                if (checks.required(field(field(path, "labels"), k), v)) {
                    checks.text(field(field(path, "labels"), k), v);
                }
            });
        }
    }

    private void route(String path, Route route) {
        if (checks.required(field(path, "name"), route.name())) {
            checks.itemName(field(path, "name"), route.name());
        }
        MatchChecks.match(checks, field(path, "match"), route.match());
        boolean hasDestinations = route.destinations() != null;
        if (hasDestinations == (route.delegateTo() != null)) {
            checks.add(
                    ViolationCode.CONFLICTING_FIELDS,
                    path,
                    hasDestinations
                            ? "sets both destinations and delegateTo; keep one"
                            : "sets neither destinations nor delegateTo; set one");
        }
        if (hasDestinations) {
            destinations(field(path, "destinations"), route.destinations());
        }
        checks.serviceName(field(path, "delegateTo"), route.delegateTo());
        if (route.mirror() != null) {
            mirror(field(path, "mirror"), route.mirror());
        }
    }

    private void destinations(String path, List<WeightedDestination> destinations) {
        if (destinations.isEmpty()) {
            checks.add(ViolationCode.REQUIRED, path, "is empty; add at least one destination");
            return;
        }
        checks.each(path, destinations, this::destination);
        boolean single = destinations.size() == 1;
        int sum = 0;
        for (int i = 0; i < destinations.size(); i++) {
            WeightedDestination d = destinations.get(i);
            if (d != null && d.weight() == null && !single) {
                checks.add(
                        ViolationCode.REQUIRED,
                        Checks.index(path, i) + ".weight",
                        "is required when a route has several destinations");
            }
            sum += d == null || d.weight() == null ? (single ? 100 : 0) : d.weight();
        }
        if (sum != 100) {
            checks.add(ViolationCode.WEIGHTS_NOT_100, path, "weights sum to " + sum + "; make them sum to 100");
        }
    }

    private void destination(String path, WeightedDestination destination) {
        subsetReference(field(path, "subset"), destination.subset());
        checks.range(field(path, "weight"), destination.weight(), 0, 100);
    }

    private void mirror(String path, Mirror mirror) {
        subsetReference(field(path, "subset"), mirror.subset());
        if (checks.required(field(path, "percent"), mirror.percent())) {
            checks.range(field(path, "percent"), mirror.percent(), 0, false, 100);
        }
    }

    private void subsetReference(String path, String subset) {
        if (checks.required(path, subset) && !subsetNames.contains(subset)) {
            checks.add(
                    ViolationCode.UNDEFINED_SUBSET,
                    path,
                    "'" + subset + "' is not defined in $.subsets; define it or use one of "
                            + subsetNames.stream().sorted().toList());
        }
    }
}
