package io.dualmode.sidecar.cluster;

import io.dualmode.sidecar.config.ClusterConfig.LbPolicy;

/** Chooses one host among the available ones. Implementations are thread-safe and lock-free. */
interface LoadBalancer {
    /** Picks a host from a non-empty array; {@code hashKey} is only used by consistent hashing. */
    UpstreamHost choose(UpstreamHost[] hosts, CharSequence hashKey);

    static LoadBalancer of(LbPolicy policy) {
        return switch (policy) {
            case ROUND_ROBIN -> new Balancers.RoundRobin();
            case WEIGHTED -> new Balancers.Weighted();
            case LEAST_REQUEST -> new Balancers.LeastRequest();
            case RANDOM -> new Balancers.RandomChoice();
            case CONSISTENT_HASH -> new ConsistentHashBalancer();
        };
    }
}
