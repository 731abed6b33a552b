package io.dualmode.sidecar.protocol.example;

import static io.dualmode.sidecar.protocol.CodecHarness.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualmode.sidecar.protocol.CodecHarness;
import io.dualmode.sidecar.protocol.Detection;
import io.dualmode.sidecar.protocol.ErrorKind;
import io.dualmode.sidecar.protocol.Frame;
import io.dualmode.sidecar.protocol.RoutingKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example of docs/protocol-plugins.md, tested the way the guide tells plug-in authors to test theirs. */
class TinyRpcProtocolPluginTest {

    private static final TinyRpcProtocolPlugin TINY = new TinyRpcProtocolPlugin();
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    /** A call with id 7 to service "echo" carrying the body "hi". */
    private static final String CALL = "5452 00 04 00000007 00000002 6563686f 6869";

    @Test
    void decodesACall() {
        try (CodecHarness codec = new CodecHarness(TINY)) {
            Frame frame = codec.write(hex(CALL)).single();
            assertThat(frame.isRequest()).isTrue();
            assertThat(frame.requestId()).isEqualTo(7);
            assertThat(frame.routingKey()).isEqualTo(new RoutingKey("echo", "", "", ""));
            assertThat(frame.content().readableBytes()).isEqualTo(18);
        }
    }

    @Test
    void decodesByteByByteAndSeveralInOneBuffer() {
        ByteBuf all = Unpooled.wrappedBuffer(hex(CALL), hex("5452 02 00 00000008 00000000"), hex(CALL));
        try (CodecHarness codec = new CodecHarness(TINY)) {
            List<Frame> frames = codec.writeByteByByte(all).frames();
            assertThat(frames).hasSize(3);
            assertThat(frames.get(1).isHeartbeat()).isTrue();
        }
    }

    @Test
    void rewritesTheId() {
        try (CodecHarness codec = new CodecHarness(TINY)) {
            Frame frame = codec.write(hex(CALL)).single();
            TINY.rewriteRequestId(frame, 0xabcdef01L);
            assertThat(ByteBufUtil.hexDump(frame.content(), 4, 4)).isEqualTo("abcdef01");
        }
    }

    @Test
    void errorResponsesCarryTheMessage() {
        try (CodecHarness request = new CodecHarness(TINY);
                CodecHarness response = new CodecHarness(TINY)) {
            Frame call = request.write(hex(CALL)).single();
            Frame error = response.write(TINY.encodeErrorResponse(call, ErrorKind.NO_ROUTE, "no echo", ALLOC))
                    .single();
            assertThat(error.isResponse()).isTrue();
            assertThat(error.isSuccess()).isFalse();
            assertThat(error.requestId()).isEqualTo(7);
            assertThat(error.content().toString(12, error.content().readableBytes() - 12, StandardCharsets.UTF_8))
                    .isEqualTo("NO_ROUTE: no echo");
        }
    }

    @Test
    void answersHeartbeats() {
        try (CodecHarness codec = new CodecHarness(TINY)) {
            Frame ping = codec.write(TINY.encodeHeartbeatRequest(9, ALLOC)).single();
            ByteBuf pong = TINY.encodeHeartbeatResponse(ping, ALLOC);
            assertThat(ByteBufUtil.hexDump(pong)).isEqualTo("545203000000000900000000");
            pong.release();
        }
    }

    @Test
    void badMagicNegativeAndOversizeLengthsCloseTheConnection() {
        for (String[] bad : new String[][] {
            {"5453 00 00 00000001 00000000", "bad_magic"},
            {"5452 00 00 00000001 ffffffff", "bad_length"},
            {"5452 00 ff 00000001 00100000", "too_large"}
        }) {
            try (CodecHarness codec = new CodecHarness(TINY)) {
                codec.write(hex(bad[0]));
                codec.assertClosedWithNothing();
                assertThat(codec.rejected(bad[1])).isEqualTo(1);
            }
        }
    }

    @Test
    void detectsTheMagic() {
        assertThat(TINY.detect(Unpooled.EMPTY_BUFFER)).isEqualTo(Detection.NEED_MORE_BYTES);
        assertThat(TINY.detect(hex("54"))).isEqualTo(Detection.NEED_MORE_BYTES);
        assertThat(TINY.detect(hex("5452"))).isEqualTo(Detection.RECOGNISED);
        assertThat(TINY.detect(hex("5453"))).isEqualTo(Detection.NOT_RECOGNISED);
        assertThat(TINY.detect(hex("dabb"))).isEqualTo(Detection.NOT_RECOGNISED);
    }
}
