package io.dualmode.starter.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;

/**
 * Starts a local sidecar process with the application and supervises it: restarted with a growing pause when it
 * exits, stopped with SIGTERM (so it drains) when the application context closes.
 */
public class SidecarLauncher implements InitializingBean, DisposableBean {

    private static final Log log = LogFactory.getLog(SidecarLauncher.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private final DualmodeProperties properties;
    private final Object lock = new Object();
    private Process process;
    private Thread supervisor;
    private volatile boolean stopping;
    private volatile int restarts;

    public SidecarLauncher(DualmodeProperties properties) {
        this.properties = properties;
    }

    @Override
    public void afterPropertiesSet() {
        Path jar = properties.getSidecar().getJar();
        if (jar == null || !Files.isRegularFile(jar)) {
            throw new SidecarUnavailableException(
                    new SidecarProbe(properties).readyUri(),
                    Duration.ZERO,
                    true,
                    "dualmode.sidecar.launch=true but dualmode.sidecar.jar (" + jar + ") is not a file");
        }
        synchronized (lock) {
            process = spawn();
        }
        supervisor = new Thread(this::supervise, "dualmode-sidecar-supervisor");
        supervisor.setDaemon(true);
        supervisor.start();
    }

    /** The command line a launch runs. */
    public List<String> command() {
        DualmodeProperties.Sidecar sidecar = properties.getSidecar();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(sidecar.getJvmOptions());
        command.add("-jar");
        command.add(sidecar.getJar().toString());
        command.addAll(
                List.of("--mode", "mesh", "--registry", properties.getRegistry().getAddress()));
        command.addAll(List.of("--registry-local-port", String.valueOf(sidecar.getRegistryPort())));
        command.addAll(List.of("--admin-address", sidecar.getHost()));
        command.addAll(List.of("--admin-port", String.valueOf(sidecar.getAdminPort())));
        command.addAll(sidecar.getArgs());
        return command;
    }

    /** How often the sidecar has been restarted after exiting on its own. */
    public int restarts() {
        return restarts;
    }

    /** The running sidecar's process id, or -1 when none runs. */
    public long pid() {
        synchronized (lock) {
            return process != null && process.isAlive() ? process.pid() : -1;
        }
    }

    private Process spawn() {
        try {
            Process p = new ProcessBuilder(command()).inheritIO().start();
            log.info("Launched the local sidecar (pid " + p.pid() + ")");
            return p;
        } catch (java.io.IOException e) {
            throw new SidecarUnavailableException(
                    new SidecarProbe(properties).readyUri(),
                    Duration.ZERO,
                    true,
                    "could not start " + command() + ": " + e.getMessage());
        }
    }

    private void supervise() {
        long backoffMillis = 500;
        while (!stopping) {
            Process current;
            synchronized (lock) {
                current = process;
            }
            try {
                int exit = current.waitFor();
                if (stopping) {
                    return;
                }
                log.warn("The local sidecar exited with status " + exit + "; restarting in " + backoffMillis + " ms");
                TimeUnit.MILLISECONDS.sleep(backoffMillis);
                backoffMillis = Math.min(
                        backoffMillis * 2,
                        properties.getSidecar().getMaxRestartBackoff().toMillis());
                synchronized (lock) {
                    if (stopping) {
                        return;
                    }
                    process = spawn();
                    restarts++;
                }
            } catch (InterruptedException e) {
                return;
            } catch (SidecarUnavailableException e) {
                log.error("Could not restart the local sidecar: " + e.getMessage());
            }
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        stopping = true;
        Process current;
        synchronized (lock) {
            current = process;
        }
        if (supervisor != null) {
            supervisor.interrupt();
        }
        if (current != null && current.isAlive()) {
            current.destroy();
            if (!current.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                current.destroyForcibly();
            }
        }
    }
}
