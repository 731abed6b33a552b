package io.dualmode.bench.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * Phase 1: every instance of the layout registered with one {@code InstanceRequest} each, through the provider
 * connections, each keeping {@code window} requests in flight (nacos-client keeps one).
 */
final class RegistrationPhase {

    private final List<LightClient> providers;
    private final Layout layout;
    private final int window;
    private final Histogram latency = new SynchronizedHistogram(TimeUnit.MINUTES.toMicros(2), 3);
    private final AtomicInteger errors = new AtomicInteger();
    private CountDownLatch done;

    RegistrationPhase(List<LightClient> providers, Layout layout, int window) {
        this.providers = providers;
        this.layout = layout;
        this.window = window;
    }

    void run(Results results, ProcessProbe probe) throws InterruptedException {
        List<int[]> work = new ArrayList<>();
        int[] counts = new int[providers.size()];
        for (int i = 0; i < layout.instances(); i++) {
            counts[layout.providerOf(i)]++;
        }
        for (int count : counts) {
            work.add(new int[count]);
        }
        int[] fill = new int[providers.size()];
        for (int i = 0; i < layout.instances(); i++) {
            int p = layout.providerOf(i);
            work.get(p)[fill[p]++] = i;
        }
        done = new CountDownLatch(layout.instances());
        double cpuBefore = probe == null ? 0 : probe.cpuSeconds();
        long start = System.nanoTime();
        for (int p = 0; p < providers.size(); p++) {
            AtomicInteger cursor = new AtomicInteger();
            for (int w = 0; w < window; w++) {
                next(providers.get(p), work.get(p), cursor);
            }
        }
        if (!done.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("registrations did not finish: " + done.getCount() + " left");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        results.put("phase1.registrations", layout.instances());
        results.put("phase1.seconds", seconds);
        results.put("phase1.registrations_per_s", layout.instances() / seconds);
        results.put("phase1.errors", errors.get());
        results.latency("phase1.request", latency);
        if (probe != null) {
            results.put(
                    "phase1.registry_cpu_us_per_registration",
                    (probe.cpuSeconds() - cpuBefore) * 1e6 / layout.instances());
        }
    }

    private void next(LightClient client, int[] instances, AtomicInteger cursor) {
        int slot = cursor.getAndIncrement();
        if (slot >= instances.length) {
            return;
        }
        int instance = instances[slot];
        ObjectNode request = Wire.naming(Layout.serviceName(Layout.serviceOf(instance, layout.services())));
        request.put("type", "registerInstance");
        request.set("instance", Wire.instance(Layout.ipOf(instance), 20880, layout.metadata()));
        long sent = System.nanoTime();
        client.call("InstanceRequest", request).whenComplete((reply, error) -> {
            latency.recordValue(Math.min(
                    TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - sent), latency.getHighestTrackableValue()));
            if (error != null) {
                errors.incrementAndGet();
            }
            done.countDown();
            next(client, instances, cursor);
        });
    }
}
