package io.dualmode.sidecar.internal.h2;

import io.dualmode.sidecar.internal.metrics.SidecarMetrics.ListenerMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2SettingsAckFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Enforces the SETTINGS_MAX_CONCURRENT_STREAMS a downstream connection advertises, instead of leaving it to Netty.
 * Netty refuses a HEADERS frame over the limit without creating its stream, so a DATA frame following it on that
 * stream is taken for a frame on a stream that never existed: a connection error, GOAWAY, and every other stream of
 * the connection dies with it (netty/netty#12065). Clients do send such bursts: the preface, SETTINGS and a batch
 * of requests in one write, before the sidecar's SETTINGS arrive (h2load, grpc-java). Here Netty's own limit is
 * lifted (at start and again whenever it re-applies the settings on their acknowledgement), every stream is
 * created, and a stream over the limit is answered {@code RST_STREAM(REFUSED_STREAM)}: the frames that follow it
 * are ignored, and the client may retry it, since nothing of it was processed.
 */
final class StreamLimit extends ChannelInboundHandlerAdapter {
    private final Http2FrameCodec codec;
    private final int limit;

    StreamLimit(Http2FrameCodec codec, int limit) {
        this.codec = codec;
        this.limit = limit;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        lift();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2SettingsAckFrame) {
            lift();
        }
        ctx.fireChannelRead(msg);
    }

    private void lift() {
        codec.connection().remote().maxActiveStreams(Integer.MAX_VALUE);
    }

    /** Whether the stream just opened takes the connection over its limit. */
    boolean overLimit() {
        return codec.connection().remote().numActiveStreams() > limit;
    }

    /** The reader of a stream over the limit: resets it with REFUSED_STREAM on its first frame. */
    static final class Refuse implements H2Stream.Reader {
        private final ListenerMetrics metrics;
        private boolean refused;

        Refuse(ListenerMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public void frame(H2Stream from, Http2StreamFrame msg) {
            ReferenceCountUtil.release(msg);
            if (!refused) {
                refused = true;
                metrics.rqRefused.increment();
                from.reset(Http2Error.REFUSED_STREAM.code());
            }
        }

        @Override
        public void closed(H2Stream from) {}
    }
}
