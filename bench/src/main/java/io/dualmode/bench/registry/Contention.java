package io.dualmode.bench.registry;

/**
 * How much CPU a phase had: the bench's own CPU use, the registry's threads' time running and waiting runnable for a
 * CPU, and the machine's CPU pressure stall. On a shared machine the wait time says how much of a latency is queueing
 * for a core rather than the registry's own work.
 */
final class Contention {

    private final ProcessProbe registry;
    private final ProcessProbe self;
    private final long startNanos = System.nanoTime();
    private final double selfCpu;
    private final long[] registrySched;
    private final long pressure = ProcessProbe.cpuPressureMicros();

    Contention(ProcessProbe registry, ProcessProbe self) {
        this.registry = registry;
        this.self = self;
        this.selfCpu = self.cpuSeconds();
        this.registrySched = registry == null ? null : registry.schedNanos();
    }

    void report(Results results, String phase) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        results.put(phase + ".bench_cpu_percent", (self.cpuSeconds() - selfCpu) * 100 / seconds);
        long nowPressure = ProcessProbe.cpuPressureMicros();
        if (pressure >= 0 && nowPressure >= 0) {
            results.put(phase + ".machine_cpu_pressure_percent", (nowPressure - pressure) / 1e4 / seconds);
        }
        if (registry != null) {
            long[] now = registry.schedNanos();
            double run = (now[0] - registrySched[0]) / 1e9;
            double wait = (now[1] - registrySched[1]) / 1e9;
            results.put(phase + ".registry_threads_running_percent", run * 100 / seconds);
            results.put(phase + ".registry_threads_waiting_for_cpu_percent", wait * 100 / seconds);
        }
    }
}
