package io.dualmode.sidecar.internal.h2;

import io.dualmode.sidecar.internal.transport.ListenerRuntime;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/** Assembles the pipeline of a downstream h2c connection. */
public final class H2Listener extends ChannelInitializer<Channel> {
    private final ListenerRuntime listener;

    public H2Listener(ListenerRuntime listener) {
        this.listener = listener;
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.close();
    }
}
