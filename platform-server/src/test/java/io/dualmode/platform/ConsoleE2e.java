package io.dualmode.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of console-ui's Playwright scripts ({@code e2e/*.e2e.mjs}) with node against a running platform, in
 * Debian's headless Chromium, and asserts it passed and left the named screenshots. The scripts drive the real
 * console in a real browser; this class only launches them, bounds their time and reads their TAP output.
 */
final class ConsoleE2e {

    static final Path CONSOLE_UI = Path.of("..", "console-ui").toAbsolutePath().normalize();
    static final Path CHROMIUM = Path.of(System.getProperty("console.e2e.chromium", "/usr/bin/chromium"));

    private ConsoleE2e() {}

    /**
     * Runs {@code script} with {@code env} (plus {@code CONSOLE_URL}, {@code CONSOLE_ADMIN_PASSWORD},
     * {@code CONSOLE_SCREENSHOTS} and {@code CHROMIUM}) for at most {@code limit}; asserts every test passed and a
     * {@code console-<page>.png} screenshot exists for each of {@code pages}.
     */
    static void run(
            String script, RunningPlatform platform, Map<String, String> env, Duration limit, List<String> pages)
            throws Exception {
        assertThat(CHROMIUM)
                .as("the console's browser tests need Debian's chromium (apt-get install chromium)")
                .isExecutable();
        assertThat(CONSOLE_UI.resolve("node_modules/playwright-core"))
                .as(
                        "console-ui's node_modules; build it in the same reactor: ./mvnw -pl console-ui,platform-server -am verify")
                .isDirectory();
        Path screenshots = Path.of(System.getProperty("console.e2e.screenshots", "target/console-screenshots"))
                .toAbsolutePath();
        Path log = Path.of("target", script.replace("/", "-") + ".log").toAbsolutePath();
        Files.createDirectories(log.getParent());

        ProcessBuilder builder = new ProcessBuilder("node", "--test", "--test-reporter=tap", script)
                .directory(CONSOLE_UI.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        environment.put("CONSOLE_URL", "http://127.0.0.1:" + platform.port());
        environment.put("CONSOLE_ADMIN_PASSWORD", RunningPlatform.ADMIN_PASSWORD);
        environment.put("CONSOLE_SCREENSHOTS", screenshots.toString());
        environment.put("CHROMIUM", CHROMIUM.toString());
        environment.putAll(env);

        Process node = builder.start();
        boolean finished = node.waitFor(limit.toSeconds(), TimeUnit.SECONDS);
        if (!finished) {
            node.descendants().forEach(ProcessHandle::destroyForcibly);
            node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(finished)
                .as("the browser tests finished within %s:%n%s", limit, output)
                .isTrue();
        assertThat(node.exitValue()).as("the browser tests passed:%n%s", output).isZero();
        assertThat(output).contains("# fail 0").doesNotContain("# pass 0");
        for (String page : pages) {
            assertThat(screenshots.resolve("console-" + page + ".png")).isNotEmptyFile();
        }
    }
}
