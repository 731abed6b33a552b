package io.dualmode.sidecar.agent;

import io.dualmode.sidecar.cluster.Endpoint;
import java.net.InetSocketAddress;
import java.util.List;

/** What the registry agent asks of the proxy: where its listeners are, and which clusters and local routes to hold. */
public interface DataPlane {

    /** The address handed to the application, in mesh mode, for calls to {@code service} over {@code protocol}. */
    InetSocketAddress egress(String protocol, String service);

    /**
     * The shared egress listener of {@code protocol} that listens on {@code host:port} ({@code port} 0: any port of
     * {@code host}), opened now unless one is bound there; for clients that dial a fixed address rather than one they
     * are handed (SOFARPC's {@code mesh} registry dials port 12220 of its API host).
     */
    InetSocketAddress egressAt(String protocol, String host, int port);

    /** The address published to the registry, in mesh mode, for the application's {@code service}. */
    InetSocketAddress ingress(String protocol, String service);

    /** Ingress traffic for {@code service} is to go to the application at {@code application}. */
    void exposeLocal(String service, String protocol, InetSocketAddress application);

    /** Ingress traffic for {@code service} has nowhere to go any more. */
    void unexposeLocal(String service, String protocol);

    /** The upstream instances of {@code service}, as the registry lists them now. */
    void updateUpstream(String service, String protocol, List<Endpoint> endpoints);
}
