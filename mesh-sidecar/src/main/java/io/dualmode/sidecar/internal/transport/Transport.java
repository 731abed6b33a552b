package io.dualmode.sidecar.internal.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SelectStrategyFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The event loops of the sidecar (Netty: native epoll when available, NIO otherwise) and the matching channel
 * classes. Downstream connections and the upstream connections they use share a worker loop. Plain Netty rather than
 * Reactor Netty's loop resources: the proxy path loads no Reactor classes (docs/benchmarks.md, "Where the memory
 * goes").
 */
public final class Transport {
    /** Set to {@code false} to use NIO even where native epoll is available. */
    public static final String NATIVE_PROPERTY = "dualmode.sidecar.native";

    private final boolean nativeTransport;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Class<? extends ServerChannel> serverChannel;
    private final Class<? extends Channel> socketChannel;

    private Transport(String prefix, int workerCount, boolean nativeTransport, SelectStrategyFactory strategies) {
        this.nativeTransport = nativeTransport;
        ThreadFactory bossThreads = new DefaultThreadFactory(prefix + "-accept", true);
        ThreadFactory workerThreads = new DefaultThreadFactory(prefix + (nativeTransport ? "-epoll" : "-nio"), true);
        if (nativeTransport) {
            this.boss = new EpollEventLoopGroup(1, bossThreads);
            this.workers = new EpollEventLoopGroup(workerCount, workerThreads, strategies);
            this.serverChannel = EpollServerSocketChannel.class;
            this.socketChannel = EpollSocketChannel.class;
        } else {
            this.boss = new NioEventLoopGroup(1, bossThreads);
            this.workers = new NioEventLoopGroup(workerCount, workerThreads, SelectorProvider.provider(), strategies);
            this.serverChannel = NioServerSocketChannel.class;
            this.socketChannel = NioSocketChannel.class;
        }
    }

    /**
     * Creates {@code workers} worker loops, which decide when to wait for I/O with {@code strategies} (Netty's default,
     * or {@link IdleCollection}), and one acceptor loop, named {@code prefix-*}.
     */
    public static Transport create(String prefix, int workers, SelectStrategyFactory strategies) {
        boolean useNative = Boolean.parseBoolean(System.getProperty(NATIVE_PROPERTY, "true")) && Epoll.isAvailable();
        return new Transport(prefix, workers, useNative, strategies);
    }

    public EventLoopGroup boss() {
        return boss;
    }

    public EventLoopGroup workers() {
        return workers;
    }

    public Class<? extends ServerChannel> serverChannel() {
        return serverChannel;
    }

    public Class<? extends Channel> socketChannel() {
        return socketChannel;
    }

    /**
     * A bootstrap for upstream connections made on {@code loop}: this transport's channel class, Nagle off, pooled
     * buffers. Callers add their own handler and options (timeouts, auto-read).
     */
    public Bootstrap upstream(EventLoop loop) {
        return new Bootstrap()
                .group(loop)
                .channel(socketChannel)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
    }

    /** Whether the native epoll transport is in use. */
    public boolean nativeTransport() {
        return nativeTransport;
    }

    /** Shuts the loops down, waiting up to {@code timeout} for both groups together. */
    public void close(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boss.shutdownGracefully(0, timeout.toMillis(), TimeUnit.MILLISECONDS);
        workers.shutdownGracefully(0, timeout.toMillis(), TimeUnit.MILLISECONDS);
        boss.terminationFuture().awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        workers.terminationFuture()
                .awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()) + 1_000_000_000L, TimeUnit.NANOSECONDS);
    }
}
