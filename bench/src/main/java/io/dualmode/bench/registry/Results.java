package io.dualmode.bench.registry;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** The named figures of one round, in the order they were measured; written as {@code key=value} lines. */
final class Results {

    private final Map<String, Double> values = new LinkedHashMap<>();

    synchronized Results put(String key, double value) {
        values.put(key, value);
        return this;
    }

    synchronized double get(String key) {
        Double v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no result " + key);
        }
        return v;
    }

    synchronized Map<String, Double> asMap() {
        return Map.copyOf(values);
    }

    /** p50, p90, p99, p99.9 and max of a histogram of microseconds, in milliseconds, plus the count. */
    Results latency(String prefix, Histogram micros) {
        put(prefix + ".count", micros.getTotalCount());
        if (micros.getTotalCount() == 0) {
            return this;
        }
        put(prefix + ".p50.ms", millis(micros.getValueAtPercentile(50)));
        put(prefix + ".p90.ms", millis(micros.getValueAtPercentile(90)));
        put(prefix + ".p99.ms", millis(micros.getValueAtPercentile(99)));
        put(prefix + ".p999.ms", millis(micros.getValueAtPercentile(99.9)));
        return put(prefix + ".max.ms", millis(micros.getMaxValue()));
    }

    private static double millis(long micros) {
        return micros / (double) TimeUnit.MILLISECONDS.toMicros(1);
    }

    synchronized void print(PrintStream out) {
        values.forEach((k, v) -> out.println(k + "=" + format(v)));
    }

    synchronized void write(Path file) throws IOException {
        StringBuilder text = new StringBuilder();
        values.forEach((k, v) -> text.append(k).append('=').append(format(v)).append('\n'));
        Files.writeString(file, text);
    }

    static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(java.util.Locale.ROOT, "%.2f", v);
    }
}
