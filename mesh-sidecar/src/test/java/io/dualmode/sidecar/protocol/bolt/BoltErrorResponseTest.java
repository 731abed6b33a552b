package io.dualmode.sidecar.protocol.bolt;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualmode.sidecar.protocol.CodecHarness;
import io.dualmode.sidecar.protocol.ErrorKind;
import io.dualmode.sidecar.protocol.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Error replies, decoded again with our own decoder and checked against bolt.md section 4. */
class BoltErrorResponseTest {

    private static final BoltProtocolPlugin BOLT = new BoltProtocolPlugin();
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
    private static final String SOFA_RESPONSE_PREFIX = "4fbe"
            + hex("com.alipay.sofa.rpc.core.response.SofaResponse")
            + "94" + "07" + hex("isError") + "08" + hex("errorMsg") + "0b" + hex("appResponse") + "0d"
            + hex("responseProps") + "6f90";

    private static String hex(String ascii) {
        return ByteBufUtil.hexDump(ascii.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void noRouteIsASofaResponseWithTheMessage() {
        String message = "sidecar: no route to probe.HelloService:1.0";
        Frame reply = errorFor(BoltBytes.request("probe.HelloService:1.0", "hello"), ErrorKind.NO_ROUTE, message);
        assertThat(reply.isResponse()).isTrue();
        assertThat(reply.status()).isZero();
        assertThat(reply.isSuccess()).isFalse();
        assertThat(reply.requestId()).isEqualTo(3);
        assertThat(BoltProtocolPluginTest.headerMapOf(reply)).isEqualTo(Map.of("sofa_head_response_error", "true"));
        assertThat(className(reply)).isEqualTo(BoltReplies.RESPONSE_CLASS);
        assertThat(SOFA_RESPONSE_PREFIX).hasSize(2 * 94);
        assertThat(contentHex(reply))
                .isEqualTo(SOFA_RESPONSE_PREFIX + "54" + "53" + String.format("%04x", message.length()) + hex(message)
                        + "4e4e");
        reply.release();
    }

    @Test
    void shortMessagesUseTheCompactStringForm() {
        Frame reply = errorFor(BoltBytes.request("a:1.0", "m"), ErrorKind.DENIED, "denied");
        assertThat(contentHex(reply)).isEqualTo(SOFA_RESPONSE_PREFIX + "54" + "06" + hex("denied") + "4e4e");
        reply.release();
    }

    @Test
    void nonAsciiMessagesCountChars() {
        Frame reply = errorFor(BoltBytes.request("a:1.0", "m"), ErrorKind.INTERNAL, "é中");
        assertThat(contentHex(reply)).isEqualTo(SOFA_RESPONSE_PREFIX + "54" + "02" + "c3a9e4b8ad" + "4e4e");
        reply.release();
    }

    @Test
    void protobufCodecGetsTheRawMessage() {
        BoltBytes request = BoltBytes.request("a:1.0", "m");
        request.codec = 11;
        Frame reply = errorFor(request, ErrorKind.NO_ROUTE, "no route");
        assertThat(contentHex(reply)).isEqualTo(hex("no route"));
        assertThat(BoltProtocolPluginTest.headerMapOf(reply)).containsEntry("sofa_head_response_error", "true");
        reply.release();
    }

    @Test
    void jsonCodecGetsAStringLiteral() {
        BoltBytes request = BoltBytes.request("a:1.0", "m");
        request.codec = 12;
        Frame reply = errorFor(request, ErrorKind.NO_ROUTE, "say \"hi\"\n");
        assertThat(contentHex(reply)).isEqualTo(hex("\"say \\\"hi\\\"\\n\""));
        reply.release();
    }

    @Test
    void otherCodecsGetTheObservedStatusOnlyNoProcessor() {
        BoltBytes request = BoltBytes.request("a:1.0", "m");
        request.codec = 13;
        ByteBuf bytes = errorBytes(request, ErrorKind.NO_ROUTE, "ignored");
        assertThat(ByteBufUtil.hexDump(bytes))
                .isEqualTo("0100000201" + "00000003" + "0d" + "0006" + "0000000000000000");
        bytes.release();
        ByteBuf other = errorBytes(request, ErrorKind.UPSTREAM_FAILURE, "ignored");
        assertThat(other.getUnsignedShort(10)).isEqualTo(BoltStatus.ERROR.code());
        other.release();
    }

    @Test
    void overloadAndTimeoutAreStatusOnly() {
        BoltBytes request = BoltBytes.request("a:1.0", "m");
        ByteBuf busy = errorBytes(request, ErrorKind.OVERLOADED, "busy");
        ByteBuf timeout = errorBytes(request, ErrorKind.TIMEOUT, "late");
        assertThat(ByteBufUtil.hexDump(busy)).isEqualTo("0100000201" + "00000003" + "01" + "0004" + "0000000000000000");
        assertThat(timeout.getUnsignedShort(10)).isEqualTo(BoltStatus.TIMEOUT.code());
        busy.release();
        timeout.release();
    }

    @Test
    void v2RepliesCopyVer1AndSwitchAndCarryAValidCrc() {
        ByteBuf bytes = errorBytes(BoltBytes.request("a:1.0", "m").v2(2, 1), ErrorKind.NO_ROUTE, "no route");
        assertThat(bytes.getUnsignedByte(1)).isEqualTo((short) 2);
        assertThat(bytes.getUnsignedByte(11)).isEqualTo((short) 1);
        int end = bytes.writerIndex();
        assertThat(bytes.getInt(end - 4)).isEqualTo(BoltBytes.crc(bytes, 0, end - 4));
        try (CodecHarness codec = new CodecHarness(BOLT)) {
            Frame reply = codec.write(bytes).single();
            assertThat(reply.isSuccess()).isFalse();
            assertThat(reply.content().readableBytes()).isEqualTo(end);
        }
    }

    @Test
    void v2StatusOnlyRepliesWithoutCrc() {
        ByteBuf bytes = errorBytes(BoltBytes.request("a:1.0", "m").v2(1, 1), ErrorKind.TIMEOUT, "late");
        assertThat(ByteBufUtil.hexDump(bytes)).isEqualTo("0201000002010000000301" + "01" + "0007" + "0000000000000000");
        bytes.release();
    }

    private static ByteBuf errorBytes(BoltBytes request, ErrorKind kind, String message) {
        try (CodecHarness codec = new CodecHarness(BOLT)) {
            Frame frame = codec.write(request.build()).single();
            return BOLT.encodeErrorResponse(frame, kind, message, ALLOC);
        }
    }

    private static Frame errorFor(BoltBytes request, ErrorKind kind, String message) {
        try (CodecHarness codec = new CodecHarness(BOLT)) {
            Frame frame = codec.write(errorBytes(request, kind, message)).single();
            return frame.copy();
        }
    }

    private static String className(Frame reply) {
        ByteBuf bytes = reply.content();
        return bytes.toString(20, bytes.getUnsignedShort(12), StandardCharsets.US_ASCII);
    }

    private static String contentHex(Frame reply) {
        ByteBuf bytes = reply.content();
        int start = 20 + bytes.getUnsignedShort(12) + bytes.getUnsignedShort(14);
        return ByteBufUtil.hexDump(bytes, start, bytes.getInt(16));
    }
}
