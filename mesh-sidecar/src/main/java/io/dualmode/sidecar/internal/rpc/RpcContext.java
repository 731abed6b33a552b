package io.dualmode.sidecar.internal.rpc;

import io.dualmode.sidecar.cluster.Cluster;
import io.dualmode.sidecar.internal.transport.ListenerRuntime;
import io.dualmode.sidecar.internal.transport.ProxyRuntime;
import java.time.Duration;

/**
 * What every connection of one RPC listener shares.
 *
 * @param heartbeatInterval how long an upstream connection may read nothing before it sends a heartbeat
 */
record RpcContext(ListenerRuntime listener, RouteTable routes, Duration heartbeatInterval) {

    ProxyRuntime proxy() {
        return listener.proxy();
    }

    /** The timeout of requests whose header carries none: the cluster's request timeout. */
    long defaultTimeoutMillis(Cluster cluster) {
        return cluster.config().requestTimeout().toMillis();
    }
}
