package io.dualmode.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A framework application running in its own JVM, spoken to through {@link ChildChannel}'s line protocol. Everything
 * the child prints goes to a log file under {@code target/child-jvms}; failures quote its tail. A child dies with its
 * test: {@link #close()} stops it, a shutdown hook kills any left behind, and the child exits by itself when its
 * standard input closes.
 */
public final class ChildJvm implements AutoCloseable, Teardown.StopsInBackground {

    private static final int TAIL_LINES = 80;
    /** Queued when the child's output ends, so a wait fails at once instead of running out its time. */
    private static final String OUTPUT_CLOSED = "\u0000output-closed";

    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "child-jvm-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path log;
    private final Writer stdin;
    private final BlockingQueue<String> protocolLines = new LinkedBlockingQueue<>();
    private final Deque<String> tail = new ArrayDeque<>();

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        LIVE.add(process);
        Thread pump = new Thread(this::pumpOutput, "child-jvm-" + name);
        pump.setDaemon(true);
        pump.start();
    }

    /**
     * Starts describing a child JVM.
     *
     * @param name short name used in thread names, log files and failure messages
     * @param mainClass the class whose {@code main} runs in the child
     * @return a builder
     */
    public static Builder builder(String name, String mainClass) {
        return new Builder(name, mainClass);
    }

    /**
     * Waits for the child's {@code ready} line.
     *
     * @param timeout how long start-up may take
     * @return what the child reported with it
     */
    public String awaitReady(Duration timeout) {
        return expect(ChildChannel.READY, timeout);
    }

    /**
     * Sends one command and waits for its reply.
     *
     * @param command command word and argument, one line
     * @param timeout how long the reply may take
     * @return the reply
     * @throws ChildJvmException when the child answers with an error, dies, or does not answer in time
     */
    public String request(String command, Duration timeout) {
        synchronized (protocolLines) {
            send(command);
            return expect(ChildChannel.OK, timeout);
        }
    }

    /**
     * Asks the child to shut down the way its framework does on a normal stop, and waits for it to exit.
     *
     * @return the exit code
     */
    public int stop() {
        if (process.isAlive()) {
            send(ChildChannel.EXIT);
        }
        return waitForExit(STOP_GRACE);
    }

    /** Kills the child at once (SIGKILL): no shutdown hook runs, its sockets are closed by the kernel. */
    public void kill() {
        process.destroyForcibly();
        waitForExit(STOP_GRACE);
    }

    /** @return the operating system's process id */
    public long pid() {
        return process.pid();
    }

    /** @return whether the child is still running */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** @return the file holding everything the child printed */
    public Path log() {
        return log;
    }

    /** Stops the child if it still runs: SIGTERM, then SIGKILL if it does not go. */
    @Override
    public void stopInBackground() {
        process.destroy();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            waitForExit(STOP_GRACE);
        }
        LIVE.remove(process);
    }

    private int waitForExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            LIVE.remove(process);
            return process.isAlive() ? -1 : process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new ChildJvmException(name + ": interrupted while waiting for exit", e);
        }
    }

    private void send(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new ChildJvmException(describe("cannot send '" + line + "'"), e);
        }
    }

    private String expect(String kind, Duration timeout) {
        String line = nextProtocolLine(timeout);
        int space = line.indexOf(' ');
        String got = space < 0 ? line : line.substring(0, space);
        String payload = space < 0 ? "" : line.substring(space + 1);
        if (!got.equals(kind)) {
            throw new ChildJvmException(describe("expected '" + kind + "' but got '" + line + "'"));
        }
        return payload;
    }

    private String nextProtocolLine(Duration timeout) {
        try {
            String line = protocolLines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                throw new ChildJvmException(describe("no answer within " + timeout));
            }
            if (line.equals(OUTPUT_CLOSED)) {
                protocolLines.add(OUTPUT_CLOSED); // every later wait fails at once too
                throw new ChildJvmException(describe("closed its output (exited) without answering"));
            }
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChildJvmException(describe("interrupted"), e);
        }
    }

    private void pumpOutput() {
        try (BufferedReader out =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                Writer file = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                file.write(line + "\n");
                file.flush();
                remember(line);
                if (line.startsWith(ChildChannel.PREFIX)) {
                    protocolLines.add(line.substring(ChildChannel.PREFIX.length()));
                }
            }
        } catch (IOException e) {
            remember("[output pump failed: " + e + "]");
        } finally {
            protocolLines.add(OUTPUT_CLOSED);
        }
    }

    private void remember(String line) {
        synchronized (tail) {
            tail.addLast(line);
            if (tail.size() > TAIL_LINES) {
                tail.removeFirst();
            }
        }
    }

    private String describe(String problem) {
        String exit = process.isAlive() ? "running" : "exit code " + process.exitValue();
        synchronized (tail) {
            return name + " (pid " + process.pid() + ", " + exit + "): " + problem + "\n--- last lines of " + log
                    + " ---\n" + String.join("\n", tail);
        }
    }

    /** Describes a child JVM before it starts. */
    public static final class Builder {
        private final String name;
        private final String mainClass;
        private final List<String> jvmArgs = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private String classpath = System.getProperty("java.class.path");
        private Path userHome;
        private Path logDir = Path.of("target", "child-jvms");

        private Builder(String name, String mainClass) {
            this.name = name;
            this.mainClass = mainClass;
        }

        /**
         * The child's classpath; by default the test JVM's own.
         *
         * @param value entries joined with the platform's path separator
         * @return this builder
         */
        public Builder classpath(String value) {
            this.classpath = value;
            return this;
        }

        /**
         * Adds JVM options ({@code -D...}, {@code --add-opens ...}).
         *
         * @param values the options
         * @return this builder
         */
        public Builder jvmArgs(String... values) {
            jvmArgs.addAll(List.of(values));
            return this;
        }

        /**
         * Adds program arguments.
         *
         * @param values the arguments
         * @return this builder
         */
        public Builder args(String... values) {
            args.addAll(List.of(values));
            return this;
        }

        /**
         * Gives the child its own home directory, so no client disk cache (Nacos snapshots, Dubbo's file cache) is
         * shared between runs. Required.
         *
         * @param value an empty directory
         * @return this builder
         */
        public Builder userHome(Path value) {
            this.userHome = value;
            return this;
        }

        /**
         * Where the child's output is written; {@code target/child-jvms} by default.
         *
         * @param value a directory
         * @return this builder
         */
        public Builder logDir(Path value) {
            this.logDir = value;
            return this;
        }

        /**
         * Starts the child.
         *
         * @return the running child
         */
        public ChildJvm start() {
            if (userHome == null) {
                throw new IllegalStateException(name + ": a child JVM needs its own user.home");
            }
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            // Start-up matters more than peak speed here: two cores run several JVMs at once.
            command.addAll(List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k"));
            command.add("-Djava.net.preferIPv4Stack=true");
            command.add("-Duser.home=" + userHome.toAbsolutePath());
            command.add("-Djava.io.tmpdir=" + userHome.toAbsolutePath());
            command.addAll(jvmArgs);
            command.addAll(List.of("-cp", classpath, mainClass));
            command.addAll(args);
            try {
                Files.createDirectories(logDir);
                Path log = logDir.resolve(name + "-" + System.currentTimeMillis() + ".log");
                Process process = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .directory(userHome.toFile())
                        .start();
                return new ChildJvm(name, process, log.toAbsolutePath());
            } catch (IOException e) {
                throw new UncheckedIOException(name + ": cannot start " + command, e);
            }
        }
    }
}
