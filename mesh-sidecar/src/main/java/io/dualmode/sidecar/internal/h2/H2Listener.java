package io.dualmode.sidecar.internal.h2;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

import io.dualmode.sidecar.internal.transport.ListenerRuntime;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

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
                .maxConcurrentStreams(listener.limits().maxConcurrentStreams())
                .maxHeaderListSize(listener.limits().maxHeaderBytes());
        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
                .initialSettings(settings)
                .validateHeaders(true)
                .build();
        StreamLimit streamLimit = new StreamLimit(codec, listener.limits().maxConcurrentStreams());
        ch.pipeline()
                .addLast(new IdleStateHandler(
                        0, 0, listener.limits().idleTimeout().toMillis(), MILLISECONDS))
                .addLast(new FlushConsolidationHandler(64, true))
                .addLast(codec)
                .addLast(new IdleCloser(codec))
                .addLast(streamLimit)
                .addLast(new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel stream) {
                        stream.pipeline()
                                .addLast(
                                        streamLimit.overLimit()
                                                ? new StreamLimit.Refuse(listener.metrics())
                                                : new H2StreamProxy(listener));
                    }
                }));
    }

    /** Closes (with GOAWAY) a connection that stayed idle with no stream open. */
    static final class IdleCloser extends ChannelInboundHandlerAdapter {
        private final Http2FrameCodec codec;

        IdleCloser(Http2FrameCodec codec) {
            this.codec = codec;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent && codec.connection().numActiveStreams() == 0) {
                ctx.close();
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }
    }
}
