package io.dualmode.sidecar.internal.h2;

import io.dualmode.sidecar.cluster.Cluster;
import io.dualmode.sidecar.cluster.UpstreamHost;
import io.dualmode.sidecar.internal.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Multiplexed upstream HTTP/2 connections of one event loop: per upstream address, one connection
 * shared by every stream of the loop that goes there, plus more only when the peer's
 * SETTINGS_MAX_CONCURRENT_STREAMS is reached. Streams wait for the peer's first SETTINGS before they
 * open, so a burst on a new connection never exceeds the peer's limit. A connection that closes or receives GOAWAY takes no
 * new streams (those on it finish there); one idle with no stream for the cluster's idle timeout
 * is closed.
 */
final class H2Pool {
    private static final Logger log = LoggerFactory.getLogger(H2Pool.class);
    /**
     * How many streams the sidecar may reset on one upstream connection within {@link H2Streams#RESET_WINDOW_NANOS}
     * before it opens new streams on another connection. Servers defend against rapid-reset attacks by closing a
     * connection on which they receive too many RST_STREAM frames (Netty, and so Reactor Netty and many gRPC servers:
     * 200 in 30 s); every caller's streams to an upstream share its connections, and each stream a caller abandons is
     * cancelled upstream, so without a budget a burst of abandoned calls would have the upstream cut off every other
     * caller's calls on that connection. Half the common limit leaves room for the streams still open on a
     * connection when it reaches its budget.
     */
    static final int RESET_BUDGET = 100;

    private static final FastThreadLocal<H2Pool> POOLS = new FastThreadLocal<>();

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Map<SocketAddress, List<Connection>> connections = new HashMap<>();

    private H2Pool(EventLoop loop, Transport transport) {
        this.loop = loop;
        this.bootstrap = transport.upstream(loop);
    }

    static H2Pool current(EventLoop loop, Transport transport) {
        H2Pool pool = POOLS.get();
        if (pool == null || pool.loop != loop) {
            pool = new H2Pool(loop, transport);
            POOLS.set(pool);
        }
        return pool;
    }

    /**
     * Opens a stream to {@code host} whose frames go to {@code reader}; it exists on the wire from the first HEADERS
     * written on it.
     */
    Future<H2Stream> open(UpstreamHost host, Cluster cluster, H2Stream.Reader reader) {
        Promise<H2Stream> promise = loop.newPromise();
        openWhenReady(connection(host, cluster), host, cluster, reader, promise);
        return promise;
    }

    private void openWhenReady(
            Connection c, UpstreamHost host, Cluster cluster, H2Stream.Reader reader, Promise<H2Stream> promise) {
        if (c.ready.isDone()) {
            openOn(c, host, cluster, reader, promise);
        } else {
            c.ready.addListener(f -> openOn(c, host, cluster, reader, promise));
        }
    }

    /**
     * Opens the stream on {@code c} once the peer's SETTINGS are known, or on another connection when the peer's
     * limit leaves no room on this one (streams that waited for a new connection may be more than it takes).
     */
    private void openOn(
            Connection c, UpstreamHost host, Cluster cluster, H2Stream.Reader reader, Promise<H2Stream> promise) {
        if (!c.ready.isSuccess()) {
            promise.tryFailure(c.ready.cause());
        } else if (!c.channel().isActive() || !c.canOpenStream()) {
            openWhenReady(connection(host, cluster), host, cluster, reader, promise);
        } else {
            H2Stream stream = c.streams.open(reader);
            if (!promise.trySuccess(stream)) {
                stream.reset(Http2Error.CANCEL.code());
            }
        }
    }

    /**
     * A connection to {@code host} that can take one more stream: one still waiting for the peer's SETTINGS (its
     * limit is not known yet), one under the peer's limit, or a new one.
     */
    private Connection connection(UpstreamHost host, Cluster cluster) {
        SocketAddress address = host.address();
        List<Connection> list = connections.computeIfAbsent(address, a -> new ArrayList<>(1));
        for (int i = 0; i < list.size(); i++) { // by index: no iterator per stream
            Connection existing = list.get(i);
            if (existing.ready.isSuccess() && existing.retired()) {
                list.remove(i--);
                existing.channel().close();
                continue;
            }
            if (!existing.ready.isDone()
                    || (existing.ready.isSuccess() && existing.channel().isActive() && existing.canOpenStream())) {
                return existing;
            }
        }
        Connection c = connect(address, cluster);
        list.add(c);
        return c;
    }

    private Connection connect(SocketAddress address, Cluster cluster) {
        cluster.metrics().cxTotal.increment();
        long idle = cluster.config().idleTimeout().toMillis();
        long settingsTimeout = cluster.config().connectTimeout().toMillis();
        Promise<Channel> ready = loop.newPromise();
        Http2FrameCodec codec = H2Codecs.client();
        H2Streams streams = new H2Streams(codec, null);
        ChannelFuture f = bootstrap
                .clone()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settingsTimeout)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(H2Listener.IdleCloser.watch(idle))
                                .addLast(codec)
                                .addLast(new H2Listener.IdleCloser(codec, idle))
                                .addLast(streams)
                                .addLast(new PeerWatcher(address, ready));
                    }
                })
                .connect(address);
        Connection c = new Connection(f, ready, codec, streams);
        f.addListener(x -> {
            if (!f.isSuccess()) {
                ready.tryFailure(f.cause());
            } else if (!ready.isDone()) {
                settingsDeadline(f.channel(), ready, settingsTimeout);
            }
        });
        f.channel().closeFuture().addListener(x -> {
            ready.tryFailure(new ClosedChannelException());
            forget(address, c);
        });
        cluster.metrics().cxActive.incrementAndGet();
        f.channel().closeFuture().addListener(x -> cluster.metrics().cxActive.decrementAndGet());
        return c;
    }

    /** A peer that accepted the connection but sends no SETTINGS within the connect timeout is no HTTP/2 server. */
    private void settingsDeadline(Channel ch, Promise<Channel> ready, long millis) {
        ScheduledFuture<?> timer = loop.schedule(
                () -> {
                    if (ready.tryFailure(new ConnectTimeoutException(
                            "no HTTP/2 SETTINGS from " + ch.remoteAddress() + " within " + millis + " ms"))) {
                        ch.close();
                    }
                },
                millis,
                TimeUnit.MILLISECONDS);
        ready.addListener(x -> timer.cancel(false));
    }

    private void forget(SocketAddress address, Connection c) {
        List<Connection> list = connections.get(address);
        if (list != null) {
            list.remove(c);
        }
    }

    /** An upstream connection, the promise of its peer's first SETTINGS, its codec, and its streams. */
    private static final class Connection {
        final ChannelFuture connect;
        final Promise<Channel> ready;
        private final Http2FrameCodec codec;
        final H2Streams streams;

        Connection(ChannelFuture connect, Promise<Channel> ready, Http2FrameCodec codec, H2Streams streams) {
            this.connect = connect;
            this.ready = ready;
            this.codec = codec;
            this.streams = streams;
        }

        Channel channel() {
            return connect.channel();
        }

        /** Whether the peer's SETTINGS_MAX_CONCURRENT_STREAMS leaves room for one more stream. */
        boolean canOpenStream() {
            return codec.connection().local().canOpenStream() && streams.underResetBudget(RESET_BUDGET);
        }

        /** Used up its reset budget and has no stream left: no use keeping it open until the window passes. */
        boolean retired() {
            return streams.size() == 0 && !streams.underResetBudget(RESET_BUDGET);
        }
    }

    /**
     * Completes the readiness of a connection on the peer's first SETTINGS (its stream limit is known from then on:
     * streams opened before it could overrun the limit and be refused), and stops new streams from using a
     * connection that received GOAWAY.
     */
    private final class PeerWatcher extends ChannelInboundHandlerAdapter {
        private final SocketAddress address;
        private final Promise<Channel> ready;

        PeerWatcher(SocketAddress address, Promise<Channel> ready) {
            this.address = address;
            this.ready = ready;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2SettingsFrame) {
                ready.trySuccess(ctx.channel());
            } else if (msg instanceof Http2GoAwayFrame g) {
                if (log.isDebugEnabled()) { // the debug data is decoded only for the log
                    log.debug(
                            "[{}] GOAWAY from upstream {}: error {}, last stream {}, {}",
                            ctx.channel().id(),
                            address,
                            g.errorCode(),
                            g.lastStreamId(),
                            g.content().toString(StandardCharsets.UTF_8));
                }
                List<Connection> list = connections.get(address);
                if (list != null) {
                    list.removeIf(c -> c.channel() == ctx.channel());
                }
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug(
                    "[{}] upstream HTTP/2 connection to {} closed on error: {}",
                    ctx.channel().id(),
                    address,
                    cause.toString());
            ctx.close();
        }
    }
}
