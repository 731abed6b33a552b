package io.dualmode.sidecar.internal.http1;

import io.dualmode.sidecar.internal.metrics.SidecarMetrics.ClusterMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/** The tail of an upstream HTTP/1.1 connection: hands scanned response parts to its exchange. */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
    private final Http1Pool pool;
    private final ClusterMetrics metrics;
    private ResponseSink exchange;

    UpstreamHandler(Http1Pool pool, ClusterMetrics metrics) {
        this.pool = pool;
        this.metrics = metrics;
    }

    void bind(ResponseSink exchange) {
        this.exchange = exchange;
    }

    void unbind() {
        this.exchange = null;
    }

    Http1Pool pool() {
        return pool;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        metrics.cxActive.incrementAndGet();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (exchange != null) {
            exchange.onResponse(msg);
        } else {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.flushDownstream();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.upstreamWritability(ctx.channel().isWritable());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        metrics.cxActive.decrementAndGet();
        ResponseSink e = exchange;
        exchange = null;
        if (e != null) {
            e.onUpstreamClosed();
        } else {
            pool.remove(ctx.channel());
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && exchange == null) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
