package io.dualmode.sidecar.internal.rpc;

import io.dualmode.sidecar.cluster.Cluster;
import io.dualmode.sidecar.cluster.UpstreamHost;
import io.dualmode.sidecar.config.ListenerConfig;
import io.dualmode.sidecar.protocol.FrameDecoder;
import io.dualmode.sidecar.protocol.FrameEncoder;
import io.dualmode.sidecar.protocol.ProtocolMetrics;
import io.dualmode.sidecar.protocol.ProtocolPlugin;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The upstream connections of one listener on one event loop: one multiplexed connection per protocol and
 * upstream address, opened on first use and forgotten when it closes or drains. Used only on its event loop.
 */
final class UpstreamPool {
    private final EventLoop loop;
    private final RpcContext context;
    private final ProtocolMetrics metrics;
    private final Map<Key, Upstream> connections = new HashMap<>();

    UpstreamPool(EventLoop loop, RpcContext context, ProtocolMetrics metrics) {
        this.loop = loop;
        this.context = context;
        this.metrics = metrics;
    }

    /** A usable connection to {@code host}, opening one when there is none. */
    Upstream get(ProtocolPlugin plugin, Cluster cluster, UpstreamHost host) {
        Key key = new Key(plugin.name(), host.address());
        Upstream up = connections.get(key);
        if (up == null || !up.usable()) {
            up = open(key, plugin, cluster, host);
        }
        return up;
    }

    private Upstream open(Key key, ProtocolPlugin plugin, Cluster cluster, UpstreamHost host) {
        Upstream[] self = new Upstream[1];
        Upstream up = new Upstream(plugin, cluster, host, context, () -> connections.remove(key, self[0]));
        self[0] = up;
        connections.put(key, up);
        cluster.metrics().cxTotal.increment();
        long heartbeat = context.heartbeatInterval().toMillis();
        Bootstrap bootstrap = context.proxy().transport().upstream(loop);
        String source = sourceAddress();
        if (source != null) {
            bootstrap.localAddress(new InetSocketAddress(source, 0));
        }
        ChannelFuture connect = bootstrap
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        cluster.config().connectTimeout().toMillis())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline()
                                .addLast("flush", RpcListener.flushConsolidation())
                                // reader idle only: watching writes too would give every request write a promise
                                // and a listener; a connection that reads nothing for the interval sends a heartbeat
                                .addLast("idle", new IdleStateHandler(heartbeat, 0, 0, TimeUnit.MILLISECONDS))
                                .addLast("frames", new FrameDecoder(plugin, metrics))
                                .addLast("encoder", FrameEncoder.INSTANCE)
                                .addLast("upstream", up);
                    }
                })
                .connect(host.address());
        context.proxy().track(connect.channel());
        up.connecting(connect);
        return up;
    }

    /**
     * The address an egress listener's upstream connections leave from ({@code governance.sourceAddress}), so the
     * callee's sidecar can identify this application by it; null on ingress or when not set.
     */
    private String sourceAddress() {
        if (context.listener().config().direction() != ListenerConfig.Direction.EGRESS) {
            return null;
        }
        return context.listener().snapshot().get().governance().sourceAddress();
    }

    /** Connections are per protocol and address. */
    private record Key(String protocol, InetSocketAddress address) {}
}
