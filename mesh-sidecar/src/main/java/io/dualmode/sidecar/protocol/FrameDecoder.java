package io.dualmode.sidecar.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits a connection's bytes into {@link Frame}s with one {@link ProtocolPlugin}. Only the header is read; each
 * frame's bytes are a retained slice of the received buffer.
 *
 * <p>Bytes that arrive in several reads are gathered in a composite buffer, not copied, so a large body is never
 * copied either.
 *
 * <p>Invalid input never leaves this handler: the frame is counted in {@link ProtocolMetrics}, logged at debug
 * level with the connection id, the rest of the input is dropped and the connection is closed. A request over the
 * size limit is answered with {@link ProtocolPlugin#encodeOversizeReply} instead, when the plug-in gives one, and
 * its bytes are skipped as they arrive, so the other calls on the connection carry on. A frame cut
 * short by the peer closing is counted as truncated.
 */
public final class FrameDecoder extends ByteToMessageDecoder {

    private static final Logger log = LoggerFactory.getLogger(FrameDecoder.class);

    private final ProtocolPlugin plugin;
    private final int maxFrameLength;
    private final ProtocolMetrics metrics;
    private boolean rejected;
    private long discarding;

    /**
     * @param maxFrameLength the largest frame accepted, header included; longer ones close the connection
     */
    public FrameDecoder(ProtocolPlugin plugin, int maxFrameLength, ProtocolMetrics metrics) {
        if (maxFrameLength <= 0) {
            throw new IllegalArgumentException("maxFrameLength must be positive: " + maxFrameLength);
        }
        this.plugin = plugin;
        this.maxFrameLength = maxFrameLength;
        this.metrics = metrics;
        setCumulator(COMPOSITE_CUMULATOR);
    }

    /** A decoder with the plug-in's default frame size limit. */
    public FrameDecoder(ProtocolPlugin plugin, ProtocolMetrics metrics) {
        this(plugin, plugin.defaultMaxFrameLength(), metrics);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (rejected) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (discarding > 0) {
            discard(in);
            return;
        }
        try {
            Frame frame = nextFrame(in);
            if (frame != null) {
                out.add(frame);
            }
        } catch (ProtocolDecoderException e) {
            if (!skipOversize(ctx, in, e)) {
                reject(ctx, in, e);
            }
        }
    }

    /** Answers a request over the limit with the plug-in's error reply and skips its bytes, if the plug-in can. */
    private boolean skipOversize(ChannelHandlerContext ctx, ByteBuf in, ProtocolDecoderException e) {
        if (e.frameLength() <= 0) {
            return false;
        }
        String message =
                "request of " + e.frameLength() + " bytes is over the sidecar's limit of " + maxFrameLength + " bytes";
        ByteBuf reply = plugin.encodeOversizeReply(in, message, ctx.alloc());
        if (reply == null) {
            return false;
        }
        metrics.frameRejected(e.reason());
        if (log.isDebugEnabled()) {
            log.debug("{} {} {}; answered and skipping it", ctx.channel(), plugin.name(), message);
        }
        discarding = e.frameLength();
        ctx.writeAndFlush(reply);
        discard(in);
        return true;
    }

    private void discard(ByteBuf in) {
        int skipped = (int) Math.min(discarding, in.readableBytes());
        in.skipBytes(skipped);
        discarding -= skipped;
    }

    private Frame nextFrame(ByteBuf in) {
        int length = plugin.frameLength(in, maxFrameLength);
        if (length == ProtocolPlugin.NEED_MORE_BYTES || in.readableBytes() < length) {
            return null;
        }
        if (length <= 0 || length > maxFrameLength) {
            throw new IllegalStateException(plugin.name() + " returned frame length " + length);
        }
        ByteBuf bytes = in.readRetainedSlice(length);
        try {
            Frame frame = plugin.decodeFrame(bytes);
            metrics.frameDecoded();
            return frame;
        } catch (RuntimeException e) {
            bytes.release();
            throw e;
        }
    }

    private void reject(ChannelHandlerContext ctx, ByteBuf in, ProtocolDecoderException e) {
        rejected = true;
        in.skipBytes(in.readableBytes());
        metrics.frameRejected(e.reason());
        if (log.isDebugEnabled()) {
            log.debug("{} {} frame rejected, closing: {} {}", ctx.channel(), plugin.name(), e.reason(), e.getMessage());
        }
        ctx.close();
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        if (in.isReadable() && !rejected) {
            metrics.frameTruncated();
            if (log.isDebugEnabled()) {
                log.debug(
                        "{} {} connection closed inside a frame ({} bytes)",
                        ctx.channel(),
                        plugin.name(),
                        in.readableBytes());
            }
            in.skipBytes(in.readableBytes());
        }
    }
}
