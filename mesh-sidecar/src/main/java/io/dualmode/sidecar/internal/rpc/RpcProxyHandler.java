package io.dualmode.sidecar.internal.rpc;

import io.dualmode.sidecar.cluster.Cluster;
import io.dualmode.sidecar.cluster.UpstreamHost;
import io.dualmode.sidecar.protocol.ErrorKind;
import io.dualmode.sidecar.protocol.Frame;
import io.dualmode.sidecar.protocol.ProtocolPlugin;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The downstream side of an RPC connection: answers heartbeats itself, routes each call by its routing key to a
 * cluster, and hands it to the event loop's shared upstream connection to the chosen host. Calls that cannot be
 * routed get the protocol's error reply; one-way calls get nothing.
 */
final class RpcProxyHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(RpcProxyHandler.class);

    private final ProtocolPlugin plugin;
    private final RpcContext context;
    private final Function<ChannelHandlerContext, UpstreamPool> pools;

    RpcProxyHandler(ProtocolPlugin plugin, RpcContext context, Function<ChannelHandlerContext, UpstreamPool> pools) {
        this.plugin = plugin;
        this.context = context;
        this.pools = pools;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Frame frame)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (frame.isHeartbeat()) {
            if (frame.isRequest()) {
                ctx.writeAndFlush(plugin.encodeHeartbeatResponse(frame, ctx.alloc()), ctx.voidPromise());
            }
            frame.release();
        } else if (frame.isRequest() && !frame.isControl()) {
            forward(ctx, frame);
        } else {
            frame.release();
        }
    }

    private void forward(ChannelHandlerContext ctx, Frame request) {
        context.listener().metrics().rqTotal.increment();
        String service = context.routes().service(plugin.name(), request.routingKey());
        Cluster cluster = context.listener().router().route(service);
        if (cluster == null) {
            reject(ctx, request, "dualmode sidecar: no route for service " + service);
            return;
        }
        UpstreamHost host = cluster.select(null);
        if (host == null) {
            reject(ctx, request, "dualmode sidecar: no healthy upstream for service " + service);
            return;
        }
        pools.apply(ctx).get(plugin, cluster, host).send(ctx.channel(), request);
    }

    private void reject(ChannelHandlerContext ctx, Frame request, String message) {
        log.debug("[{}] {}", ctx.channel().id(), message);
        if (request.expectsResponse()) {
            context.listener().metrics().localReply(503);
            ctx.writeAndFlush(
                    plugin.encodeErrorResponse(request, ErrorKind.NO_ROUTE, message, ctx.alloc()), ctx.voidPromise());
        }
        request.release();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("[{}] RPC connection failed: {}", ctx.channel().id(), cause.toString());
        ctx.close();
    }
}
