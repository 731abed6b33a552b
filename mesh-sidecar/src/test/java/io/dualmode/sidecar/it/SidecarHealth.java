package io.dualmode.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dualmode.sidecar.Sidecar;
import io.netty.buffer.ByteBufAllocator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * What the fuzz tests check on a sidecar once the fuzzing is over: its metrics (from the admin endpoint), and what its
 * threads logged from the moment this was created — buffer leaks (Netty's paranoid leak detector, which the build
 * turns on) and errors that reached the end of a pipeline unhandled.
 */
final class SidecarHealth implements AutoCloseable {
    private static final HttpClient ADMIN_CLIENT = HttpClient.newHttpClient();

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    /** Starts capturing the log. */
    SidecarHealth() {
        logs.start();
        root.addAppender(logs);
    }

    /**
     * The leaks and unhandled errors logged so far (at most ten), after having the leak detector report what it has
     * found: it reports a lost buffer when it tracks a later one after a collection. Only the sidecar's threads count
     * (and any leak): a test's own clients and backends log what they see of the fuzzing.
     */
    List<String> problems() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            for (int j = 0; j < 64; j++) {
                ByteBufAllocator.DEFAULT.directBuffer(64).release();
                ByteBufAllocator.DEFAULT.heapBuffer(64).release();
            }
        }
        List<ILoggingEvent> events;
        synchronized (logs) { // AppenderBase appends under the appender's lock, from any thread
            events = new ArrayList<>(logs.list);
        }
        return events.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .filter(e -> e.getThreadName().startsWith("dualmode-sidecar")
                        || String.valueOf(e.getFormattedMessage()).contains("LEAK"))
                .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()
                        + (e.getThrowableProxy() == null
                                ? ""
                                : " (" + e.getThrowableProxy().getClassName() + ": "
                                        + e.getThrowableProxy().getMessage() + ")"))
                .filter(m -> m.contains("LEAK") || m.contains("tail of the pipeline") || m.contains("Exception"))
                .distinct()
                .limit(10)
                .toList();
    }

    /** The sidecar's Prometheus metrics. */
    static String metrics(Sidecar sidecar) throws Exception {
        HttpResponse<String> r = ADMIN_CLIENT.send(
                HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + sidecar.adminAddress().getPort() + "/metrics"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return r.body();
    }

    /** The value of the first series of {@code name} whose labels include {@code label}, which must exist. */
    static double value(String prometheus, String name, String label) {
        Matcher m = series(prometheus, name, label);
        assertThat(m.find()).as(name + "{" + label + "} in the metrics").isTrue();
        return Double.parseDouble(m.group(1));
    }

    /** The sum of every series of {@code name} whose labels include {@code label}. */
    static double sum(String prometheus, String name, String label) {
        Matcher m = series(prometheus, name, label);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    private static Matcher series(String prometheus, String name, String label) {
        return Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*" + Pattern.quote(label) + "[^}]*\\} (\\S+)$")
                .matcher(prometheus);
    }

    @Override
    public void close() {
        root.detachAppender(logs);
    }
}
