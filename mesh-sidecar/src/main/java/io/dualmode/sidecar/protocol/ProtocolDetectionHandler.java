package io.dualmode.sidecar.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of a listener that carries several protocols on one port. It asks each plug-in's detector
 * about the first bytes, lets an {@link Installer} add the matching protocol's handlers right after itself, then
 * removes itself; the bytes read so far go on to those handlers. When no plug-in recognises the bytes, or none
 * has decided after {@value #MAX_DETECTION_BYTES} bytes, the connection is counted, logged at debug level and
 * closed.
 */
public final class ProtocolDetectionHandler extends ByteToMessageDecoder {

    /** The most bytes detection waits for. */
    public static final int MAX_DETECTION_BYTES = 64;

    private static final Logger log = LoggerFactory.getLogger(ProtocolDetectionHandler.class);

    /** Adds a protocol's handlers to a pipeline once the protocol is known. */
    @FunctionalInterface
    public interface Installer {
        /**
         * Adds the handlers for {@code plugin}, typically with
         * {@code detector.pipeline().addAfter(detector.name(), ...)}: the detection handler is removed afterwards
         * and hands its bytes to whatever follows it.
         */
        void install(ChannelHandlerContext detector, ProtocolPlugin plugin);
    }

    private final List<ProtocolPlugin> plugins;
    private final Installer installer;
    private final ProtocolMetrics metrics;

    /** @param plugins the protocols this port accepts, asked in this order */
    public ProtocolDetectionHandler(List<ProtocolPlugin> plugins, Installer installer, ProtocolMetrics metrics) {
        if (plugins.isEmpty()) {
            throw new IllegalArgumentException("no protocol to detect");
        }
        this.plugins = List.copyOf(plugins);
        this.installer = installer;
        this.metrics = metrics;
    }

    /** An installer that adds only a {@link FrameDecoder} with the plug-in's default limit. */
    public static Installer frameDecoderInstaller(ProtocolMetrics metrics) {
        return (detector, plugin) -> detector.pipeline()
                .addAfter(detector.name(), plugin.name() + "-frames", new FrameDecoder(plugin, metrics));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        boolean undecided = false;
        for (ProtocolPlugin plugin : plugins) {
            Detection detection = plugin.detect(in);
            if (detection == Detection.RECOGNISED) {
                select(ctx, plugin);
                return;
            }
            undecided |= detection == Detection.NEED_MORE_BYTES;
        }
        if (!undecided || in.readableBytes() >= MAX_DETECTION_BYTES) {
            reject(ctx, in);
        }
    }

    private void select(ChannelHandlerContext ctx, ProtocolPlugin plugin) {
        if (log.isDebugEnabled()) {
            log.debug("{} speaks {}", ctx.channel(), plugin.name());
        }
        installer.install(ctx, plugin);
        ctx.pipeline().remove(this);
    }

    private void reject(ChannelHandlerContext ctx, ByteBuf in) {
        metrics.unrecognised();
        if (log.isDebugEnabled()) {
            int shown = Math.min(in.readableBytes(), 16);
            log.debug(
                    "{} no protocol recognised, closing; first bytes {}",
                    ctx.channel(),
                    ByteBufUtil.hexDump(in, in.readerIndex(), shown));
        }
        in.skipBytes(in.readableBytes());
        ctx.close();
    }
}
