package io.dualmode.sidecar.internal.http1;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

import io.dualmode.sidecar.internal.transport.ListenerRuntime;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;

/** Assembles the pipeline of a downstream HTTP/1.1 connection. */
public final class Http1Listener extends ChannelInitializer<Channel> {
    private final ListenerRuntime listener;

    public Http1Listener(ListenerRuntime listener) {
        this.listener = listener;
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline()
                .addLast(
                        "idle",
                        new IdleStateHandler(listener.limits().idleTimeout().toMillis(), 0, 0, MILLISECONDS))
                .addLast("flush", new FlushConsolidationHandler(64, false))
                .addLast(
                        "scanner",
                        new RequestScanner(
                                listener.limits().maxHeaderBytes(),
                                listener.limits().maxBodyBytes()))
                .addLast("proxy", new Http1ProxyHandler(listener));
    }
}
