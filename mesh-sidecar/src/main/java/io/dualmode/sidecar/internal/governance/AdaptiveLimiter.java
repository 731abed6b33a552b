package io.dualmode.sidecar.internal.governance;

import io.dualmode.governance.rule.AdaptiveLimit;
import io.dualmode.sidecar.config.SidecarErrors;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Adaptive limiting of one service at its ingress ({@code RateLimitRule.adaptive}): a call is shed while the
 * instance's load exceeds any threshold the rule gives.
 *
 * <p>Sentinel's system rules ({@code SystemRuleManager}) are not used: they are process-wide and count only {@code
 * EntryType.IN} entries held for the whole call, which our rate limits enter and exit at once (they would drag the
 * average response time towards zero), they hold one threshold of each kind for the whole JVM (several sidecars
 * share a JVM in tests) and their rejection does not say which value crossed which threshold. So:
 *
 * <ul>
 *   <li>concurrency and average response time are counted here, per service at this sidecar's ingress, on atomics:
 *       an admitted call increments the calls in flight and {@link Admission#complete} decrements them and adds its
 *       response time to a one-second window; the average of the last complete window is compared;
 *   <li>CPU usage (of the whole machine or container, {@code OperatingSystemMXBean.getCpuLoad}) and the one-minute
 *       system load are sampled once a second on one daemon thread of the JVM, started when the first rule needs
 *       them, never on the request path. A sidecar process fronts one application, so the machine's load is the
 *       instance's load; a platform without a load average (it reports a negative value) never sheds on it.
 * </ul>
 */
final class AdaptiveLimiter {

    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String service;
    private final Counters counters;
    private final double maxCpu;
    private final double maxLoad;
    private final int maxConcurrency;
    private final long maxRtMillis;

    AdaptiveLimiter(String service, Counters counters, AdaptiveLimit rule) {
        this.service = service;
        this.counters = counters;
        this.maxCpu = rule.maxCpuUsage() == null ? 0 : rule.maxCpuUsage();
        this.maxLoad = rule.maxSystemLoad() == null ? 0 : rule.maxSystemLoad();
        this.maxConcurrency = rule.maxConcurrency() == null ? 0 : rule.maxConcurrency();
        this.maxRtMillis = rule.maxAverageRtMillis() == null ? 0 : rule.maxAverageRtMillis();
        if (maxCpu > 0 || maxLoad > 0) {
            SystemLoad.start();
        }
    }

    /**
     * Admits one call: a rejection ({@code SIDECAR-0260}, naming the threshold crossed) while a threshold is exceeded,
     * otherwise an admission that counts the call in flight until it completes (one small object per admitted call;
     * CPU and load are read from the last sample, the counters are atomics).
     */
    Admission admit(long now) {
        if (maxCpu > 0) {
            double cpu = SystemLoad.cpu;
            if (cpu > maxCpu) {
                return shed("cpuUsage", fmt(cpu), fmt(maxCpu));
            }
        }
        if (maxLoad > 0) {
            double load = SystemLoad.load;
            if (load > maxLoad) {
                return shed("systemLoad", fmt(load), fmt(maxLoad));
            }
        }
        if (maxRtMillis > 0) {
            long rt = counters.averageRtMillis(now);
            if (rt > maxRtMillis) {
                return shed("averageRtMillis", Long.toString(rt), Long.toString(maxRtMillis));
            }
        }
        int inFlight = counters.inFlight.incrementAndGet();
        if (maxConcurrency > 0 && inFlight > maxConcurrency) {
            counters.inFlight.decrementAndGet();
            return shed("concurrency", Integer.toString(inFlight), Integer.toString(maxConcurrency));
        }
        return Admission.tracked(counters, now);
    }

    private Admission shed(String what, String value, String limit) {
        return Admission.reject(
                429, SidecarErrors.ADAPTIVE_SHED, SidecarErrors.ADAPTIVE_SHED.format(service, what, value, limit));
    }

    private static String fmt(double d) {
        return String.format(java.util.Locale.ROOT, "%.2f", d);
    }

    /**
     * The load of one service at one sidecar's ingress; survives recompilations of the rules (calls in flight keep
     * being counted when a push replaces the policy).
     */
    static final class Counters {
        final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicLong windowStart = new AtomicLong(System.nanoTime());
        private final AtomicLong rtSum = new AtomicLong();
        private final AtomicLong calls = new AtomicLong();
        private volatile long averageRtMillis;

        /** A call admitted at {@code startNanos} ended. */
        void finished(long startNanos) {
            long now = System.nanoTime();
            inFlight.decrementAndGet();
            roll(now);
            rtSum.addAndGet(now - startNanos);
            calls.incrementAndGet();
        }

        /** The average response time of the last complete window, 0 once a window passed without calls. */
        long averageRtMillis(long now) {
            roll(now);
            return averageRtMillis;
        }

        /** Closes the window when a second has passed: one thread wins the swap and publishes its average. */
        private void roll(long now) {
            long start = windowStart.get();
            if (now - start < WINDOW_NANOS || !windowStart.compareAndSet(start, now)) {
                return;
            }
            long n = calls.getAndSet(0);
            long sum = rtSum.getAndSet(0);
            // a window that ended long ago says nothing about the present
            averageRtMillis = n == 0 || now - start > 2 * WINDOW_NANOS ? 0 : TimeUnit.NANOSECONDS.toMillis(sum / n);
        }

        /** The calls in flight now. */
        int inFlight() {
            return inFlight.get();
        }
    }

    /** The machine's CPU usage and load, sampled once a second on a daemon thread once some rule needs them. */
    static final class SystemLoad {
        static volatile double cpu;
        static volatile double load;
        private static ScheduledExecutorService sampler;

        private SystemLoad() {}

        static synchronized void start() {
            if (sampler != null) {
                return;
            }
            OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
            sampler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "dualmode-sidecar-load-sampler");
                t.setDaemon(true);
                return t;
            });
            sample(os);
            sampler.scheduleAtFixedRate(() -> sample(os), 1, 1, TimeUnit.SECONDS);
        }

        private static void sample(OperatingSystemMXBean os) {
            load = os.getSystemLoadAverage();
            if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
                double c = sun.getCpuLoad();
                cpu = c < 0 ? 0 : c;
            }
        }
    }
}
