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
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Multiplexed upstream HTTP/2 connections of one event loop: per upstream address, one connection
 * shared by every stream of the loop that goes there, plus more only when the peer's
 * SETTINGS_MAX_CONCURRENT_STREAMS is reached. A connection that closes or receives GOAWAY takes no
 * new streams (those on it finish there); one idle with no stream for the cluster's idle timeout
 * is closed.
 */
final class H2Pool {
    private static final FastThreadLocal<H2Pool> POOLS = new FastThreadLocal<>();

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Map<SocketAddress, List<ChannelFuture>> connections = new HashMap<>();

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
        List<ChannelFuture> list = connections.computeIfAbsent(address, a -> new ArrayList<>(1));
        for (ChannelFuture existing : list) {
            if (!existing.isDone() || (existing.channel().isActive() && canOpenStream(existing.channel()))) {
                return existing;
            }
        }
        ChannelFuture f = connect(address, cluster);
        list.add(f);
        return f;
    }

    /** Whether the peer's SETTINGS_MAX_CONCURRENT_STREAMS leaves room for one more stream. */
    private static boolean canOpenStream(Channel parent) {
        Http2FrameCodec codec = parent.pipeline().get(Http2FrameCodec.class);
        return codec != null && codec.connection().local().canOpenStream();
    }

    private ChannelFuture connect(SocketAddress address, Cluster cluster) {
        cluster.metrics().cxTotal.increment();
        long idle = cluster.config().idleTimeout().toMillis();
        ChannelFuture f = bootstrap
                .clone()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        cluster.config().connectTimeout().toMillis())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        Http2FrameCodec codec =
                                Http2FrameCodecBuilder.forClient().build();
                        ch.pipeline()
                                .addLast(new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS))
                                .addLast(codec)
                                .addLast(new H2Listener.IdleCloser(codec))
                                .addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()))
                                .addLast(new GoAwayWatcher(address));
                    }
                })
                .connect(address);
        f.channel().closeFuture().addListener(x -> forget(address, f));
        cluster.metrics().cxActive.incrementAndGet();
        f.channel().closeFuture().addListener(x -> cluster.metrics().cxActive.decrementAndGet());
        return f;
    }

    private void forget(SocketAddress address, ChannelFuture f) {
        List<ChannelFuture> list = connections.get(address);
        if (list != null) {
            list.remove(f);
        }
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
                List<ChannelFuture> list = connections.get(address);
                if (list != null) {
                    list.removeIf(f -> f.channel() == ctx.channel());
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
