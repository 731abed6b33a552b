package io.dualmode.sidecar.control;

import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.config.ControlPlaneConfig;
import io.dualmode.sidecar.config.LocalServiceConfig;
import io.dualmode.sidecar.config.SidecarConfig;
import java.util.ArrayList;
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
        String application = config.services().isEmpty()
                ? "sidecar"
                : config.services().get(0).name();
        String nodeId = cp.nodeId() != null ? cp.nodeId() : application + "@" + instances(sidecar, config);
        ControlPlaneClient client = new ControlPlaneClient(
                cp, sidecar.governance(), nodeId, () -> node(sidecar, config, application), List.copyOf(services));
        sidecar.mode().addListener((previous, current) -> client.reportNode());
        return client;
    }

    /** Drops the Sentinel rules of a sidecar that stopped. */
    public static void release(Governance governance) {
        governance.close();
    }

    private static Map<String, String> node(Sidecar sidecar, SidecarConfig config, String application) {
        Map<String, String> node = new LinkedHashMap<>();
        node.put("sidecarVersion", version());
        node.put("application", application);
        node.put("mode", sidecar.mode().get().wireName());
        node.put("instances", instances(sidecar, config));
        return node;
    }

    /** The local services' addresses and the ingress listeners' bound addresses, {@code ip:port} comma-separated. */
    private static String instances(Sidecar sidecar, SidecarConfig config) {
        List<String> out = new ArrayList<>();
        for (LocalServiceConfig s : config.services()) {
            out.add(s.address() + ":" + s.port());
        }
        config.listeners().stream()
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
