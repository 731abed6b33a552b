package io.dualmode.governance.validation;

import io.dualmode.governance.rule.Route;
import io.dualmode.governance.rule.RoutingRule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** Finds delegation loops across the routing rules of many services (A delegates to B, B back to A). */
final class RoutingLoops {

    private final Map<String, Set<String>> edges = new LinkedHashMap<>();

    RoutingLoops(Map<String, RoutingRule> rulesByService) {
        rulesByService.forEach((service, rule) -> edges.put(service, delegates(rule)));
    }

    /** The first loop through {@code start}, as the list of services visited ending with {@code start} again. */
    Optional<List<String>> loopThrough(String start) {
        List<String> path = new ArrayList<>();
        path.add(start);
        return search(start, start, path, new HashSet<>());
    }

    private Optional<List<String>> search(String start, String at, List<String> path, Set<String> visited) {
        for (String next : edges.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                List<String> loop = new ArrayList<>(path);
                loop.add(next);
                return Optional.of(loop);
            }
            if (visited.add(next)) {
                path.add(next);
                Optional<List<String>> found = search(start, next, path, visited);
                if (found.isPresent()) {
                    return found;
                }
                path.remove(path.size() - 1);
            }
        }
        return Optional.empty();
    }

    private static Set<String> delegates(RoutingRule rule) {
        Set<String> to = new HashSet<>();
        if (rule != null && rule.routes() != null) {
            rule.routes().stream()
                    .filter(Objects::nonNull)
                    .map(Route::delegateTo)
                    .filter(Objects::nonNull)
                    .forEach(to::add);
        }
        return to;
    }
}
