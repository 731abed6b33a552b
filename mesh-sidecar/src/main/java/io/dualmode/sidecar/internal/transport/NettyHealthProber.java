package io.dualmode.sidecar.internal.transport;

import io.dualmode.sidecar.cluster.HealthProber;
import io.dualmode.sidecar.cluster.UpstreamHost;
import io.dualmode.sidecar.config.HealthCheckConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Active health probes on the worker loops: a TCP connect, or an HTTP/1.1 GET expecting 2xx/3xx. */
public final class NettyHealthProber implements HealthProber {
    private final Transport transport;

    public NettyHealthProber(Transport transport) {
        this.transport = transport;
    }

    @Override
    public CompletionStage<Boolean> probe(UpstreamHost host, HealthCheckConfig check) {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        int timeout = (int) check.timeout().toMillis();
        Bootstrap b = new Bootstrap()
                .group(transport.workers())
                .channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeout)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (check.type() == HealthCheckConfig.Type.HTTP) {
                            ch.pipeline().addLast(new HttpProbe(host, check.path(), result));
                        }
                    }
                });
        ChannelFuture f = b.connect(host.address());
        f.addListener((ChannelFuture cf) -> connected(cf, check, timeout, result));
        return result;
    }

    private static void connected(
            ChannelFuture cf, HealthCheckConfig check, int timeout, CompletableFuture<Boolean> r) {
        if (!cf.isSuccess()) {
            r.complete(false);
            return;
        }
        Channel ch = cf.channel();
        if (check.type() == HealthCheckConfig.Type.TCP) {
            r.complete(true);
            ch.close();
            return;
        }
        ch.eventLoop().schedule(() -> r.complete(false), timeout, TimeUnit.MILLISECONDS);
        r.whenComplete((ok, e) -> ch.close());
    }

    /** Sends one GET and judges the status line. */
    private static final class HttpProbe extends ChannelInboundHandlerAdapter {
        private final UpstreamHost host;
        private final String path;
        private final CompletableFuture<Boolean> result;
        private final StringBuilder statusLine = new StringBuilder();

        HttpProbe(UpstreamHost host, String path, CompletableFuture<Boolean> result) {
            this.host = host;
            this.path = path;
            this.result = result;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            String request =
                    "GET " + path + " HTTP/1.1\r\nHost: " + host.endpoint().host() + "\r\n"
                            + "User-Agent: dualmode-sidecar-health\r\nConnection: close\r\n\r\n";
            ctx.writeAndFlush(ctx.alloc().buffer().writeBytes(request.getBytes(StandardCharsets.US_ASCII)));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                statusLine.append(buf.toString(StandardCharsets.US_ASCII));
            } finally {
                buf.release();
            }
            if (statusLine.length() >= 12) {
                char c = statusLine.charAt(9);
                result.complete(statusLine.indexOf("HTTP/1.") == 0 && (c == '2' || c == '3'));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.complete(false);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.complete(false);
            ctx.close();
        }
    }
}
