package io.dualmode.sidecar.internal.transport;

import io.dualmode.sidecar.cluster.ClusterManager;
import io.dualmode.sidecar.internal.governance.GovernanceSnapshot;
import io.dualmode.sidecar.internal.metrics.SidecarMetrics;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * What every proxy handler shares: transport, clusters, meters, the set of downstream connections
 * and the count of requests in flight (for graceful drain).
 */
public final class ProxyRuntime {
    private final Transport transport;
    private final ClusterManager clusters;
    private final SidecarMetrics metrics;
    private final ChannelGroup connections = new DefaultChannelGroup("downstream", GlobalEventExecutor.INSTANCE);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile boolean draining;
    private final Supplier<GovernanceSnapshot> governance;

    public ProxyRuntime(Transport transport, ClusterManager clusters, SidecarMetrics metrics) {
        this(transport, clusters, metrics, () -> GovernanceSnapshot.EMPTY);
    }

    /** With the governance rules in force read from {@code governance} (one volatile read per request). */
    public ProxyRuntime(
            Transport transport,
            ClusterManager clusters,
            SidecarMetrics metrics,
            Supplier<GovernanceSnapshot> governance) {
        this.governance = governance;
        this.transport = transport;
        this.clusters = clusters;
        this.metrics = metrics;
        metrics.gauge("sidecar.downstream.rq.active", inFlight, AtomicInteger::get);
    }

    /** The governance rules in force. */
    public GovernanceSnapshot governance() {
        return governance.get();
    }

    public Transport transport() {
        return transport;
    }

    public ClusterManager clusters() {
        return clusters;
    }

    public SidecarMetrics metrics() {
        return metrics;
    }

    /** Tracks a downstream connection until it closes. */
    public void track(Channel channel) {
        connections.add(channel);
    }

    /** Counts a request (or a TCP session) starting. */
    public void requestStarted() {
        inFlight.incrementAndGet();
    }

    /** Counts a request (or a TCP session) ending. */
    public void requestFinished() {
        if (inFlight.decrementAndGet() == 0 && draining) {
            drained.complete(null);
        }
    }

    /** Requests in flight. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Whether the sidecar is draining: connections close once their current request ends. */
    public boolean draining() {
        return draining;
    }

    /** Starts draining; the future completes when no request is in flight. */
    public CompletableFuture<Void> drain() {
        draining = true;
        if (inFlight.get() == 0) {
            drained.complete(null);
        }
        return drained;
    }

    /** Closes every downstream connection. */
    public void closeConnections() {
        connections.close().awaitUninterruptibly();
    }
}
