package io.dualmode.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualmode.sidecar.it.ChildSidecar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a proxy-only sidecar (listeners and clusters from a YAML file; no control plane, no registry) loads into
 * metaspace: no Jackson (databind, core, YAML data format) and no Reactor, which would stay loaded for the life of the
 * process (the admin endpoint loads Jackson's streaming layer on its first request). Checked in a child JVM with
 * {@code -Xlog:class+load}.
 */
class FootprintTest {
    private static final Pattern LOADED = Pattern.compile("\\[class,load\\] (\\S+) ");
    private static final Pattern JACKSON =
            Pattern.compile("com\\.fasterxml\\.jackson\\.(databind|core|dataformat)\\..*");
    private static final String ADMIN_SERVER = "io.dualmode.sidecar.internal.admin.AdminServer";

    @Test
    void withTheAdminEndpointOnNoJacksonOrReactorClassIsLoaded(@TempDir Path dir) throws Exception {
        List<String> loaded = classesLoadedBy(dir, 0);

        assertThat(loaded).contains("io.dualmode.sidecar.config.ConfigBinder", ADMIN_SERVER);
        assertThat(jacksonClasses(loaded)).isEmpty();
        assertThat(reactorClasses(loaded)).isEmpty();
    }

    @Test
    void withTheAdminEndpointOffNoJacksonOrReactorClassIsLoaded(@TempDir Path dir) throws Exception {
        List<String> loaded = classesLoadedBy(dir, -1);

        assertThat(loaded).contains("io.dualmode.sidecar.config.ConfigBinder").doesNotContain(ADMIN_SERVER);
        assertThat(jacksonClasses(loaded)).isEmpty();
        assertThat(reactorClasses(loaded)).isEmpty();
    }

    private static List<String> reactorClasses(List<String> loaded) {
        return loaded.stream().filter(c -> c.startsWith("reactor.")).toList();
    }

    private static List<String> jacksonClasses(List<String> loaded) {
        return loaded.stream().filter(c -> JACKSON.matcher(c).matches()).toList();
    }

    /** Starts the sidecar with one HTTP egress listener and one static cluster, waits until it serves, stops it. */
    private static List<String> classesLoadedBy(Path dir, int adminPort) throws Exception {
        Path yaml = dir.resolve("sidecar.yaml");
        Files.writeString(
                yaml,
                """
                workers: 1
                admin: {address: 127.0.0.1, port: %d}
                listeners:
                  - {name: out, direction: egress, protocol: http, address: 127.0.0.1, port: 0}
                clusters:
                  - name: orders
                    connectTimeout: 250ms
                    endpoints: [{host: 127.0.0.1, port: 9}]
                """
                        .formatted(adminPort));
        Path classLog = dir.resolve("classes.log");
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx64m",
                        "-Xlog:class+load=info:file=" + classLog,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.dualmode.sidecar.SidecarMain",
                        "--config",
                        yaml.toString())
                .redirectErrorStream(true)
                .start();
        List<String> output = new CopyOnWriteArrayList<>();
        CompletableFuture.runAsync(() -> ChildSidecar.collectOutput(process, output));
        try {
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> !process.isAlive() || output.stream().anyMatch(l -> l.contains("sidecar ready")));
            assertThat(output).as("child output").anyMatch(l -> l.contains("sidecar ready"));
            process.destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        return classes(Files.readAllLines(classLog));
    }

    private static List<String> classes(List<String> log) {
        List<String> out = new ArrayList<>();
        for (String line : log) {
            Matcher m = LOADED.matcher(line);
            if (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }
}
