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
 * level with the connection id, the rest of the input is dropped and the connection is closed. A frame cut
 * short by the peer closing is counted as truncated.
 */
public final class FrameDecoder extends ByteToMessageDecoder {

    private static final Logger log = LoggerFactory.getLogger(FrameDecoder.class);

    private final ProtocolPlugin plugin;
    private final int maxFrameLength;
    private final ProtocolMetrics metrics;
    private boolean rejected;

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
        try {
            Frame frame = nextFrame(in);
            if (frame != null) {
                out.add(frame);
            }
        } catch (ProtocolDecoderException e) {
            reject(ctx, in, e);
        }
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
