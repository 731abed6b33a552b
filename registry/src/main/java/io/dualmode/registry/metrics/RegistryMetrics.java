package io.dualmode.registry.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Every meter of the registry: {@code registry.connections}, {@code registry.services}, {@code registry.instances},
 * {@code registry.subscribers}, {@code registry.configs} (gauges); {@code registry.requests} by type and result;
 * {@code registry.push} by kind and result; {@code registry.push.latency}, from a change to the subscriber's ack.
 */
public final class RegistryMetrics {

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> requests = new ConcurrentHashMap<>();
    private final Counter pushOk;
    private final Counter pushFailed;
    private final Counter pushRetried;
    private final Counter configPushOk;
    private final Counter configPushFailed;
    private final Timer pushLatency;

    public RegistryMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.pushOk = push("naming", "success");
        this.pushFailed = push("naming", "failure");
        this.pushRetried = push("naming", "retry");
        this.configPushOk = push("config", "success");
        this.configPushFailed = push("config", "failure");
        this.pushLatency = Timer.builder("registry.push.latency")
                .description("Time from a change of a service to the subscriber's acknowledgement of its push")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    private Counter push(String kind, String result) {
        return Counter.builder("registry.push")
                .description("Pushes sent to clients")
                .tag("kind", kind)
                .tag("result", result)
                .register(registry);
    }

    /** Registers a gauge family member read from {@code value} on each scrape. */
    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    /** Counts one client request of {@code type} that ended with {@code result} (a Nacos error code or 200). */
    public void request(String type, int result) {
        requests.computeIfAbsent(type + '|' + result, k -> Counter.builder("registry.requests")
                        .description("Client requests by type and result code")
                        .tag("type", type)
                        .tag("result", Integer.toString(result))
                        .register(registry))
                .increment();
    }

    /** A naming push was acknowledged {@code nanos} after the change it carries. */
    public void pushAcked(long nanos) {
        pushOk.increment();
        pushLatency.record(Duration.ofNanos(nanos));
    }

    /** A naming push failed and will not be retried. */
    public void pushFailed() {
        pushFailed.increment();
    }

    /** A naming push failed and is retried. */
    public void pushRetried() {
        pushRetried.increment();
    }

    /** A config change notification was acknowledged or failed. */
    public void configPush(boolean ok) {
        (ok ? configPushOk : configPushFailed).increment();
    }

    /** The underlying registry. */
    public MeterRegistry registry() {
        return registry;
    }
}
