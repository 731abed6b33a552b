package io.dualmode.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualmode.sidecar.internal.transport.IdleCollection;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Young collections started by an idle worker loop ({@link IdleCollection}), in a child JVM with the launch script's
 * collector (serial), a small young generation (2 MB, so that it fills in a few thousand calls), a GC log, and an
 * HTTP listener in front of a real backend: while a call is in flight the sidecar starts none, however full the young
 * generation gets (the allocation that fills it collects, as without the feature); once no call is in flight, it
 * starts them between calls (the admin scrapes between the test's batches of calls leave the worker loop quiet for
 * longer than the 250 µs it waits for); every call is answered.
 */
class IdleCollectionIntegrationTest {
    private static final Pattern COUNTER = Pattern.compile("(?m)^sidecar_jvm_idle_collections_total (\\S+)$");

    @Test
    void startsYoungCollectionsOnlyWhenNoCallIsInFlight(@TempDir Path dir) throws Exception {
        try (Backend backend = new Backend("app", "127.0.0.53")) {
            Path yaml = dir.resolve("sidecar.yaml");
            Files.writeString(
                    yaml,
                    """
                    listeners:
                      - {name: out, protocol: http, address: 127.0.0.1, port: 0, cluster: orders}
                    clusters:
                      - name: orders
                        endpoints: [{host: 127.0.0.53, port: %d}]
                    """
                            .formatted(backend.port()));
            Path gcLog = dir.resolve("gc.log");
            try (ChildSidecar child =
                    new ChildSidecar(yaml, "-Xmx48m", "-Xmn2m", "-XX:+UseSerialGC", "-Xlog:gc:file=" + gcLog)) {
                HttpClient http = HttpClient.newHttpClient();
                try (RawHttp held = new RawHttp(new InetSocketAddress("127.0.0.1", child.proxyPort))) {
                    held.send("GET /hold HTTP/1.1\r\nHost: orders\r\n\r\n");
                    await().atMost(Duration.ofSeconds(10)).until(() -> backend.held.get() == 1);

                    double startedBefore = started(child);
                    long youngBefore = youngCollections(gcLog);
                    await().atMost(Duration.ofSeconds(60))
                            .pollInterval(Duration.ZERO)
                            .until(() -> drive(http, child) && youngCollections(gcLog) >= youngBefore + 2);
                    assertThat(started(child))
                            .as(
                                    "collections started by the loop while /hold was in flight (GC log: %d young"
                                            + " collections meanwhile)",
                                    youngCollections(gcLog) - youngBefore)
                            .isEqualTo(startedBefore);

                    backend.release.tryEmitValue("go");
                    assertThat(held.readResponse()).startsWith("HTTP/1.1 200").endsWith("app held");
                    await().atMost(Duration.ofSeconds(60))
                            .pollInterval(Duration.ZERO)
                            .until(() -> drive(http, child) && started(child) > startedBefore);
                    assertThat(youngCollections(gcLog)).isGreaterThanOrEqualTo((long) started(child));
                }
            }
        }
    }

    @Test
    void isOffWithACollectorWithoutAFixedEden() {
        Assumptions.assumeTrue(
                ManagementFactory.getGarbageCollectorMXBeans().stream()
                        .map(GarbageCollectorMXBean::getName)
                        .anyMatch(n -> n.startsWith("G1")),
                "the test JVM runs G1");
        assertThat(IdleCollection.create(() -> 0)).isNull();
    }

    /** Fifty calls through the sidecar, each answered 200. */
    private static boolean drive(HttpClient http, ChildSidecar child) throws Exception {
        for (int i = 0; i < 50; i++) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + child.proxyPort + "/call/" + i))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        return true;
    }

    private static double started(ChildSidecar child) throws Exception {
        Matcher m = COUNTER.matcher(child.admin("/metrics").body());
        assertThat(m.find())
                .as("sidecar_jvm_idle_collections_total in the metrics")
                .isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static long youngCollections(Path gcLog) throws Exception {
        try (var lines = Files.lines(gcLog)) {
            return lines.filter(l -> l.contains("Pause Young")).count();
        }
    }
}
