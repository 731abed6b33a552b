package io.dualmode.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real command line in a child JVM: YAML + env + flags, readiness, and drain on SIGTERM. */
class SidecarMainIntegrationTest {
    @Test
    void startsFromYamlServesAndDrainsOnSigterm(@TempDir Path dir) throws Exception {
        try (Backend backend = new Backend("app", "127.0.0.51")) {
            Path yaml = dir.resolve("sidecar.yaml");
            Files.writeString(
                    yaml,
                    """
                    listeners:
                      - {name: out, protocol: http, address: 127.0.0.1, port: 0}
                    clusters:
                      - name: orders
                        endpoints: [{host: 127.0.0.51, port: %d}]
                    """
                            .formatted(backend.port()));
            try (ChildSidecar child = new ChildSidecar(yaml, "-Xmx64m")) {
                assertThat(child.admin("/ready").statusCode()).isEqualTo(200);
                try (RawHttp raw = new RawHttp(new java.net.InetSocketAddress("127.0.0.1", child.proxyPort))) {
                    raw.send("GET /slow HTTP/1.1\r\nHost: orders\r\n\r\n");
                    await().atMost(Duration.ofSeconds(10)).until(() -> backend.slowStarted.get() == 1);
                    child.process.destroy();
                    assertThat(raw.readHead()).startsWith("HTTP/1.1 200");
                }
                assertThat(child.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(child.process.exitValue()).isIn(0, 143);
                System.out.println("child sidecar output:\n" + child);
            }
        }
    }
}
