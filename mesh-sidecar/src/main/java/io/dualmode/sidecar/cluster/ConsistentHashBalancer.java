package io.dualmode.sidecar.cluster;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A hash ring (Ketama style, 64 points per unit of weight): the same header value goes to the same
 * host while the host set is unchanged, and only about 1/n of keys move when a host comes or goes.
 * The ring is rebuilt when the set of available hosts changes.
 */
final class ConsistentHashBalancer implements LoadBalancer {
    private static final int POINTS_PER_WEIGHT = 64;
    private volatile Ring ring = new Ring(new UpstreamHost[0]);

    @Override
    public UpstreamHost choose(UpstreamHost[] hosts, CharSequence hashKey) {
        if (hashKey == null) {
            return hosts[ThreadLocalRandom.current().nextInt(hosts.length)];
        }
        Ring r = ring;
        if (r.source != hosts) {
            r = new Ring(hosts);
            ring = r;
        }
        return r.lookup(hash(hashKey));
    }

    static long hash(CharSequence s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    private static final class Ring {
        final UpstreamHost[] source;
        final long[] points;
        final UpstreamHost[] owners;

        Ring(UpstreamHost[] hosts) {
            this.source = hosts;
            int n = 0;
            for (UpstreamHost h : hosts) {
                n += h.endpoint().weight() * POINTS_PER_WEIGHT;
            }
            long[][] pairs = new long[n][];
            int i = 0;
            for (int hi = 0; hi < hosts.length; hi++) {
                for (int p = 0; p < hosts[hi].endpoint().weight() * POINTS_PER_WEIGHT; p++) {
                    pairs[i++] = new long[] {hash(hosts[hi].endpoint() + "#" + p), hi};
                }
            }
            Arrays.sort(pairs, (x, y) -> Long.compare(x[0], y[0]));
            points = new long[n];
            owners = new UpstreamHost[n];
            for (int k = 0; k < n; k++) {
                points[k] = pairs[k][0];
                owners[k] = hosts[(int) pairs[k][1]];
            }
        }

        UpstreamHost lookup(long h) {
            int idx = Arrays.binarySearch(points, h);
            if (idx < 0) {
                idx = -idx - 1;
            }
            return owners[idx == points.length ? 0 : idx];
        }
    }
}
