package io.dualmode.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/dualmode-sidecar}: the JVM options it prints per {@code DUALMODE_SIDECAR_JVM_PROFILE}, that the JVM
 * of this build accepts them, and that an unknown profile stops the script.
 */
class LaunchScriptTest {

    private static final Path SCRIPT = Path.of("bin", "dualmode-sidecar");

    private record Result(int exit, String out, String err) {}

    private static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("DUALMODE_SIDECAR_JVM_OPTS");
        builder.environment().remove("DUALMODE_SIDECAR_JVM_PROFILE");
        builder.environment().remove("DUALMODE_SIDECAR_UNPACK");
        builder.environment().remove("DUALMODE_SIDECAR_UNPACK_DIR");
        builder.environment().remove("DUALMODE_SIDECAR_JAR");
        builder.environment().putAll(env);
        Path err = Files.createTempFile("launch-script", ".err");
        builder.redirectError(err.toFile());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String errText = Files.readString(err);
        Files.delete(err);
        return new Result(process.exitValue(), out, errText);
    }

    /** The value the JVM takes for {@code -XX:name=}: the last occurrence wins. */
    private static String last(String options, String prefix) {
        String value = null;
        for (String option : options.split("\\s+")) {
            if (option.startsWith(prefix)) {
                value = option.substring(prefix.length());
            }
        }
        return value;
    }

    @Test
    void theDefaultRunsC2AloneAndTheSmallProfileShrinksInliningTheYoungGenerationAndNettyArenas() throws Exception {
        Result standard = run(Map.of(), "--print-jvm-options");
        Result small = run(Map.of("DUALMODE_SIDECAR_JVM_PROFILE", "small"), "--print-jvm-options");
        assertThat(standard.exit()).isZero();
        assertThat(small.exit()).isZero();
        assertThat(standard.out()).contains("-XX:-TieredCompilation", "-Xmx48m");
        assertThat(last(standard.out(), "-XX:CompileThreshold=")).isEqualTo("1000");
        assertThat(last(standard.out(), "-Xmn")).isEqualTo("4m");
        assertThat(last(standard.out(), "-XX:MaxHeapFreeRatio=")).isEqualTo("30");
        assertThat(last(standard.out(), "-Dio.netty.allocator.maxOrder=")).isEqualTo("7");
        assertThat(last(standard.out(), "-Dio.netty.allocator.numDirectArenas="))
                .as("Netty's own arena count (one per event loop), whatever the workers")
                .isNull();
        assertThat(last(standard.out(), "-XX:CICompilerCount=")).isEqualTo("1");
        assertThat(small.out()).startsWith(standard.out()).contains("-XX:MetaspaceReclaimPolicy=aggressive");
        assertThat(last(small.out(), "-Xmn")).isEqualTo("3m");
        assertThat(last(small.out(), "-XX:MaxInlineLevel=")).isEqualTo("6");
        assertThat(last(standard.out(), "-XX:MaxInlineLevel=")).isNull();
        assertThat(last(small.out(), "-XX:CICompilerCount=")).isEqualTo("1");
        assertThat(last(small.out(), "-Dio.netty.allocator.numDirectArenas=")).isEqualTo("1");
        assertThat(last(small.out(), "-Dio.netty.allocator.maxOrder=")).isEqualTo("7");
        assertThat(run(Map.of("DUALMODE_SIDECAR_JVM_PROFILE", "default"), "--print-jvm-options")
                        .out())
                .isEqualTo(standard.out());
    }

    @Test
    void theJvmOfThisBuildAcceptsBothProfilesOptions() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (String profile : List.of("default", "small")) {
            String options = run(Map.of("DUALMODE_SIDECAR_JVM_PROFILE", profile), "--print-jvm-options")
                    .out();
            List<String> command = new ArrayList<>();
            command.add(java);
            // unrecognised options would be ignored silently: this run must reject them
            command.addAll(Arrays.stream(options.split("\\s+"))
                    .filter(o -> !o.equals("-XX:+IgnoreUnrecognizedVMOptions"))
                    .toList());
            command.add("-version");
            Process jvm = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(jvm.exitValue()).as(profile + ": " + output).isZero();
        }
    }

    @Test
    void explicitOptionsWinOverTheProfileAndAnUnknownProfileStopsTheScript() throws Exception {
        Result custom = run(
                Map.of("DUALMODE_SIDECAR_JVM_OPTS", "-Xmx1g", "DUALMODE_SIDECAR_JVM_PROFILE", "small"),
                "--print-jvm-options");
        assertThat(custom.exit()).isZero();
        assertThat(custom.out()).isEqualTo("-Xmx1g");

        Result unknown = run(Map.of("DUALMODE_SIDECAR_JVM_PROFILE", "tiny"), "--print-jvm-options");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.out()).isEmpty();
        assertThat(unknown.err())
                .contains("SIDECAR-0003", "DUALMODE_SIDECAR_JVM_PROFILE must be default or small", "'tiny'");
    }

    /** A jar holding what the script's unpack step runs (the unpacker and its error types) and one payload entry. */
    private static Path unpackableJar(Path dir) throws IOException {
        return unpackableJar(dir, null);
    }

    /**
     * As {@link #unpackableJar(Path)}, plus, when {@code main} is not null, the classes under {@code main} and a
     * manifest naming {@code io.dualmode.sidecar.SidecarMain} as the main class.
     */
    private static Path unpackableJar(Path dir, Path main) throws IOException {
        Path classes = Path.of("target", "classes");
        Path jar = dir.resolve("dualmode-mesh-sidecar-test-all.jar");
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        if (main != null) {
            manifest.getMainAttributes()
                    .put(java.util.jar.Attributes.Name.MAIN_CLASS, "io.dualmode.sidecar.SidecarMain");
        }
        try (java.util.jar.JarOutputStream out =
                        new java.util.jar.JarOutputStream(Files.newOutputStream(jar), manifest);
                java.util.stream.Stream<Path> files = Files.walk(classes.resolve("io/dualmode/sidecar"))) {
            for (Path f : files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().contains("launch") || f.toString().contains("config"))
                    .toList()) {
                out.putNextEntry(new java.util.jar.JarEntry(
                        classes.relativize(f).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
            if (main != null) {
                try (java.util.stream.Stream<Path> stub = Files.walk(main)) {
                    for (Path f : stub.filter(Files::isRegularFile).toList()) {
                        out.putNextEntry(new java.util.jar.JarEntry(
                                main.relativize(f).toString().replace('\\', '/')));
                        out.write(Files.readAllBytes(f));
                        out.closeEntry();
                    }
                }
            }
            out.putNextEntry(new java.util.jar.JarEntry("payload/hello.txt"));
            out.write("hello".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    @Test
    void unpackOnlyUnpacksTheJarOnceAndPrintsTheDirectory(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path jar = unpackableJar(dir);
        Map<String, String> env = Map.of(
                "DUALMODE_SIDECAR_JAR",
                jar.toString(),
                "DUALMODE_SIDECAR_UNPACK_DIR",
                dir.resolve("cache").toString());

        Result first = run(env, "--unpack-only");

        assertThat(first.exit()).as(first.err()).isZero();
        Path unpacked = Path.of(first.out());
        assertThat(unpacked.getParent()).isEqualTo(dir.resolve("cache"));
        assertThat(unpacked.getFileName().toString()).startsWith("dualmode-mesh-sidecar-test-all-");
        assertThat(unpacked.resolve("payload/hello.txt")).hasContent("hello");
        assertThat(unpacked.resolve(".dualmode-unpacked")).exists();

        Files.writeString(unpacked.resolve("payload/hello.txt"), "kept");
        Result second = run(env, "--unpack-only");
        assertThat(second.exit()).isZero();
        assertThat(second.out()).isEqualTo(first.out());
        assertThat(unpacked.resolve("payload/hello.txt"))
                .as("a complete directory is reused")
                .hasContent("kept");
    }

    @Test
    void anUnknownUnpackValueStopsTheScript(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path jar = Files.writeString(dir.resolve("x-all.jar"), "never started");

        Result unknown = run(Map.of("DUALMODE_SIDECAR_JAR", jar.toString(), "DUALMODE_SIDECAR_UNPACK", "yes"));

        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("SIDECAR-0003", "DUALMODE_SIDECAR_UNPACK must be auto, 0 or 1", "'yes'");
    }

    /**
     * A stand-in for the sidecar's main class that prints the class path it was started with, compiled here so the
     * test can see whether the script started the jar or its unpacked copy.
     */
    private static Path stubMain(Path dir) throws IOException {
        Path source = dir.resolve("src/io/dualmode/sidecar/SidecarMain.java");
        Files.createDirectories(source.getParent());
        Files.writeString(
                source,
                "package io.dualmode.sidecar; public final class SidecarMain { public static void main(String[] a) {"
                        + " System.out.println(System.getProperty(\"java.class.path\")); } }");
        Path out = dir.resolve("stub");
        int rc = javax.tools.ToolProvider.getSystemJavaCompiler()
                .run(null, null, null, "-d", out.toString(), source.toString());
        assertThat(rc).isZero();
        return out;
    }

    /** The complete unpacked copy under {@code cache}, or null while there is none. */
    private static Path completeCopy(Path cache) throws IOException {
        if (!Files.isDirectory(cache)) {
            return null;
        }
        try (Stream<Path> copies = Files.list(cache)) {
            return copies.filter(c -> !c.getFileName().toString().contains(".tmp"))
                    .filter(c -> Files.exists(c.resolve(".dualmode-unpacked")))
                    .findFirst()
                    .orElse(null);
        }
    }

    @Test
    void byDefaultTheFirstStartRunsTheJarWhileACopyIsUnpackedForTheNextStart(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path jar = unpackableJar(dir, stubMain(dir));
        Path cache = dir.resolve("cache");
        Map<String, String> env =
                Map.of("DUALMODE_SIDECAR_JAR", jar.toString(), "DUALMODE_SIDECAR_UNPACK_DIR", cache.toString());

        Result first = run(env);

        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out())
                .as("started from the jar, not waiting for the unpack")
                .isEqualTo(jar.toString());
        // the copy is made by a detached process: wait for it, bounded (it is written under a temporary name, marked
        // complete, then renamed: only the renamed directory counts)
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> completeCopy(cache) != null);
        Path copy = completeCopy(cache);
        assertThat(copy.resolve("io/dualmode/sidecar/SidecarMain.class")).exists();

        Result second = run(env);

        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.out()).as("started from the unpacked copy").isEqualTo(copy.toString());
        Result fromJar = run(Map.of(
                "DUALMODE_SIDECAR_JAR", jar.toString(),
                "DUALMODE_SIDECAR_UNPACK_DIR", cache.toString(),
                "DUALMODE_SIDECAR_UNPACK", "0"));
        assertThat(fromJar.out()).as("0 always runs the jar").isEqualTo(jar.toString());
    }
}
