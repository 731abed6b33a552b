package io.dualmode.sidecar.internal.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import java.time.Duration;
import reactor.netty.resources.LoopResources;

/**
 * The event loops of the sidecar (Reactor Netty's {@link LoopResources}: native epoll when
 * available) and the matching channel classes. Downstream connections and the upstream connections
 * they use share a worker loop.
 */
public final class Transport {
    private final LoopResources loops;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Class<? extends ServerChannel> serverChannel;
    private final Class<? extends Channel> socketChannel;

    private Transport(LoopResources loops) {
        this.loops = loops;
        this.boss = loops.onServerSelect(true);
        this.workers = loops.onServer(true);
        this.serverChannel = loops.onChannelClass(ServerSocketChannel.class, workers);
        this.socketChannel = loops.onChannelClass(SocketChannel.class, workers);
    }

    /** Creates {@code workers} worker loops and one acceptor loop, named {@code prefix-*}. */
    public static Transport create(String prefix, int workers) {
        return new Transport(LoopResources.create(prefix, 1, workers, true));
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
        return Epoll.isAvailable() && LoopResources.DEFAULT_NATIVE;
    }

    /** Shuts the loops down, waiting up to {@code timeout}. */
    public void close(Duration timeout) {
        loops.disposeLater(Duration.ZERO, timeout).block(timeout.plusSeconds(1));
    }
}
