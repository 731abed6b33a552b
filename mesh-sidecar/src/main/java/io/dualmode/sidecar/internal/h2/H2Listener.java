package io.dualmode.sidecar.internal.h2;

import io.dualmode.sidecar.internal.transport.ListenerRuntime;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * Assembles the pipeline of a downstream h2c (prior knowledge) connection: the frame codec, and a
 * multiplexer giving each stream its own child channel with an {@link H2StreamProxy}.
 */
public final class H2Listener extends ChannelInitializer<Channel> {
    private final ListenerRuntime listener;

    public H2Listener(ListenerRuntime listener) {
        this.listener = listener;
    }

    @Override
    protected void initChannel(Channel ch) {
        listener.metrics().cxTotal.increment();
        listener.metrics().cxActive.incrementAndGet();
        listener.proxy().track(ch);
        ch.closeFuture().addListener(f -> listener.metrics().cxActive.decrementAndGet());
        Http2Settings settings = Http2Settings.defaultSettings()
                .maxConcurrentStreams(1024)
                .maxHeaderListSize(listener.limits().maxHeaderBytes());
        ch.pipeline()
                .addLast(new FlushConsolidationHandler(64, true))
                .addLast(Http2FrameCodecBuilder.forServer()
                        .initialSettings(settings)
                        .validateHeaders(true)
                        .build())
                .addLast(new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel stream) {
                        stream.pipeline().addLast(new H2StreamProxy(listener));
                    }
                }));
    }
}
