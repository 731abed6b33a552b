package io.dualmode.sidecar.cluster;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** The simple load balancers. */
final class Balancers {
    private Balancers() {}

    /** Each host in turn. */
    static final class RoundRobin implements LoadBalancer {
        private final AtomicInteger next = new AtomicInteger();

        @Override
        public UpstreamHost choose(UpstreamHost[] hosts, CharSequence hashKey) {
            return hosts[(next.getAndIncrement() & Integer.MAX_VALUE) % hosts.length];
        }
    }

    /** Each host in turn, as many times per cycle as its weight. */
    static final class Weighted implements LoadBalancer {
        private final AtomicInteger next = new AtomicInteger();

        @Override
        public UpstreamHost choose(UpstreamHost[] hosts, CharSequence hashKey) {
            int total = 0;
            for (UpstreamHost h : hosts) {
                total += h.endpoint().weight();
            }
            int ticket = (next.getAndIncrement() & Integer.MAX_VALUE) % total;
            for (UpstreamHost h : hosts) {
                ticket -= h.endpoint().weight();
                if (ticket < 0) {
                    return h;
                }
            }
            return hosts[hosts.length - 1];
        }
    }

    /** Power of two choices: of two random hosts, the one with fewer requests in flight. */
    static final class LeastRequest implements LoadBalancer {
        @Override
        public UpstreamHost choose(UpstreamHost[] hosts, CharSequence hashKey) {
            if (hosts.length == 1) {
                return hosts[0];
            }
            ThreadLocalRandom random = ThreadLocalRandom.current();
            int a = random.nextInt(hosts.length);
            int b = random.nextInt(hosts.length - 1);
            if (b >= a) {
                b++;
            }
            return hosts[a].activeRequests() <= hosts[b].activeRequests() ? hosts[a] : hosts[b];
        }
    }

    /** A uniformly random host. */
    static final class RandomChoice implements LoadBalancer {
        @Override
        public UpstreamHost choose(UpstreamHost[] hosts, CharSequence hashKey) {
            return hosts[ThreadLocalRandom.current().nextInt(hosts.length)];
        }
    }
}
