package io.dualmode.sidecar.protocol;

import static io.dualmode.sidecar.protocol.CodecHarness.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How a listener uses the SPI, as {@code docs/protocol-plugins.md} shows it: detection, then the plug-in's frame
 * decoder, then a handler that answers heartbeats itself and fails calls it cannot route with the protocol's own
 * error reply. The handler here stands in for the proxy core.
 */
class ProtocolPipelineTest {

    /** Answers heartbeats; fails every call with NO_ROUTE. */
    private static final class LocalReplies extends SimpleChannelInboundHandler<Frame> {
        private final ProtocolPlugin plugin;

        LocalReplies(ProtocolPlugin plugin) {
            this.plugin = plugin;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
            if (frame.isHeartbeat() && frame.isRequest()) {
                ctx.writeAndFlush(plugin.encodeHeartbeatResponse(frame, ctx.alloc()));
            } else if (frame.expectsResponse()) {
                String message = "no route to " + frame.routingKey().service();
                ctx.writeAndFlush(plugin.encodeErrorResponse(frame, ErrorKind.NO_ROUTE, message, ctx.alloc()));
            }
        }
    }

    private static EmbeddedChannel listener() {
        ProtocolRegistry registry = ProtocolRegistry.load();
        ProtocolMetrics metrics = ProtocolMetrics.noop("listener");
        ProtocolDetectionHandler.Installer installer = (detector, plugin) -> detector.pipeline()
                .addAfter(detector.name(), "frames", new FrameDecoder(plugin, metrics))
                .addAfter("frames", "replies", new LocalReplies(plugin));
        return new EmbeddedChannel(
                new ProtocolDetectionHandler(registry.get(List.of("dubbo", "bolt", "tinyrpc")), installer, metrics));
    }

    @Test
    void answersADubboHeartbeatLocally() {
        EmbeddedChannel channel = listener();
        channel.writeInbound(hex("dabb e2 00 0000000000000007 00000001 4e"));
        ByteBuf pong = channel.readOutbound();
        assertThat(ByteBufUtil.hexDump(pong)).isEqualTo("dabb2214000000000000000700000001" + "4e");
        pong.release();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void failsAnUnroutableTinyRpcCallInItsOwnFormat() {
        EmbeddedChannel channel = listener();
        channel.writeInbound(hex("5452 00 04 00000007 00000002 6563686f 6869"));
        ByteBuf reply = channel.readOutbound();
        assertThat(reply.getUnsignedByte(2)).isEqualTo((short) 0x09);
        assertThat(reply.toString(12, reply.readableBytes() - 12, java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("NO_ROUTE: no route to echo");
        reply.release();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }
}
