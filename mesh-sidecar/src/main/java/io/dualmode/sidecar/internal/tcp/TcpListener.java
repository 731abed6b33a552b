package io.dualmode.sidecar.internal.tcp;

import io.dualmode.sidecar.cluster.Cluster;
import io.dualmode.sidecar.cluster.UpstreamHost;
import io.dualmode.sidecar.internal.transport.ListenerRuntime;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP pass-through listener: each accepted connection is paired with a new connection to one
 * endpoint of the listener's cluster (on the same event loop), then bytes are relayed both ways.
 */
public final class TcpListener extends ChannelInitializer<Channel> {
    private final ListenerRuntime listener;

    public TcpListener(ListenerRuntime listener) {
        this.listener = listener;
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline().addLast("tcp-connect", new Connect(listener));
    }

    /** Picks an endpoint and connects, retrying on other endpoints as the retry policy allows. */
    private static final class Connect extends ChannelInboundHandlerAdapter {
        private static final Logger log = LoggerFactory.getLogger(Connect.class);
        private final ListenerRuntime listener;
        private Cluster cluster;
        private int attempts;

        Connect(ListenerRuntime listener) {
            this.listener = listener;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel down = ctx.channel();
            listener.metrics().cxTotal.increment();
            listener.metrics().cxActive.incrementAndGet();
            listener.proxy().track(down);
            listener.proxy().requestStarted();
            down.closeFuture().addListener(f -> {
                listener.metrics().cxActive.decrementAndGet();
                listener.proxy().requestFinished();
            });
            cluster = listener.router().route(null);
            connect(ctx);
        }

        private void connect(ChannelHandlerContext ctx) {
            UpstreamHost host = cluster == null ? null : cluster.select(null);
            if (host == null) {
                log.debug("[{}] no upstream for TCP listener {}", ctx.channel().id(), listener.name());
                listener.metrics().localReply(503);
                ctx.close();
                return;
            }
            attempts++;
            host.requestStarted();
            cluster.metrics().cxTotal.increment();
            Channel down = ctx.channel();
            listener.proxy()
                    .transport()
                    .upstream(down.eventLoop())
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                            cluster.config().connectTimeout().toMillis())
                    .handler(new Relay(down))
                    .connect(host.address())
                    .addListener((ChannelFuture f) -> connected(ctx, host, f));
        }

        private void connected(ChannelHandlerContext ctx, UpstreamHost host, ChannelFuture f) {
            Channel down = ctx.channel();
            if (!f.isSuccess()) {
                host.requestFinished();
                cluster.failure(host);
                cluster.metrics().connectFail.increment();
                if (down.isActive() && attempts <= cluster.config().retry().maxRetries()) {
                    connect(ctx);
                } else {
                    down.close();
                }
                return;
            }
            cluster.success(host);
            Channel up = f.channel();
            cluster.metrics().cxActive.incrementAndGet();
            up.closeFuture().addListener(x -> {
                host.requestFinished();
                cluster.metrics().cxActive.decrementAndGet();
            });
            if (!down.isActive()) {
                up.close();
                return;
            }
            ctx.pipeline().replace(this, "tcp-relay", new Relay(up));
            down.config().setAutoRead(true);
            up.config().setAutoRead(true);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
