package io.dualmode.sidecar.control;

import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.config.ControlPlaneConfig;
import io.dualmode.sidecar.config.LocalServiceConfig;
import io.dualmode.sidecar.config.SidecarConfig;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a sidecar's {@link ControlPlaneClient}: its node id, the facts it reports (sidecar version, application,
 * mode, instance addresses) and its subscriptions (the configured services plus the local services).
 */
public final class ControlPlanes {

    private ControlPlanes() {}

    /** The client of a sidecar that is starting; the sidecar calls this itself. */
    public static ControlPlaneClient client(Sidecar sidecar, SidecarConfig config) {
        ControlPlaneConfig cp = config.controlPlane();
        Set<String> services = new LinkedHashSet<>(cp.subscribe());
        config.services().forEach(s -> services.add(s.name()));
        String nodeId = cp.nodeId() != null ? cp.nodeId() : defaultNodeId(sidecar, config);
        ControlPlaneClient client = new ControlPlaneClient(
                cp,
                sidecar.governance(),
                nodeId,
                () -> node(sidecar, config),
                List.copyOf(services),
                mode -> sidecar.mode().set(io.dualmode.sidecar.Mode.parse(mode)));
        sidecar.mode().addListener((previous, current) -> client.reportNode());
        return client;
    }

    /** Drops the Sentinel rules of a sidecar that stopped. */
    public static void release(Governance governance) {
        governance.close();
    }

    /**
     * {@code <application>@<addresses>}: the first local service and the instance addresses known at start; a sidecar
     * whose applications register through its registry endpoint later is {@code sidecar@<admin address>} (or its
     * listener addresses when it has no admin endpoint), which is unique per host and stable across restarts.
     */
    private static String defaultNodeId(Sidecar sidecar, SidecarConfig config) {
        if (!config.services().isEmpty()) {
            return config.services().get(0).name() + "@" + instances(sidecar, config);
        }
        java.net.InetSocketAddress admin = sidecar.adminAddress();
        return "sidecar@"
                + (admin != null
                        ? admin.getAddress().getHostAddress() + ":" + admin.getPort()
                        : instances(sidecar, config));
    }

    private static String application(Sidecar sidecar, SidecarConfig config) {
        if (!config.services().isEmpty()) {
            return config.services().get(0).name();
        }
        return sidecar.exposed().keySet().stream().findFirst().orElse("sidecar");
    }

    private static Map<String, String> node(Sidecar sidecar, SidecarConfig config) {
        Map<String, String> node = new LinkedHashMap<>();
        node.put("sidecarVersion", version());
        node.put("application", application(sidecar, config));
        node.put("mode", sidecar.mode().get().wireName());
        node.put("instances", instances(sidecar, config));
        return node;
    }

    /**
     * The addresses the registry may show for the instances behind this sidecar, {@code ip:port} comma-separated: the
     * configured local services, the applications registered through the registry endpoint (their real addresses, as
     * registered in SDK mode) and every ingress listener (as registered in mesh mode), including those opened at run
     * time.
     */
    private static String instances(Sidecar sidecar, SidecarConfig config) {
        Set<String> out = new LinkedHashSet<>();
        for (LocalServiceConfig s : config.services()) {
            out.add(s.address() + ":" + s.port());
        }
        sidecar.exposed().values().forEach(a -> out.add(a.getHostString() + ":" + a.getPort()));
        sidecar.listeners().stream()
                .filter(l -> l.direction() == io.dualmode.sidecar.config.ListenerConfig.Direction.INGRESS)
                .map(l -> sidecar.listenerAddress(l.name()))
                .filter(a -> a != null)
                .forEach(a -> out.add(a.getAddress().getHostAddress() + ":" + a.getPort()));
        return String.join(",", out);
    }

    private static String version() {
        String v = Sidecar.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
