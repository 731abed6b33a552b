package io.dualmode.platform.metrics;

import io.dualmode.platform.push.PushHub;
import io.dualmode.platform.push.SidecarStatus;
import io.dualmode.platform.web.ApiException;
import io.dualmode.platform.web.PlatformError;
import io.dualmode.registry.RegistryServer;
import io.dualmode.registry.naming.NamingService;
import io.dualmode.registry.naming.ServiceKey;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The sidecars' traffic: {@code GET /api/v1/metrics/services} (ingress per service), {@code GET
 * /api/v1/metrics/nodes/{nodeId}} (one sidecar's ingress and egress), {@code GET /api/v1/metrics/instances} (what
 * was seen of each instance of one service) and {@code GET /api/v1/topology} (the call graph with each service's
 * instances by mode). Every one takes {@code window} (default 60s, 1s to 10m).
 */
@RestController
@RequestMapping("/api/v1")
final class MetricsController {

    /** The instance metadata key holding an instance's mode, as the starters and sidecars register it. */
    private static final String MODE_KEY = "dualmode.mode";

    private final SidecarTraffic traffic;
    private final PushHub push;
    private final ObjectProvider<RegistryServer> registry;

    MetricsController(SidecarTraffic traffic, PushHub push, ObjectProvider<RegistryServer> registry) {
        this.traffic = traffic;
        this.push = push;
        this.registry = registry;
    }

    @GetMapping("/metrics/services")
    List<ServiceTraffic> services(@RequestParam(defaultValue = "60s") String window) {
        return traffic.services(Window.parse(window));
    }

    @GetMapping("/metrics/nodes/{nodeId}")
    List<ServiceTraffic> node(@PathVariable String nodeId, @RequestParam(defaultValue = "60s") String window) {
        java.time.Duration w = Window.parse(window);
        if (!traffic.knows(nodeId)
                && push.statuses().stream().noneMatch(s -> s.nodeId().equals(nodeId))) {
            throw new ApiException(
                    PlatformError.NODE_NOT_FOUND,
                    "no sidecar '" + nodeId + "' is connected or reported traffic in the last 10 minutes");
        }
        return traffic.node(nodeId, w);
    }

    /**
     * Each registered instance of one service with what its own sidecar received and what the consumers' sidecars sent
     * it, by every address its sidecar reports for it, so the figures follow an instance across a mode switch.
     */
    @GetMapping("/metrics/instances")
    List<InstanceTraffic> instances(
            @RequestParam(required = false) String service,
            @RequestParam(defaultValue = ServiceKey.DEFAULT_NAMESPACE) String namespace,
            @RequestParam(defaultValue = ServiceKey.DEFAULT_GROUP) String group,
            @RequestParam(defaultValue = "60s") String window) {
        if (service == null || service.isBlank()) {
            throw new ApiException(PlatformError.INVALID_QUERY, "the query parameter service is required");
        }
        java.time.Duration w = Window.parse(window);
        RegistryServer server = registry.getIfAvailable();
        if (server == null) {
            throw new ApiException(
                    PlatformError.REGISTRY_DISABLED, "the embedded registry is disabled; there is no inventory");
        }
        List<io.dualmode.registry.naming.Instance> registered =
                server.naming().instances(new ServiceKey(namespace, group, service));
        if (registered.isEmpty()) {
            throw new ApiException(
                    PlatformError.SERVICE_NOT_FOUND,
                    "service " + service + " (namespace " + namespace + ", group " + group
                            + ") has no registered instances");
        }
        Map<String, SidecarStatus> sidecars = push.byInstance();
        return registered.stream()
                .sorted(java.util.Comparator.comparing(io.dualmode.registry.naming.Instance::ip)
                        .thenComparingInt(io.dualmode.registry.naming.Instance::port))
                .map(i -> {
                    String address = i.ip() + ":" + i.port();
                    SidecarStatus s = sidecars.get(address);
                    java.util.Set<String> addresses = new java.util.LinkedHashSet<>();
                    addresses.add(address);
                    if (s != null) {
                        addresses.addAll(s.instanceAddresses());
                    }
                    return new InstanceTraffic(
                            address,
                            s == null ? null : s.nodeId(),
                            "mesh".equals(i.metadata().get(MODE_KEY)) ? "mesh" : "sdk",
                            InstanceTraffic.Seen.of(s == null ? NodeTraffic.NONE : traffic.ingress(s.nodeId(), w)),
                            InstanceTraffic.Seen.of(traffic.egressTo(service, addresses, w)));
                })
                .toList();
    }

    @GetMapping("/topology")
    Mono<Topology> topology(@RequestParam(defaultValue = "60s") String window) {
        java.time.Duration w = Window.parse(window);
        List<Edge> edges = traffic.edges(w);
        List<String> served =
                traffic.services(w).stream().map(ServiceTraffic::service).toList();
        List<SidecarStatus> sidecars = push.statuses();
        RegistryServer server = registry.getIfAvailable();
        return Mono.fromCallable(() -> new Topology(nodes(server, sidecars, edges, served), edges))
                .subscribeOn(Schedulers.boundedElastic());
    }

    /**
     * Every registered service with its instances by mode (metadata {@code dualmode.mode}, sdk when absent), then any
     * name an edge or an ingress report has that the registry does not, counted from the connected sidecars' reported
     * application and mode.
     */
    private static List<Topology.Node> nodes(
            RegistryServer server, List<SidecarStatus> sidecars, List<Edge> edges, List<String> served) {
        Map<String, long[]> counts = new TreeMap<>();
        if (server != null) {
            NamingService naming = server.naming();
            for (ServiceKey key : naming.services()) {
                long[] c = counts.computeIfAbsent(key.name(), k -> new long[2]);
                naming.instances(key).forEach(i -> c["mesh".equals(i.metadata().get(MODE_KEY)) ? 0 : 1]++);
            }
        }
        Map<String, long[]> bySidecar = new TreeMap<>();
        for (SidecarStatus s : sidecars) {
            String application = s.node().get("application");
            if (application != null) {
                bySidecar
                        .computeIfAbsent(application, k -> new long[2])[
                        "sdk".equals(s.node().get("mode")) ? 1 : 0]++;
            }
        }
        List<String> named = new java.util.ArrayList<>(served);
        edges.forEach(e -> named.addAll(List.of(e.source(), e.target())));
        named.forEach(id -> counts.computeIfAbsent(
                id, k -> bySidecar.getOrDefault(k, new long[2]).clone()));
        return counts.entrySet().stream()
                .map(e -> new Topology.Node(e.getKey(), e.getValue()[0], e.getValue()[1]))
                .toList();
    }
}
