package io.dualmode.sidecar.internal.h2;

import io.dualmode.sidecar.cluster.Cluster;
import io.dualmode.sidecar.cluster.UpstreamHost;
import io.dualmode.sidecar.internal.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Multiplexed upstream HTTP/2 connections of one event loop: one connection per upstream address,
 * shared by every stream of the loop that goes there. A connection that closes or receives GOAWAY
 * is replaced for new streams; streams already on it finish there.
 */
final class H2Pool {
    private static final FastThreadLocal<H2Pool> POOLS = new FastThreadLocal<>();

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Map<SocketAddress, ChannelFuture> connections = new HashMap<>();

    private H2Pool(EventLoop loop, Transport transport) {
        this.loop = loop;
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
    }

    static H2Pool current(EventLoop loop, Transport transport) {
        H2Pool pool = POOLS.get();
        if (pool == null || pool.loop != loop) {
            pool = new H2Pool(loop, transport);
            POOLS.set(pool);
        }
        return pool;
    }

    /** Opens a stream to {@code host} whose frames go to {@code handler}. */
    Future<Http2StreamChannel> open(UpstreamHost host, Cluster cluster, ChannelHandler handler) {
        Promise<Http2StreamChannel> promise = loop.newPromise();
        ChannelFuture connection = connection(host, cluster);
        if (connection.isDone()) {
            openOn(connection, handler, promise);
        } else {
            connection.addListener(f -> openOn(connection, handler, promise));
        }
        return promise;
    }

    private void openOn(ChannelFuture connection, ChannelHandler handler, Promise<Http2StreamChannel> promise) {
        if (!connection.isSuccess()) {
            promise.tryFailure(connection.cause());
            return;
        }
        new Http2StreamChannelBootstrap(connection.channel()).handler(handler).open(promise);
    }

    private ChannelFuture connection(UpstreamHost host, Cluster cluster) {
        SocketAddress address = host.address();
        ChannelFuture existing = connections.get(address);
        if (existing != null && (!existing.isDone() || existing.channel().isActive())) {
            return existing;
        }
        cluster.metrics().cxTotal.increment();
        ChannelFuture f = bootstrap
                .clone()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        cluster.config().connectTimeout().toMillis())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(Http2FrameCodecBuilder.forClient().build())
                                .addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()))
                                .addLast(new GoAwayWatcher(address));
                    }
                })
                .connect(address);
        connections.put(address, f);
        f.channel().closeFuture().addListener(x -> forget(address, f));
        cluster.metrics().cxActive.incrementAndGet();
        f.channel().closeFuture().addListener(x -> cluster.metrics().cxActive.decrementAndGet());
        return f;
    }

    private void forget(SocketAddress address, ChannelFuture f) {
        connections.remove(address, f);
    }

    /** Stops new streams from using a connection that received GOAWAY. */
    private final class GoAwayWatcher extends ChannelInboundHandlerAdapter {
        private final SocketAddress address;

        GoAwayWatcher(SocketAddress address) {
            this.address = address;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2GoAwayFrame) {
                ChannelFuture current = connections.get(address);
                if (current != null && current.channel() == ctx.channel()) {
                    connections.remove(address);
                }
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
