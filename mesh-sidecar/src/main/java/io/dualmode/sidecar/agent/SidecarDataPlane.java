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
 * local service — because an HTTP client addresses the host it was handed, not the service. Dubbo Triple services
 * ({@code tri}) are HTTP/2 services whose egress listens on the host address, as Dubbo's does: Dubbo's Triple client
 * also swaps a loopback address for the host's before dialling. Other protocols carry the
 * service in every request and share the listeners named {@code egress-<protocol>} and {@code ingress-<protocol>}:
 * the configured ones, or ones opened on first use. Dubbo application-level entries name an application, not a
 * service, and get a listener per application, as HTTP services do (see {@link DubboApplications}).
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
        if (DubboApplications.PROTOCOL.equals(protocol)) {
            return dubboApplication(Direction.EGRESS, service, service);
        }
        Protocol http = httpProtocol(protocol);
        if (http != null) {
            return sidecar.addListener(ListenerConfig.builder()
                    .name("egress-" + http.name().toLowerCase(Locale.ROOT) + "-" + service)
                    .direction(Direction.EGRESS)
                    .protocol(http)
                    .address(dubboClient(protocol) ? ingressHost : "127.0.0.1")
                    .port(0)
                    .cluster(service)
                    .build());
        }
        return shared(Direction.EGRESS, protocol);
    }

    /**
     * The listener {@code egress-<protocol>} when it is bound on {@code host:port}; else, when there is none, that
     * listener opened on {@code host:port}; else {@code egress-<protocol>-at-<host>-<port>}, so the configured egress
     * keeps its own address. All of them route by the service each request names.
     */
    @Override
    public synchronized InetSocketAddress egressAt(String protocol, String host, int port) {
        String shared = "egress-" + protocol;
        InetSocketAddress existing = sidecar.listenerAddress(shared);
        if (existing != null
                && existing.getAddress().getHostAddress().equals(host)
                && (port == 0 || existing.getPort() == port)) {
            return existing;
        }
        String name = existing == null ? shared : shared + "-at-" + host + "-" + port;
        ListenerConfig.Builder listener = ListenerConfig.builder()
                .name(name)
                .direction(Direction.EGRESS)
                .address(host)
                .port(port);
        return sidecar.addListener(rpcProtocol(listener, protocol).build());
    }

    @Override
    public InetSocketAddress ingress(String protocol, String service) {
        if (DubboApplications.PROTOCOL.equals(protocol)) {
            return dubboApplication(Direction.INGRESS, service, Router.INBOUND_PREFIX + service);
        }
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
        return shared(Direction.INGRESS, protocol);
    }

    @Override
    public void exposeLocal(String service, String protocol, InetSocketAddress application) {
        sidecar.clusters()
                .update(
                        Router.INBOUND_PREFIX + service,
                        List.of(Endpoint.of(application.getHostString(), application.getPort())));
        sidecar.rpcRoutes().register(service);
        sidecar.exposed(service, application);
    }

    @Override
    public void unexposeLocal(String service, String protocol) {
        sidecar.clusters().remove(Router.INBOUND_PREFIX + service);
        sidecar.exposed(service, null);
    }

    @Override
    public void updateUpstream(String service, String protocol, List<Endpoint> endpoints) {
        sidecar.rpcRoutes().register(service);
        sidecar.clusters().update(service, endpoints);
    }

    /**
     * The listener {@code egress-<protocol>} or {@code ingress-<protocol>}: the configured one, else one opened now on
     * a free port. Ingress listens on the host address. Egress listens on 127.0.0.1, except Dubbo's, which listens on
     * the host address too: Dubbo clients swap a loopback provider address for the host's before dialling.
     */
    private synchronized InetSocketAddress shared(Direction direction, String protocol) {
        String name = direction.name().toLowerCase(Locale.ROOT) + "-" + protocol;
        InetSocketAddress address = sidecar.listenerAddress(name);
        if (address != null) {
            return address;
        }
        boolean hostAddress = direction == Direction.INGRESS || dubboClient(protocol);
        ListenerConfig.Builder listener = ListenerConfig.builder()
                .name(name)
                .direction(direction)
                .address(hostAddress ? ingressHost : "127.0.0.1")
                .port(0);
        return sidecar.addListener(rpcProtocol(listener, protocol).build());
    }

    private static ListenerConfig.Builder rpcProtocol(ListenerConfig.Builder listener, String protocol) {
        return switch (protocol) {
            case "dubbo" -> listener.protocol(Protocol.DUBBO);
            case "bolt" -> listener.protocol(Protocol.BOLT);
            default -> listener.protocol(Protocol.RPC).protocols(List.of(protocol));
        };
    }

    /**
     * The listener {@code egress-dubbo-<application>} or {@code ingress-dubbo-<application>} of a Dubbo
     * application-level entry, bound to {@code cluster}: the consumer dials one address per application instance, and
     * everything it sends there (the MetadataService call and the business calls) belongs to that application. On the
     * host address, like the shared Dubbo listeners.
     */
    private InetSocketAddress dubboApplication(Direction direction, String application, String cluster) {
        return sidecar.addListener(ListenerConfig.builder()
                .name(direction.name().toLowerCase(Locale.ROOT) + "-dubbo-" + application)
                .direction(direction)
                .protocol(Protocol.DUBBO)
                .address(ingressHost)
                .port(0)
                .cluster(cluster)
                .build());
    }

    /**
     * Whether the application's client is Dubbo's, which dials the host's address in place of a loopback one
     * ({@code shared/protocols/dubbo.md} §8): {@code dubbo} and Triple.
     */
    private static boolean dubboClient(String protocol) {
        return switch (protocol) {
            case "dubbo", "tri", "triple" -> true;
            default -> false;
        };
    }

    private static Protocol httpProtocol(String protocol) {
        return switch (protocol) {
            case "http", "rest", "springcloud" -> Protocol.HTTP;
            case "h2", "grpc", "tri", "triple" -> Protocol.H2;
            default -> null;
        };
    }
}
