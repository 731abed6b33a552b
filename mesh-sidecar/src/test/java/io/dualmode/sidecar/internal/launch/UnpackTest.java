package io.dualmode.sidecar.internal.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualmode.sidecar.config.SidecarException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unpacking the sidecar jar for the launch script's {@code DUALMODE_SIDECAR_UNPACK=1}. */
class UnpackTest {

    private static Path jar(Path dir, Map<String, String> entries) throws IOException {
        Path jar = dir.resolve("app.jar");
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream j = new JarOutputStream(out)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                j.putNextEntry(new JarEntry(e.getKey()));
                j.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                j.closeEntry();
            }
        }
        return jar;
    }

    @Test
    void multiReleaseEntriesUpToTheRunningVersionAreLaidOverTheBaseInAscendingOrder(@TempDir Path dir)
            throws Exception {
        int running = Runtime.version().feature();
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("META-INF/versions/" + running + "/a/B.class", "running");
        entries.put("a/B.class", "base");
        entries.put("a/C.class", "base only");
        entries.put("META-INF/versions/9/a/B.class", "nine");
        entries.put("META-INF/versions/9/a/D.class", "nine only");
        entries.put("META-INF/versions/" + (running + 1) + "/a/B.class", "newer than this JVM");
        entries.put("META-INF/services/x.Y", "a.B\n");
        Path target = dir.resolve("out/unpacked");

        Unpack.unpack(jar(dir, entries), target);

        assertThat(target.resolve("a/B.class")).hasContent("running");
        assertThat(target.resolve("a/C.class")).hasContent("base only");
        assertThat(target.resolve("a/D.class")).hasContent("nine only");
        assertThat(target.resolve("META-INF/services/x.Y")).hasContent("a.B");
        assertThat(target.resolve(Unpack.COMPLETE)).exists();
        try (Stream<Path> siblings = Files.list(target.getParent())) {
            assertThat(siblings).as("no temporary directory left behind").containsExactly(target);
        }
    }

    @Test
    void aCompleteDirectoryIsKeptAsItIs(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("unpacked");
        Unpack.unpack(jar(dir, Map.of("a/B.class", "first")), target);
        Files.writeString(target.resolve("a/B.class"), "changed after unpacking");

        Unpack.unpack(dir.resolve("app.jar"), target);

        assertThat(target.resolve("a/B.class")).hasContent("changed after unpacking");
    }

    @Test
    void anEntryThatWouldLandOutsideTheDirectoryIsRefusedAndNothingIsLeft(@TempDir Path dir) throws Exception {
        Path jar = jar(dir, Map.of("a/B.class", "fine", "../../evil.sh", "outside"));
        Path target = dir.resolve("out/unpacked");

        assertThatThrownBy(() -> Unpack.unpack(jar, target))
                .isInstanceOf(SidecarException.class)
                .hasMessageContaining("SIDECAR-0020")
                .hasMessageContaining("outside the directory");
        assertThat(target).doesNotExist();
        assertThat(dir.resolve("evil.sh")).doesNotExist();
        try (Stream<Path> left = Files.list(dir.resolve("out"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void anUnreadableJarIsReportedWithItsCode(@TempDir Path dir) throws Exception {
        Path notAJar = Files.writeString(dir.resolve("broken.jar"), "not a zip");

        assertThatThrownBy(() -> Unpack.unpack(notAJar, dir.resolve("unpacked")))
                .isInstanceOf(SidecarException.class)
                .hasMessageContaining("SIDECAR-0020")
                .hasMessageContaining("broken.jar");
    }
}
