package io.dualmode.sidecar.agent;

import io.dualmode.sidecar.cluster.Endpoint;
import java.net.InetSocketAddress;
import java.util.List;

/** What the registry agent asks of the proxy: where its listeners are, and which clusters and local routes to hold. */
public interface DataPlane {

    /** The address handed to the application, in mesh mode, for calls to {@code service} over {@code protocol}. */
    InetSocketAddress egress(String protocol, String service);

    /** The address published to the registry, in mesh mode, for the application's {@code service}. */
    InetSocketAddress ingress(String protocol, String service);

    /** Ingress traffic for {@code service} is to go to the application at {@code application}. */
    void exposeLocal(String service, String protocol, InetSocketAddress application);

    /** Ingress traffic for {@code service} has nowhere to go any more. */
    void unexposeLocal(String service, String protocol);

    /** The upstream instances of {@code service}, as the registry lists them now. */
    void updateUpstream(String service, String protocol, List<Endpoint> endpoints);
}
