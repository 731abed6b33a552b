package io.dualmode.starter.core;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** The {@code dualmode.*} properties: which mode the instance runs in, where the registry and the sidecar are. */
@ConfigurationProperties("dualmode")
@Validated
public class DualmodeProperties {

    /** Whether the framework talks to the registry directly ({@code sdk}) or only through the local sidecar. */
    @NotNull
    private DualmodeMode mode = DualmodeMode.SDK;

    /** The registry the instance uses in SDK mode, and the one a launched sidecar connects to. */
    @Valid
    private final Registry registry = new Registry();

    /** The local sidecar used in mesh mode. */
    @Valid
    private final Sidecar sidecar = new Sidecar();

    public DualmodeMode getMode() {
        return mode;
    }

    public void setMode(DualmodeMode mode) {
        this.mode = mode;
    }

    public Registry getRegistry() {
        return registry;
    }

    public Sidecar getSidecar() {
        return sidecar;
    }

    /**
     * The Nacos {@code serverAddr} the framework must use: the registry's in SDK mode, the sidecar's local registry
     * endpoint in mesh mode.
     */
    public String effectiveRegistryAddress() {
        return mode == DualmodeMode.MESH ? sidecar.getHost() + ":" + sidecar.getRegistryPort() : registry.getAddress();
    }

    /** Where the registry is. */
    public static class Registry {

        /** The registry's Nacos {@code serverAddr}, {@code host:port[,host:port]}. */
        @NotBlank
        private String address = "127.0.0.1:8848";

        /** The Nacos namespace to register in; empty for the public namespace. */
        private String namespace = "";

        public String getAddress() {
            return address;
        }

        public void setAddress(String address) {
            this.address = address;
        }

        public String getNamespace() {
            return namespace;
        }

        public void setNamespace(String namespace) {
            this.namespace = namespace;
        }
    }

    /** Where the local sidecar is, whether to check it and whether to launch it. */
    public static class Sidecar {

        /** The sidecar's loopback address, where its local registry endpoint and admin endpoint listen. */
        @NotBlank
        private String host = "127.0.0.1";

        /** HTTP port of the sidecar's local registry endpoint; its gRPC port is this plus 1000. */
        @Min(1)
        @Max(64535)
        private int registryPort = 8848;

        /** Port of the sidecar's admin endpoint, which answers {@code /ready}. */
        @Min(1)
        @Max(65535)
        private int adminPort = 15000;

        /** Whether start-up fails, with an explanation, when the sidecar does not answer in mesh mode. */
        private boolean checkOnStartup = true;

        /** How long start-up waits for the sidecar to become ready. */
        @NotNull
        private Duration startupTimeout = Duration.ofSeconds(10);

        /** Whether the starter starts and supervises a local sidecar process itself (VMs, developer machines). */
        private boolean launch = false;

        /** The sidecar's executable jar ({@code dualmode-mesh-sidecar-*-all.jar}), needed when launching. */
        private Path jar;

        /** Extra command-line arguments for a launched sidecar. */
        private List<String> args = new ArrayList<>();

        /** Extra JVM options for a launched sidecar. */
        private List<String> jvmOptions = new ArrayList<>(List.of("-Xms32m", "-Xmx64m", "-XX:+UseSerialGC"));

        /** Longest pause between restarts of a launched sidecar that exited. */
        @NotNull
        private Duration maxRestartBackoff = Duration.ofSeconds(10);

        public String getHost() {
            return host;
        }

        public void setHost(String host) {
            this.host = host;
        }

        public int getRegistryPort() {
            return registryPort;
        }

        public void setRegistryPort(int registryPort) {
            this.registryPort = registryPort;
        }

        public int getAdminPort() {
            return adminPort;
        }

        public void setAdminPort(int adminPort) {
            this.adminPort = adminPort;
        }

        public boolean isCheckOnStartup() {
            return checkOnStartup;
        }

        public void setCheckOnStartup(boolean checkOnStartup) {
            this.checkOnStartup = checkOnStartup;
        }

        public Duration getStartupTimeout() {
            return startupTimeout;
        }

        public void setStartupTimeout(Duration startupTimeout) {
            this.startupTimeout = startupTimeout;
        }

        public boolean isLaunch() {
            return launch;
        }

        public void setLaunch(boolean launch) {
            this.launch = launch;
        }

        public Path getJar() {
            return jar;
        }

        public void setJar(Path jar) {
            this.jar = jar;
        }

        public List<String> getArgs() {
            return args;
        }

        public void setArgs(List<String> args) {
            this.args = args;
        }

        public List<String> getJvmOptions() {
            return jvmOptions;
        }

        public void setJvmOptions(List<String> jvmOptions) {
            this.jvmOptions = jvmOptions;
        }

        public Duration getMaxRestartBackoff() {
            return maxRestartBackoff;
        }

        public void setMaxRestartBackoff(Duration maxRestartBackoff) {
            this.maxRestartBackoff = maxRestartBackoff;
        }
    }
}
