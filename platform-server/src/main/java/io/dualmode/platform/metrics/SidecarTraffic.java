package io.dualmode.platform.metrics;

import io.dualmode.governance.push.LoadReport;
import io.dualmode.governance.validation.ViolationCode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The sidecars' load reports in memory: per node, direction and service, a {@link Ring} of one-second slots over the
 * last ten minutes. Reports arrive on the push stream's event loops and queries come from the REST API; both only
 * take the lock of one ring at a time. A node's data goes {@link #RETENTION} after its last report, which is a while
 * after its stream closed.
 *
 * <p>The egress figures per upstream endpoint are kept apart, one ring per (service, endpoint) over all nodes (their
 * only reader, the migration engine, sums over the consumers anyway), so the service views count each call once and
 * the memory grows with the endpoints called, not with consumers times endpoints. A ring goes {@link #RETENTION}
 * after its last calls.
 */
@Component
public final class SidecarTraffic implements TrafficMetrics {

    /** The longest window a query may ask for. */
    public static final Duration MAX_WINDOW = Duration.ofSeconds(Ring.SECONDS);

    /** How long a node's data is kept after its last report. */
    static final Duration RETENTION = MAX_WINDOW.plusMinutes(1);

    /** The most reports waiting to be shared with the other platform instances. */
    static final int MAX_OUTBOX = 100_000;

    /** The most (direction, service) pairs kept per node; a report naming more is cut there. */
    static final int MAX_SERVICES_PER_NODE = 1000;

    /** The most (service, endpoint) pairs kept over all nodes; endpoints beyond are not counted until some go. */
    static final int MAX_ENDPOINTS = 20_000;

    private static final Logger log = LoggerFactory.getLogger(SidecarTraffic.class);

    private final Clock clock;
    private final Map<String, Node> nodes = new ConcurrentHashMap<>();
    private final Map<EndpointKey, Ring> endpoints = new ConcurrentHashMap<>();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong lastSweep = new AtomicLong();
    /** Reports taken from this instance's streams, not yet shared with the other platform instances. */
    private final java.util.Queue<Received> outbox = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private final java.util.concurrent.atomic.AtomicInteger outboxSize =
            new java.util.concurrent.atomic.AtomicInteger();
    private final AtomicLong outboxDropped = new AtomicLong();
    private volatile boolean sharing;

    public SidecarTraffic() {
        this(Clock.systemUTC());
    }

    SidecarTraffic(Clock clock) {
        this.clock = clock;
    }

    /**
     * A load report from the stream of {@code nodeId}, whose sidecar fronts {@code application}. A report that is not
     * well-formed is dropped whole with a warning naming each problem; the stream carries on.
     *
     * @return whether the report was taken
     */
    public boolean report(String nodeId, String application, LoadReport report) {
        List<String> problems = report.problems();
        if (nodeId == null || !problems.isEmpty()) {
            rejected.incrementAndGet();
            log.warn(
                    "{} load report of sidecar {} ignored: {}",
                    ViolationCode.MALFORMED_LOAD_REPORT.code(),
                    nodeId,
                    problems);
            return false;
        }
        long now = clock.millis();
        take(nodeId, application, report, now);
        if (sharing) {
            if (outboxSize.incrementAndGet() > MAX_OUTBOX) {
                // the database has been away for a while: the other instances miss these, this one keeps them
                outboxSize.decrementAndGet();
                outboxDropped.incrementAndGet();
            } else {
                outbox.add(new Received(nodeId, application, now, report));
            }
        }
        return true;
    }

    /**
     * A report another platform instance received at {@code receivedAt} (its clock), shared through the database. It
     * counts in the second it was received, or in this node's newest second when that is later.
     */
    public void replay(Received received) {
        if (received.nodeId() == null
                || received.report() == null
                || !received.report().problems().isEmpty()) {
            return;
        }
        take(received.nodeId(), received.application(), received.report(), Math.min(received.at(), clock.millis()));
    }

    /** From now on, reports taken are also queued for the other platform instances ({@link #drainShared()}). */
    public void share() {
        sharing = true;
    }

    /** The reports taken since the last call, oldest first, for the other platform instances. */
    public List<Received> drainShared() {
        List<Received> out = new ArrayList<>();
        Received r;
        while ((r = outbox.poll()) != null) {
            outboxSize.decrementAndGet();
            out.add(r);
        }
        return out;
    }

    /** Reports not shared with the other platform instances because too many were waiting. */
    public long sharedDropped() {
        return outboxDropped.get();
    }

    private void take(String nodeId, String application, LoadReport report, long now) {
        Node node = nodes.computeIfAbsent(nodeId, id -> new Node());
        if (application != null) {
            node.application = application;
        }
        node.lastReport = Math.max(node.lastReport, now);
        for (LoadReport.Entry e : report.entries()) {
            if (e.requests() <= 0) {
                continue;
            }
            Ring ring = e.endpoint() == null
                    ? node.ring(new Key(e.direction(), e.service()))
                    : endpointRing(new EndpointKey(e.service(), e.endpoint()));
            if (ring != null) {
                ring.add(now / 1000, e);
            }
        }
        sweep(now);
    }

    private Ring endpointRing(EndpointKey key) {
        Ring ring = endpoints.get(key);
        if (ring == null && endpoints.size() < MAX_ENDPOINTS) {
            ring = endpoints.computeIfAbsent(key, k -> new Ring());
        }
        return ring;
    }

    /** Reports dropped because they were not well-formed. */
    public long rejected() {
        return rejected.get();
    }

    @Override
    public NodeTraffic ingress(String nodeId, Duration window) {
        Node node = nodes.get(nodeId);
        if (node == null) {
            return NodeTraffic.NONE;
        }
        long to = clock.millis() / 1000;
        long from = to - seconds(window);
        Counts total = new Counts();
        node.rings.forEach((key, ring) -> {
            if (key.direction().equals(LoadReport.INGRESS)) {
                ring.addTo(from, to, total, null, 1);
            }
        });
        return total.requests == 0
                ? NodeTraffic.NONE
                : new NodeTraffic(total.requests, total.errors, total.quantile(0.99));
    }

    @Override
    public NodeTraffic egressTo(String service, Duration window) {
        long to = clock.millis() / 1000;
        long from = to - seconds(window);
        Counts total = new Counts();
        Key key = new Key(LoadReport.EGRESS, service);
        for (Node node : nodes.values()) {
            Ring ring = node.rings.get(key);
            if (ring != null) {
                ring.addTo(from, to, total, null, 1);
            }
        }
        return total.requests == 0
                ? NodeTraffic.NONE
                : new NodeTraffic(total.requests, total.errors, total.quantile(0.99));
    }

    @Override
    public NodeTraffic egressTo(String service, Collection<String> endpoints, Duration window) {
        long to = clock.millis() / 1000;
        long from = to - seconds(window);
        Counts total = new Counts();
        for (String endpoint : new java.util.HashSet<>(endpoints)) {
            Ring ring = this.endpoints.get(new EndpointKey(service, endpoint));
            if (ring != null) {
                ring.addTo(from, to, total, null, 1);
            }
        }
        return total.requests == 0
                ? NodeTraffic.NONE
                : new NodeTraffic(total.requests, total.errors, total.quantile(0.99));
    }

    /** Whether any data of {@code nodeId} is kept. */
    public boolean knows(String nodeId) {
        return nodes.containsKey(nodeId);
    }

    /** The ingress of every service over all nodes, by service name. */
    public List<ServiceTraffic> services(Duration window) {
        return views(window, (node, key) -> key.direction().equals(LoadReport.INGRESS) ? key.service() : null, false);
    }

    /** Ingress and egress of one node, ingress first, then by service name. */
    public List<ServiceTraffic> node(String nodeId, Duration window) {
        Node node = nodes.get(nodeId);
        if (node == null) {
            return List.of();
        }
        Map<Key, Series> series = collect(Map.of(nodeId, node), window, (n, key) -> key);
        return series.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(
                        Comparator.comparing(Key::direction).reversed().thenComparing(Key::service)))
                .map(e -> e.getValue().view(e.getKey().service(), e.getKey().direction()))
                .toList();
    }

    /** Calls between applications: the egress of every node by (its application, the service called). */
    public List<Edge> edges(Duration window) {
        Map<Edge.Ends, Series> series = collect(
                nodes,
                window,
                (node, key) -> key.direction().equals(LoadReport.EGRESS) && node.application != null
                        ? new Edge.Ends(node.application, key.service())
                        : null);
        return series.entrySet().stream()
                .map(e -> e.getValue().edge(e.getKey()))
                .sorted(Comparator.comparing(Edge::source).thenComparing(Edge::target))
                .toList();
    }

    private List<ServiceTraffic> views(Duration window, BiFunction<Node, Key, String> keyOf, boolean withDirection) {
        Map<String, Series> series = collect(nodes, window, keyOf);
        List<ServiceTraffic> out = new ArrayList<>();
        series.forEach((name, s) -> out.add(s.view(name, withDirection ? LoadReport.INGRESS : null)));
        out.sort(Comparator.comparing(ServiceTraffic::service));
        return out;
    }

    /** Adds up the rings of {@code from} in the window by the key {@code keyOf} gives (null leaves a ring out). */
    private <K> Map<K, Series> collect(Map<String, Node> from, Duration window, BiFunction<Node, Key, K> keyOf) {
        sweep(clock.millis());
        long to = clock.millis() / 1000;
        int seconds = seconds(window);
        Map<K, Series> out = new HashMap<>();
        for (Node node : from.values()) {
            node.rings.forEach((key, ring) -> {
                K k = keyOf.apply(node, key);
                if (k != null) {
                    out.computeIfAbsent(k, x -> new Series(to - seconds, seconds))
                            .add(ring, to);
                }
            });
        }
        out.values().removeIf(s -> s.total.requests == 0);
        return out;
    }

    /** A window in whole seconds, 1 to ten minutes. */
    static int seconds(Duration window) {
        long s = (window.toMillis() + 999) / 1000;
        return (int) Math.max(1, Math.min(Ring.SECONDS, s));
    }

    private void sweep(long now) {
        long last = lastSweep.get();
        if (now - last < 10_000 || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        long cutoff = now - RETENTION.toMillis();
        nodes.values().removeIf(n -> n.lastReport < cutoff);
        endpoints.values().removeIf(r -> r.newest() * 1000 < cutoff);
    }

    /** One sidecar's rings. */
    private static final class Node {
        final Map<Key, Ring> rings = new ConcurrentHashMap<>();
        volatile String application;
        volatile long lastReport;

        Ring ring(Key key) {
            Ring ring = rings.get(key);
            if (ring == null && rings.size() < MAX_SERVICES_PER_NODE) {
                ring = rings.computeIfAbsent(key, k -> new Ring());
            }
            return ring;
        }
    }

    private record Key(String direction, String service) {}

    /** An upstream endpoint ({@code host:port}) of an egress service. */
    private record EndpointKey(String service, String endpoint) {}

    /** A report as one platform instance received it, for sharing with the others. */
    public record Received(String nodeId, String application, long at, LoadReport report) {}

    /** A window's total and its steps for charts. */
    private static final class Series {
        final long from;
        final int seconds;
        final int step;
        final Counts total = new Counts();
        final Counts[] steps;

        Series(long from, int seconds) {
            this.from = from;
            this.seconds = seconds;
            this.step = step(seconds);
            this.steps = new Counts[(seconds + step - 1) / step];
            for (int i = 0; i < steps.length; i++) {
                steps[i] = new Counts();
            }
        }

        /** 5 s steps, longer ones for windows over five minutes (at most 60 points), the window when shorter. */
        static int step(int seconds) {
            return Math.min(seconds, Math.max(5, (seconds + 59) / 60));
        }

        void add(Ring ring, long to) {
            ring.addTo(from, to, total, steps, step);
        }

        ServiceTraffic view(String service, String direction) {
            List<ServiceTraffic.Point> points = new ArrayList<>(steps.length);
            for (int i = 0; i < steps.length; i++) {
                int length = (int) Math.min(step, seconds - (long) i * step);
                Counts c = steps[i];
                points.add(new ServiceTraffic.Point(
                        (from + (long) i * step) * 1000, rate(c.requests, length), c.errorRate(), c.quantile(0.99)));
            }
            return new ServiceTraffic(
                    service,
                    direction,
                    total.requests,
                    rate(total.requests, seconds),
                    total.errors,
                    total.errorRate(),
                    total.quantile(0.5),
                    total.quantile(0.99),
                    points);
        }

        Edge edge(Edge.Ends ends) {
            return new Edge(
                    ends.source(),
                    ends.target(),
                    rate(total.requests, seconds),
                    total.errorRate(),
                    total.quantile(0.99));
        }

        private static double rate(long requests, int seconds) {
            return Math.round(requests * 1000.0 / seconds) / 1000.0;
        }
    }
}
