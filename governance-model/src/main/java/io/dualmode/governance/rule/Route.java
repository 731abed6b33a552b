package io.dualmode.governance.rule;

import java.util.List;

/**
 * One route: calls accepted by {@code match} go to the weighted {@code destinations}, or are delegated to another
 * service's routing with {@code delegateTo}; exactly one of the two is set.
 *
 * @param name a name unique within the rule, shown in metrics and errors
 * @param match which calls this route takes; absent means every call
 * @param destinations subsets with weights that sum to 100 (a single destination may omit its weight)
 * @param delegateTo the service whose routing takes over, instead of destinations
 * @param mirror a copy of a percentage of this route's calls sent to a subset, replies ignored
 */
public record Route(
        String name, RequestMatch match, List<WeightedDestination> destinations, String delegateTo, Mirror mirror) {

    public Route {
        destinations = Copies.list(destinations);
    }
}
