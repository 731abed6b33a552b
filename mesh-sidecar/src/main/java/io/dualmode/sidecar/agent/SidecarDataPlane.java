package io.dualmode.sidecar.agent;

import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.cluster.Endpoint;
import io.dualmode.sidecar.config.ListenerConfig;
import io.dualmode.sidecar.config.ListenerConfig.Direction;
import io.dualmode.sidecar.config.ListenerConfig.Protocol;
import io.dualmode.sidecar.internal.transport.Router;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The {@link DataPlane} of a running {@link Sidecar}. HTTP and HTTP/2 services get a listener each, opened on first
 * use — an egress one on 127.0.0.1 bound to the service's cluster, an ingress one on the host address bound to the
 * local service — because an HTTP client addresses the host it was handed, not the service. Other protocols carry the
 * service in every request and share the listeners named {@code egress-<protocol>} and {@code ingress-<protocol>} in
 * the configuration.
 */
public final class SidecarDataPlane implements DataPlane {

    private final Sidecar sidecar;
    private final String ingressHost;

    public SidecarDataPlane(Sidecar sidecar, String ingressHost) {
        this.sidecar = Objects.requireNonNull(sidecar, "sidecar");
        this.ingressHost = Objects.requireNonNull(ingressHost, "ingressHost");
    }

    @Override
    public InetSocketAddress egress(String protocol, String service) {
        Protocol http = httpProtocol(protocol);
        if (http != null) {
            return sidecar.addListener(ListenerConfig.builder()
                    .name("egress-" + http.name().toLowerCase(Locale.ROOT) + "-" + service)
                    .direction(Direction.EGRESS)
                    .protocol(http)
                    .address("127.0.0.1")
                    .port(0)
                    .cluster(service)
                    .build());
        }
        return shared("egress-" + protocol);
    }

    @Override
    public InetSocketAddress ingress(String protocol, String service) {
        Protocol http = httpProtocol(protocol);
        if (http != null) {
            return sidecar.addListener(ListenerConfig.builder()
                    .name("ingress-" + http.name().toLowerCase(Locale.ROOT) + "-" + service)
                    .direction(Direction.INGRESS)
                    .protocol(http)
                    .address(ingressHost)
                    .port(0)
                    .cluster(Router.INBOUND_PREFIX + service)
                    .build());
        }
        return shared("ingress-" + protocol);
    }

    @Override
    public void exposeLocal(String service, String protocol, InetSocketAddress application) {
        sidecar.clusters()
                .update(
                        Router.INBOUND_PREFIX + service,
                        List.of(Endpoint.of(application.getHostString(), application.getPort())));
        sidecar.rpcRoutes().register(service);
    }

    @Override
    public void unexposeLocal(String service, String protocol) {
        sidecar.clusters().remove(Router.INBOUND_PREFIX + service);
    }

    @Override
    public void updateUpstream(String service, String protocol, List<Endpoint> endpoints) {
        sidecar.rpcRoutes().register(service);
        sidecar.clusters().update(service, endpoints);
    }

    private InetSocketAddress shared(String listener) {
        InetSocketAddress address = sidecar.listenerAddress(listener);
        if (address == null) {
            throw new IllegalStateException(
                    "SIDECAR-0205: no listener named '" + listener + "' is configured for this protocol");
        }
        return address;
    }

    private static Protocol httpProtocol(String protocol) {
        return switch (protocol) {
            case "http", "rest", "springcloud" -> Protocol.HTTP;
            case "h2", "grpc", "tri", "triple" -> Protocol.H2;
            default -> null;
        };
    }
}
