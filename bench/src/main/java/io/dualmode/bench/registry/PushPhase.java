package io.dualmode.bench.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * Phase 2: subscribers connect and subscribe, then the changer applies changes at a steady rate (every
 * {@code broadcastEvery}-th to the broadcast service, the others round-robin over the hot services) and the
 * {@link ChangeTracker} times each one to every subscriber's push callback.
 */
final class PushPhase {

    /** How the changes are paced. */
    record Pacing(double ratePerSecond, int warmupChanges, int changes, int broadcastEvery, int drainSeconds) {}

    private final Layout layout;
    private final ChangeTracker tracker;
    private final int[] lightFanout;
    private final int[] nacosFanout;
    private final Map<Integer, Map<Integer, Integer>> credited = new ConcurrentHashMap<>();
    private final Map<Integer, Map<Integer, Integer>> lastSeen = new ConcurrentHashMap<>();
    private final AtomicIntegerArray versions;
    private final Histogram changeRequests = new SynchronizedHistogram(TimeUnit.MINUTES.toMicros(2), 3);
    private final AtomicInteger changeErrors = new AtomicInteger();
    private List<LightClient> subscribers = List.of();

    PushPhase(Layout layout, ChangeTracker tracker) {
        this.layout = layout;
        this.tracker = tracker;
        this.lightFanout = layout.lightFanout();
        this.nacosFanout = layout.nacosFanout();
        this.versions = new AtomicIntegerArray(layout.services());
    }

    /** The push callback of every lightweight subscriber. */
    void pushed(LightClient client, JsonNode serviceInfo, long receivedNanos) {
        int service = Layout.serviceIndex(serviceInfo.path("name").asText(""));
        int version = -1;
        for (JsonNode host : serviceInfo.path("hosts")) {
            if (Layout.CHANGER_IP.equals(host.path("ip").asText())) {
                version = host.path("metadata").path("v").asInt(-1);
            }
        }
        Map<Integer, Integer> mine = credited.computeIfAbsent(client.id(), k -> new HashMap<>());
        tracker.observed(ChangeTracker.Kind.LIGHT, mine, service, version, receivedNanos);
        lastSeen.computeIfAbsent(client.id(), k -> new HashMap<>()).put(service, version);
    }

    /** Connects the lightweight subscribers and subscribes each; waits for the first push of every subscription. */
    void subscribe(ClientGroup group, int parallelism, Results results) throws InterruptedException {
        long start = System.nanoTime();
        subscribers = group.connect(layout.subscribers(), parallelism, this::pushed);
        double connectSeconds = (System.nanoTime() - start) / 1e9;
        results.put("phase2.subscriber_connections", subscribers.size());
        results.put("phase2.connects_per_s", subscribers.size() / connectSeconds);
        int expectedPushes = 0;
        List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
        Semaphore permits = new Semaphore(parallelism);
        for (int s = 0; s < subscribers.size(); s++) {
            for (int service : layout.subscriptionsOf(s)) {
                ObjectNode request = Wire.naming(Layout.serviceName(service));
                request.put("subscribe", true);
                request.put("clusters", "");
                permits.acquire();
                calls.add(subscribers
                        .get(s)
                        .call("SubscribeServiceRequest", request)
                        .whenComplete((r, e) -> permits.release()));
                expectedPushes++;
            }
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
        results.put("phase2.subscriptions", expectedPushes);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long received;
        while ((received = pushes()) < expectedPushes && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        results.put("phase2.subscribe_seconds", (System.nanoTime() - start) / 1e9 - connectSeconds);
        results.put("phase2.initial_pushes", received);
    }

    private long pushes() {
        long n = 0;
        for (LightClient c : subscribers) {
            n += c.pushes();
        }
        return n;
    }

    /** Applies the changes at the pacing's rate and waits for their pushes. */
    void change(LightClient changer, Pacing pacing, Results results, ProcessProbe probe) throws InterruptedException {
        int total = pacing.warmupChanges() + pacing.changes();
        CountDownLatch sent = new CountDownLatch(total);
        AtomicInteger sequence = new AtomicInteger();
        AtomicInteger hot = new AtomicInteger();
        double[] cpuAtMeasureStart = new double[1];
        long[] measureStart = new long[1];
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-changer");
            t.setDaemon(true);
            return t;
        });
        long period = (long) (1e9 / pacing.ratePerSecond());
        ScheduledFuture<?> task = ticker.scheduleAtFixedRate(
                () -> {
                    int k = sequence.getAndIncrement();
                    if (k >= total) {
                        return;
                    }
                    if (k == pacing.warmupChanges()) {
                        measureStart[0] = System.nanoTime();
                        cpuAtMeasureStart[0] = probe == null ? 0 : probe.cpuSeconds();
                    }
                    boolean broadcast = pacing.broadcastEvery() > 0 && k % pacing.broadcastEvery() == 0;
                    int service = broadcast ? 0 : 1 + hot.getAndIncrement() % layout.hotServices();
                    send(changer, service, k >= pacing.warmupChanges(), broadcast);
                    sent.countDown();
                },
                0,
                period,
                TimeUnit.NANOSECONDS);
        try {
            sent.await();
            task.cancel(false);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(pacing.drainSeconds());
            while (!tracker.complete() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } finally {
            ticker.shutdownNow();
        }
        report(pacing, results, probe, measureStart[0], cpuAtMeasureStart[0]);
    }

    private void send(LightClient changer, int service, boolean measured, boolean broadcast) {
        int version = versions.incrementAndGet(service);
        int[] expected = {lightFanout[service], nacosFanout[service]};
        ObjectNode request = Wire.naming(Layout.serviceName(service));
        if ((version & 1) == 1) {
            request.put("type", "registerInstance");
            ObjectNode metadata = layout.metadata().put("v", Integer.toString(version));
            request.set("instance", Wire.instance(Layout.CHANGER_IP, 20880, metadata));
        } else {
            request.put("type", "deregisterInstance");
            request.set("instance", Wire.instance(Layout.CHANGER_IP, 20880, Wire.JSON.createObjectNode()));
        }
        ChangeTracker.Change change = tracker.begin(service, version, measured, broadcast, expected);
        changer.call("InstanceRequest", request).whenComplete((reply, error) -> {
            long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - change.sentNanos);
            changeRequests.recordValue(Math.min(micros, changeRequests.getHighestTrackableValue()));
            if (error != null) {
                changeErrors.incrementAndGet();
            }
        });
    }

    /**
     * Lightweight subscriptions whose last push does not show the final state of their service: a later push
     * overtaken by an earlier one leaves the subscriber with a stale list.
     */
    private long staleAtEnd() {
        long stale = 0;
        for (int s = 0; s < subscribers.size(); s++) {
            Map<Integer, Integer> seen =
                    lastSeen.getOrDefault(subscribers.get(s).id(), Map.of());
            for (int service : layout.subscriptionsOf(s)) {
                int version = versions.get(service);
                int expected = (version & 1) == 1 ? version : -1;
                if (version > 0 && seen.getOrDefault(service, -1) != expected) {
                    stale++;
                }
            }
        }
        return stale;
    }

    private void report(Pacing pacing, Results results, ProcessProbe probe, long measureStart, double cpuStart) {
        double seconds = (System.nanoTime() - measureStart) / 1e9;
        long expected = 0;
        long delivered = 0;
        long missingLight = 0;
        long missingNacos = 0;
        for (ChangeTracker.Change c : tracker.measured()) {
            for (ChangeTracker.Kind kind : ChangeTracker.Kind.values()) {
                expected += c.expected[kind.ordinal()];
                delivered += c.delivered.get(kind.ordinal());
            }
            missingLight += c.missing(ChangeTracker.Kind.LIGHT);
            missingNacos += c.missing(ChangeTracker.Kind.NACOS);
        }
        results.put("phase2.change_rate_per_s", pacing.ratePerSecond());
        results.put("phase2.changes_measured", pacing.changes());
        results.put("phase2.change_errors", changeErrors.get());
        results.put("phase2.pushes_expected", expected);
        results.put("phase2.pushes_delivered", delivered);
        results.put("phase2.pushes_missing_light", missingLight);
        results.put("phase2.pushes_missing_nacos", missingNacos);
        results.put("phase2.pushes_superseded_light", tracker.superseded(ChangeTracker.Kind.LIGHT));
        results.put("phase2.pushes_superseded_nacos", tracker.superseded(ChangeTracker.Kind.NACOS));
        results.put("phase2.stale_at_end_light", staleAtEnd());
        results.put("phase2.fanout_hot", lightFanout[1] + nacosFanout[1]);
        results.put("phase2.fanout_broadcast", lightFanout[0] + nacosFanout[0]);
        results.latency("phase2.light.all", tracker.latency(ChangeTracker.Kind.LIGHT, null));
        results.latency("phase2.light.hot", tracker.latency(ChangeTracker.Kind.LIGHT, false));
        results.latency("phase2.light.broadcast", tracker.latency(ChangeTracker.Kind.LIGHT, true));
        results.latency("phase2.nacos.all", tracker.latency(ChangeTracker.Kind.NACOS, null));
        results.latency("phase2.nacos.hot", tracker.latency(ChangeTracker.Kind.NACOS, false));
        results.latency("phase2.nacos.broadcast", tracker.latency(ChangeTracker.Kind.NACOS, true));
        results.latency("phase2.change_request", changeRequests);
        if (probe != null && delivered > 0) {
            results.put("phase2.registry_cpu_us_per_push", (probe.cpuSeconds() - cpuStart) * 1e6 / delivered);
            results.put("phase2.registry_cpu_percent", (probe.cpuSeconds() - cpuStart) * 100 / seconds);
        }
    }
}
