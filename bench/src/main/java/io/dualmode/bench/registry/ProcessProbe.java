package io.dualmode.bench.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what the registry process costs: resident memory and CPU time from {@code /proc/<pid>}, Java heap use from
 * {@code jcmd <pid> GC.heap_info}.
 */
final class ProcessProbe {

    private static final long CLOCK_TICKS_PER_SECOND = 100;
    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total\\s+(\\d+)K, used (\\d+)K");

    private final long pid;

    ProcessProbe(long pid) {
        this.pid = pid;
    }

    /** The figure {@code field} (e.g. {@code VmRSS}) of {@code /proc/<pid>/status}, in KiB. */
    long statusKb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no " + field + " for process " + pid);
    }

    /** User plus system CPU time of the process so far, in seconds. */
    double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the command: state is field 3 of stat(5), utime field 14, stime field 15
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return ticks / (double) CLOCK_TICKS_PER_SECOND;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Nanoseconds the process's threads spent running and waiting runnable for a CPU ({@code [run, wait]}, summed
     * over {@code /proc/<pid>/task/<tid>/schedstat}); threads that ended are not counted.
     */
    long[] schedNanos() {
        long run = 0;
        long wait = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String[] f =
                            Files.readString(task.resolve("schedstat")).trim().split(" ");
                    run += Long.parseLong(f[0]);
                    wait += Long.parseLong(f[1]);
                } catch (IOException ended) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new long[] {run, wait};
    }

    /** The machine's total CPU pressure stall ("some", microseconds) from {@code /proc/pressure/cpu}, or -1. */
    static long cpuPressureMicros() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/pressure/cpu"))) {
                if (line.startsWith("some ")) {
                    return Long.parseLong(
                            line.substring(line.indexOf("total=") + 6).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Heap used and committed in KiB ({@code [used, committed]}), optionally after a full collection. */
    long[] heapKb(boolean collectFirst) throws IOException, InterruptedException {
        if (collectFirst) {
            jcmd("GC.run");
        }
        Matcher m = HEAP_USED.matcher(jcmd("GC.heap_info"));
        if (!m.find()) {
            throw new IllegalStateException("cannot read the heap of process " + pid);
        }
        return new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(1))};
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Path local = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        String exe = Files.isExecutable(local) ? local.toString() : "jcmd";
        Process p = new ProcessBuilder(exe, Long.toString(pid), command)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed: " + out);
        }
        return out;
    }
}
