package io.dualmode.sidecar.internal.rpc;

import io.dualmode.sidecar.internal.transport.ListenerRuntime;
import io.dualmode.sidecar.protocol.FrameDecoder;
import io.dualmode.sidecar.protocol.FrameEncoder;
import io.dualmode.sidecar.protocol.ProtocolDetectionHandler;
import io.dualmode.sidecar.protocol.ProtocolMetrics;
import io.dualmode.sidecar.protocol.ProtocolPlugin;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Assembles the pipeline of an RPC listener: a {@link ProtocolDetectionHandler} when it accepts several protocols,
 * else the one protocol's frame decoder, then the proxy handler. Upstream connections are pooled per event loop and
 * shared by every downstream connection of that loop.
 */
public final class RpcListener extends ChannelInitializer<Channel> {
    /**
     * Time without reading after which an upstream connection sends a heartbeat, well under Bolt's 90 s and Dubbo's
     * 180 s.
     */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(30);

    private final List<ProtocolPlugin> plugins;
    private final RpcContext context;
    private final ProtocolMetrics metrics;
    private final Map<EventLoop, UpstreamPool> pools = new ConcurrentHashMap<>();

    /** A listener for {@code plugins}, routing with {@code routes}. */
    public RpcListener(ListenerRuntime listener, RouteTable routes, List<ProtocolPlugin> plugins) {
        this(listener, routes, plugins, DEFAULT_HEARTBEAT);
    }

    /** As above, with the heartbeat interval of upstream connections. */
    public RpcListener(
            ListenerRuntime listener, RouteTable routes, List<ProtocolPlugin> plugins, Duration heartbeatInterval) {
        if (plugins.isEmpty()) {
            throw new IllegalArgumentException("an RPC listener needs at least one protocol");
        }
        this.plugins = List.copyOf(plugins);
        this.context = new RpcContext(listener, routes, heartbeatInterval);
        String names = plugins.stream().map(ProtocolPlugin::name).collect(Collectors.joining(","));
        this.metrics = new ProtocolMetrics(listener.proxy().metrics().registry(), names);
    }

    @Override
    protected void initChannel(Channel ch) {
        ListenerRuntime l = context.listener();
        l.metrics().cxTotal.increment();
        l.metrics().cxActive.incrementAndGet();
        l.proxy().track(ch);
        ch.closeFuture().addListener(f -> l.metrics().cxActive.decrementAndGet());
        ChannelPipeline p = ch.pipeline();
        p.addLast("flush", flushConsolidation());
        if (plugins.size() == 1) {
            install(p, null, plugins.get(0));
        } else {
            p.addLast(
                    "detect", new ProtocolDetectionHandler(plugins, (ctx, plugin) -> install(p, ctx, plugin), metrics));
        }
    }

    /**
     * Turns the flushes of a connection into one per event-loop iteration: while the connection is reading, its
     * replies go out when the read completes; otherwise (responses written while the upstream connection reads,
     * requests written while a downstream connection reads) the first flush schedules one on the event loop, which
     * runs after the loop has handled every ready connection. Many calls then share one {@code write} system call.
     * Closing the connection flushes what is pending.
     */
    static FlushConsolidationHandler flushConsolidation() {
        return new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true);
    }

    private void install(ChannelPipeline p, ChannelHandlerContext detector, ProtocolPlugin plugin) {
        RpcProxyHandler proxy = new RpcProxyHandler(plugin, context, this::pool);
        if (detector == null) {
            p.addLast("frames", new FrameDecoder(plugin, metrics))
                    .addLast("encoder", FrameEncoder.INSTANCE)
                    .addLast("rpc", proxy);
        } else {
            p.addAfter(detector.name(), "frames", new FrameDecoder(plugin, metrics))
                    .addAfter("frames", "encoder", FrameEncoder.INSTANCE)
                    .addAfter("encoder", "rpc", proxy);
        }
    }

    private UpstreamPool pool(ChannelHandlerContext ctx) {
        return pools.computeIfAbsent(ctx.channel().eventLoop(), loop -> new UpstreamPool(loop, context, metrics));
    }
}
