package io.dualmode.sidecar;

import io.dualmode.sidecar.agent.MeshAgent;
import io.dualmode.sidecar.agent.SidecarDataPlane;
import io.dualmode.sidecar.config.ConfigLoader;
import io.dualmode.sidecar.config.Durations;
import io.dualmode.sidecar.config.ListenerConfig;
import io.dualmode.sidecar.config.SidecarConfig;
import io.dualmode.sidecar.config.SidecarException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line: {@code java -jar dualmode-mesh-sidecar-all.jar -c sidecar.yaml}. Every flag
 * also reads a {@code DUALMODE_SIDECAR_*} environment variable; flags and variables override the
 * file. SIGTERM drains gracefully.
 */
@Command(
        name = "dualmode-sidecar",
        mixinStandardHelpOptions = true,
        description = "The Dualmode mesh sidecar: HTTP/1.1, HTTP/2 (gRPC) and TCP proxy.")
public final class SidecarMain implements Callable<Integer> {
    @Option(
            names = {"-c", "--config"},
            defaultValue = "${env:DUALMODE_SIDECAR_CONFIG}",
            description = "YAML configuration file (env DUALMODE_SIDECAR_CONFIG).")
    Path config;

    @Option(
            names = "--workers",
            defaultValue = "${env:DUALMODE_SIDECAR_WORKERS}",
            description = "Event loops (env DUALMODE_SIDECAR_WORKERS).")
    Integer workers;

    @Option(
            names = "--admin-address",
            defaultValue = "${env:DUALMODE_SIDECAR_ADMIN_ADDRESS}",
            description = "Admin endpoint address (env DUALMODE_SIDECAR_ADMIN_ADDRESS).")
    String adminAddress;

    @Option(
            names = "--admin-port",
            defaultValue = "${env:DUALMODE_SIDECAR_ADMIN_PORT}",
            description = "Admin endpoint port, -1 to disable (env DUALMODE_SIDECAR_ADMIN_PORT).")
    Integer adminPort;

    @Option(
            names = "--ingress-address",
            defaultValue = "${env:DUALMODE_SIDECAR_INGRESS_ADDRESS}",
            description = "Address of every ingress listener (env DUALMODE_SIDECAR_INGRESS_ADDRESS).")
    String ingressAddress;

    @Option(
            names = "--drain-timeout",
            defaultValue = "${env:DUALMODE_SIDECAR_DRAIN_TIMEOUT}",
            description = "Graceful drain limit, e.g. 10s (env DUALMODE_SIDECAR_DRAIN_TIMEOUT).")
    String drainTimeout;

    @Option(
            names = "--mode",
            defaultValue = "${env:DUALMODE_SIDECAR_MODE:-mesh}",
            description = "Initial mode, mesh or sdk (env DUALMODE_SIDECAR_MODE).")
    String mode;

    @Option(
            names = "--registry",
            defaultValue = "${env:DUALMODE_SIDECAR_REGISTRY}",
            description = "The registry's serverAddr (host:port[,host:port]); enables the local registry endpoint the"
                    + " application registers and subscribes through (env DUALMODE_SIDECAR_REGISTRY).")
    String registry;

    @Option(
            names = "--registry-local-port",
            defaultValue = "${env:DUALMODE_SIDECAR_REGISTRY_LOCAL_PORT:-8848}",
            description = "HTTP port of the local registry endpoint on 127.0.0.1; gRPC is this + 1000"
                    + " (env DUALMODE_SIDECAR_REGISTRY_LOCAL_PORT, default ${DEFAULT-VALUE}).")
    int registryLocalPort;

    @Option(
            names = "--registry-switch-overlap",
            defaultValue = "${env:DUALMODE_SIDECAR_REGISTRY_SWITCH_OVERLAP:-2s}",
            description = "After a mode switch, how long the application is handed both the old and the new provider"
                    + " addresses before the new ones alone (make-before-break), 0s to 60s"
                    + " (env DUALMODE_SIDECAR_REGISTRY_SWITCH_OVERLAP, default ${DEFAULT-VALUE}).")
    String registrySwitchOverlap;

    @Option(
            names = "--mesh-api-port",
            defaultValue = "${env:DUALMODE_SIDECAR_MESH_API_PORT:--1}",
            description = "A port of its own on 127.0.0.1 for the HTTP API SOFARPC's mesh registry calls (13330 by"
                    + " convention); the API is also served on --registry-local-port. -1: none"
                    + " (env DUALMODE_SIDECAR_MESH_API_PORT, default ${DEFAULT-VALUE}).")
    Integer meshApiPort;

    @Option(
            names = "--mesh-api-egress-port",
            defaultValue = "${env:DUALMODE_SIDECAR_MESH_API_EGRESS_PORT:-12220}",
            description = "The Bolt egress port SOFARPC's mesh registry clients dial on 127.0.0.1"
                    + " (env DUALMODE_SIDECAR_MESH_API_EGRESS_PORT, default ${DEFAULT-VALUE}).")
    Integer meshApiEgressPort;

    @Option(
            names = "--mesh-api-application",
            defaultValue = "${env:DUALMODE_SIDECAR_MESH_API_APPLICATION:-127.0.0.1:12200}",
            description = "host:port where the application serves Bolt, for services it publishes through the mesh"
                    + " API (env DUALMODE_SIDECAR_MESH_API_APPLICATION, default ${DEFAULT-VALUE}).")
    String meshApiApplication;

    @Option(
            names = "--mesh-api-namespace",
            defaultValue = "${env:DUALMODE_SIDECAR_MESH_API_NAMESPACE:-sofa-rpc}",
            description = "Registry namespace of the services published and subscribed through the mesh API"
                    + " (env DUALMODE_SIDECAR_MESH_API_NAMESPACE, default ${DEFAULT-VALUE}).")
    String meshApiNamespace;

    @Option(
            names = "--mesh-api-liveness-interval",
            defaultValue = "${env:DUALMODE_SIDECAR_MESH_API_LIVENESS_INTERVAL:-5s}",
            description =
                    "How often the application whose services the mesh API published is checked for accepting"
                            + " connections; after 3 failures in a row its services are withdrawn until it answers again;"
                            + " 0s turns the check off (env DUALMODE_SIDECAR_MESH_API_LIVENESS_INTERVAL, default ${DEFAULT-VALUE}).")
    String meshApiLivenessInterval;

    @Option(
            names = "--control-plane",
            defaultValue = "${env:DUALMODE_SIDECAR_CONTROL_PLANE}",
            description = "The control plane's push stream, e.g. ws://platform:8080/api/v1/push"
                    + " (env DUALMODE_SIDECAR_CONTROL_PLANE; YAML controlPlane.url).")
    String controlPlane;

    @Option(
            names = "--control-plane-token",
            defaultValue = "${env:DUALMODE_SIDECAR_CONTROL_PLANE_TOKEN}",
            description = "The sidecar token issued by the platform (env DUALMODE_SIDECAR_CONTROL_PLANE_TOKEN;"
                    + " YAML controlPlane.token).")
    String controlPlaneToken;

    @Option(
            names = "--state-dir",
            defaultValue = "${env:DUALMODE_SIDECAR_STATE_DIR}",
            description = "Where the last good governance rules are saved and restored from on start"
                    + " (env DUALMODE_SIDECAR_STATE_DIR; YAML controlPlane.stateDir).")
    Path stateDir;

    @Option(
            names = "--control-plane-report-interval",
            defaultValue = "${env:DUALMODE_SIDECAR_CONTROL_PLANE_REPORT_INTERVAL}",
            description = "How often traffic counts are reported to the control plane, e.g. 5s"
                    + " (env DUALMODE_SIDECAR_CONTROL_PLANE_REPORT_INTERVAL; YAML controlPlane.reportInterval).")
    String reportInterval;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SidecarMain()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        SidecarConfig cfg;
        Mode initial = Mode.parse(mode);
        try {
            cfg = ConfigLoader.load(config, overrides());
            cfg = withControlPlane(cfg);
            switchOverlap();
            meshApiLivenessInterval();
            if (initial == null) {
                throw io.dualmode.sidecar.config.SidecarErrors.CONFIG_INVALID.exception(
                        "--mode must be mesh or sdk, got " + mode);
            }
        } catch (SidecarException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        Sidecar sidecar;
        try {
            sidecar = Sidecar.create(cfg, initial).start();
        } catch (SidecarException e) {
            System.err.println(e.getMessage());
            return 3;
        }
        MeshAgent agent;
        try {
            agent = startAgent(sidecar, cfg);
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
            sidecar.stop();
            return 3;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            if (agent != null) {
                                agent.close();
                            }
                            sidecar.stop();
                            stopped.countDown();
                        },
                        "dualmode-sidecar-drain"));
        stopped.await();
        return 0;
    }

    /** Starts the registry agent when a registry is configured; its ingress host is the ingress address. */
    MeshAgent startAgent(Sidecar sidecar, SidecarConfig cfg) {
        if (registry == null || registry.isBlank()) {
            return null;
        }
        String ingressHost = ingressAddress != null
                ? ingressAddress
                : cfg.listeners().stream()
                        .filter(l -> l.direction() == ListenerConfig.Direction.INGRESS)
                        .map(ListenerConfig::address)
                        .findFirst()
                        .orElse("127.0.0.1");
        MeshAgent agent = MeshAgent.builder(registry, new SidecarDataPlane(sidecar, ingressHost), sidecar.mode())
                .localPort(registryLocalPort)
                .switchOverlap(switchOverlap())
                .meshApiPort(meshApiPort == null ? -1 : meshApiPort)
                .meshApiEgressPort(meshApiEgressPort == null ? MeshAgent.DEFAULT_MESH_EGRESS_PORT : meshApiEgressPort)
                .meshApiApplication(meshApiApplicationHost(), meshApiApplicationPort())
                .meshApiNamespace(meshApiNamespace == null ? MeshAgent.DEFAULT_SOFA_NAMESPACE : meshApiNamespace)
                .meshApiLivenessInterval(meshApiLivenessInterval())
                .build()
                .start();
        sidecar.watchInstancesWith(agent::watchInstances);
        return agent;
    }

    private String meshApiApplicationHost() {
        if (meshApiApplication == null) {
            meshApiApplication = "127.0.0.1:" + MeshAgent.DEFAULT_SOFA_APPLICATION_PORT;
        }
        int colon = meshApiApplication.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(
                    "SIDECAR-0003: --mesh-api-application must be host:port, got " + meshApiApplication);
        }
        return meshApiApplication.substring(0, colon);
    }

    private int meshApiApplicationPort() {
        String port = meshApiApplication.substring(meshApiApplication.lastIndexOf(':') + 1);
        try {
            return Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "SIDECAR-0003: --mesh-api-application must be host:port, got " + meshApiApplication);
        }
    }

    /** The parsed {@code --mesh-api-liveness-interval} (default 5 s); {@code SIDECAR-0003} when negative. */
    Duration meshApiLivenessInterval() {
        if (meshApiLivenessInterval == null || meshApiLivenessInterval.isBlank()) {
            return MeshAgent.DEFAULT_MESH_API_LIVENESS_INTERVAL;
        }
        Duration d = Durations.parse(meshApiLivenessInterval.trim());
        if (d.isNegative()) {
            throw io.dualmode.sidecar.config.SidecarErrors.CONFIG_INVALID.exception(
                    "--mesh-api-liveness-interval must not be negative, got " + meshApiLivenessInterval);
        }
        return d;
    }

    /** The parsed {@code --registry-switch-overlap} (default 2 s); {@code SIDECAR-0003} out of 0..60 s. */
    Duration switchOverlap() {
        if (registrySwitchOverlap == null || registrySwitchOverlap.isBlank()) {
            return MeshAgent.DEFAULT_SWITCH_OVERLAP;
        }
        Duration d = Durations.parse(registrySwitchOverlap.trim());
        if (d.isNegative() || d.compareTo(Duration.ofSeconds(MeshAgent.MAX_OVERLAP_SECONDS)) > 0) {
            throw io.dualmode.sidecar.config.SidecarErrors.CONFIG_INVALID.exception(
                    "--registry-switch-overlap must be between 0s and " + MeshAgent.MAX_OVERLAP_SECONDS + "s, got "
                            + registrySwitchOverlap);
        }
        return d;
    }

    /** Applies the control-plane flags over the YAML's {@code controlPlane} keys, validating the result. */
    SidecarConfig withControlPlane(SidecarConfig cfg) {
        if (controlPlane == null && controlPlaneToken == null && stateDir == null && reportInterval == null) {
            return cfg;
        }
        return cfg.toBuilder()
                .controlPlane(cfg.controlPlane()
                        .with(controlPlane, controlPlaneToken, stateDir)
                        .withReportInterval(reportInterval == null ? null : Durations.parse(reportInterval.trim())))
                .build();
    }

    private ConfigLoader.Overrides overrides() {
        return new ConfigLoader.Overrides(
                workers,
                adminAddress,
                adminPort,
                ingressAddress,
                drainTimeout == null ? null : Durations.parse(drainTimeout));
    }
}
