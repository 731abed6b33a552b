package io.dualmode.sidecar.internal.transport;

import io.dualmode.sidecar.config.ListenerConfig;
import io.dualmode.sidecar.config.SidecarErrors;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;

/** Binds listeners on the shared transport. */
public final class Listeners {
    private Listeners() {}

    /** Binds {@code config}'s address with {@code initializer}; fails with SIDECAR-0008. */
    public static Channel bind(Transport transport, ListenerConfig config, ChannelHandler initializer) {
        ServerBootstrap b = new ServerBootstrap()
                .group(transport.boss(), transport.workers())
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.AUTO_READ, config.protocol() != ListenerConfig.Protocol.TCP)
                .childHandler(guarded(config, initializer));
        InetSocketAddress address = new InetSocketAddress(config.address(), config.port());
        try {
            return b.bind(address).syncUninterruptibly().channel();
        } catch (Exception e) { // Netty rethrows the checked BindException undeclared
            throw SidecarErrors.BIND_FAILED.exception(address, config.name(), e.toString());
        }
    }

    /** An egress listener on a non-loopback address serves this host's peers only ({@link LocalPeersOnly}). */
    private static ChannelHandler guarded(ListenerConfig config, ChannelHandler initializer) {
        boolean hostAddress =
                !new InetSocketAddress(config.address(), 0).getAddress().isLoopbackAddress();
        return config.direction() == ListenerConfig.Direction.EGRESS && hostAddress
                ? new LocalPeersOnly(initializer, LocalPeersOnly.hostAddresses())
                : initializer;
    }
}
