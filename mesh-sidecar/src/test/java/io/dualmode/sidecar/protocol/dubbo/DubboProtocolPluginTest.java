package io.dualmode.sidecar.protocol.dubbo;

import static io.dualmode.sidecar.protocol.CodecHarness.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualmode.sidecar.protocol.CodecHarness;
import io.dualmode.sidecar.protocol.Detection;
import io.dualmode.sidecar.protocol.ErrorKind;
import io.dualmode.sidecar.protocol.Frame;
import io.dualmode.sidecar.protocol.RoutingKey;
import io.dualmode.sidecar.protocol.internal.Hessian2StringReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DubboProtocolPluginTest {

    private static final DubboProtocolPlugin DUBBO = new DubboProtocolPlugin();
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    /** The request traced in dubbo.md section 2, with its arguments and attachments cut. */
    private static final String OBSERVED_CALL = "dabb c2 00 fffffffffffffff6 0000003e"
            + "05 322e302e32" // "2.0.2"
            + "12 70726f62652e48656c6c6f53657276696365" // "probe.HelloService"
            + "05 312e302e30" // "1.0.0"
            + "05 68656c6c6f" // "hello"
            + "12 4c6a6176612f6c616e672f537472696e673b" // "Ljava/lang/String;"
            + "05 776f726c64"; // "world"

    @Test
    void decodesTheObservedCall() {
        try (CodecHarness codec = new CodecHarness(DUBBO)) {
            Frame frame = codec.write(hex(OBSERVED_CALL)).single();
            assertThat(frame.isRequest()).isTrue();
            assertThat(frame.requestId()).isEqualTo(-10);
            assertThat(frame.isOneWay()).isFalse();
            assertThat(frame.isHeartbeat()).isFalse();
            assertThat(frame.timeoutMillis()).isEqualTo(Frame.NO_TIMEOUT);
            assertThat(frame.routingKey()).isEqualTo(new RoutingKey("probe.HelloService", "1.0.0", "", "hello"));
            assertThat(frame.content().readableBytes()).isEqualTo(16 + 0x3e);
            assertThat(codec.decoded()).isEqualTo(1);
        }
    }

    @Test
    void decodesAFrameWrittenByteByByte() {
        try (CodecHarness codec = new CodecHarness(DUBBO)) {
            Frame frame = codec.writeByteByByte(hex(OBSERVED_CALL)).single();
            assertThat(frame.routingKey().service()).isEqualTo("probe.HelloService");
            assertThat(ByteBufUtil.hexDump(frame.content())).isEqualTo(OBSERVED_CALL.replace(" ", ""));
        }
    }

    @Test
    void decodesSeveralFramesInOneBuffer() {
        ByteBuf all = Unpooled.wrappedBuffer(
                DubboBytes.call(1, "a.A", "1", "m1"),
                DubboBytes.frame(0xe2, 0, 2, Unpooled.wrappedBuffer(new byte[] {'N'})),
                DubboBytes.call(3, "b.B", null, "m3"));
        try (CodecHarness codec = new CodecHarness(DUBBO)) {
            List<Frame> frames = codec.write(all).frames();
            assertThat(frames).extracting(Frame::requestId).containsExactly(1L, 2L, 3L);
            assertThat(frames.get(1).isHeartbeat()).isTrue();
            assertThat(frames.get(2).routingKey()).isEqualTo(new RoutingKey("b.B", "", "", "m3"));
        }
    }

    @Test
    void readsOneWayCalls() {
        ByteBuf bytes = DubboBytes.frame(DubboBytes.ONE_WAY_CALL, 0, 5, DubboBytes.body("a.A", "1", "m"));
        try (CodecHarness codec = new CodecHarness(DUBBO)) {
            Frame frame = codec.write(bytes).single();
            assertThat(frame.isOneWay()).isTrue();
            assertThat(frame.expectsResponse()).isFalse();
            assertThatThrownBy(() -> DUBBO.encodeErrorResponse(frame, ErrorKind.NO_ROUTE, "x", ALLOC))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void readsLongAndNonAsciiNamesInEveryStringForm() {
        String longName = "com.example." + "x".repeat(1100) + ".Service";
        try (CodecHarness codec = new CodecHarness(DUBBO)) {
            Frame frame = codec.write(DubboBytes.call(7, longName, "é中", "m".repeat(40)))
                    .single();
            assertThat(frame.routingKey()).isEqualTo(new RoutingKey(longName, "é中", "", "m".repeat(40)));
        }
    }

    @Test
    void readsChunkedStrings() {
        ByteBuf body = hex("05 322e302e32 52 0002 6162 53 0001 63 4e 01 6d");
        try (CodecHarness codec = new CodecHarness(DUBBO)) {
            Frame frame = codec.write(DubboBytes.frame(0xc2, 0, 1, body)).single();
            assertThat(frame.routingKey()).isEqualTo(new RoutingKey("abc", "", "", "m"));
        }
    }

    @Test
    void leavesTheRoutingKeyEmptyForOtherSerializations() {
        ByteBuf bytes = DubboBytes.frame(0xc0 | 23, 0, 1, hex("7b7d"));
        try (CodecHarness codec = new CodecHarness(DUBBO)) {
            assertThat(codec.write(bytes).single().routingKey()).isEqualTo(RoutingKey.NONE);
        }
    }

    @Test
    void leavesTheRoutingKeyEmptyWhenTheBodyIsNotStrings() {
        ByteBuf bytes = DubboBytes.frame(0xc2, 0, 1, hex("05 322e302e32 91 92"));
        try (CodecHarness codec = new CodecHarness(DUBBO)) {
            Frame frame = codec.write(bytes).single();
            assertThat(frame.isRequest()).isTrue();
            assertThat(frame.routingKey()).isEqualTo(RoutingKey.NONE);
        }
    }

    @Test
    void leavesTheRoutingKeyEmptyWhenAStringRunsPastTheBody() {
        ByteBuf bytes = DubboBytes.frame(0xc2, 0, 1, hex("05 322e302e32 1f 6162"));
        try (CodecHarness codec = new CodecHarness(DUBBO)) {
            assertThat(codec.write(bytes).single().routingKey()).isEqualTo(RoutingKey.NONE);
        }
    }

    @Test
    void leavesTheRoutingKeyEmptyOnBadUtf8() {
        ByteBuf bytes = DubboBytes.frame(0xc2, 0, 1, hex("05 322e302e32 02 ff41 01 31 01 6d"));
        try (CodecHarness codec = new CodecHarness(DUBBO)) {
            assertThat(codec.write(bytes).single().routingKey()).isEqualTo(RoutingKey.NONE);
        }
    }

    @Test
    void readsResponsesAndTheirStatus() {
        for (DubboStatus status : DubboStatus.values()) {
            try (CodecHarness codec = new CodecHarness(DUBBO)) {
                Frame frame = codec.write(DubboBytes.frame(0x02, status.code(), 9, hex("9102")))
                        .single();
                assertThat(frame.isResponse()).isTrue();
                assertThat(frame.status()).isEqualTo(status.code());
                assertThat(frame.isSuccess()).isEqualTo(status == DubboStatus.OK);
                assertThat(frame.routingKey()).isEqualTo(RoutingKey.NONE);
            }
        }
    }

    @Test
    void answersHeartbeatsAsDubboDoes() {
        try (CodecHarness codec = new CodecHarness(DUBBO)) {
            Frame ping =
                    codec.write(hex("dabb e2 00 0000000000000007 00000001 4e")).single();
            assertThat(ping.isHeartbeat()).isTrue();
            assertThat(ping.isRequest()).isTrue();
            ByteBuf pong = DUBBO.encodeHeartbeatResponse(ping, ALLOC);
            assertThat(ByteBufUtil.hexDump(pong)).isEqualTo("dabb221400000000000000070000000" + "14e");
            pong.release();
        }
    }

    @Test
    void readsHeartbeatResponses() {
        try (CodecHarness codec = new CodecHarness(DUBBO)) {
            Frame pong =
                    codec.write(hex("dabb 22 14 0000000000000007 00000001 4e")).single();
            assertThat(pong.isHeartbeat()).isTrue();
            assertThat(pong.isResponse()).isTrue();
            assertThat(pong.isSuccess()).isTrue();
        }
    }

    @Test
    void writesHeartbeatRequests() {
        ByteBuf ping = DUBBO.encodeHeartbeatRequest(-2, ALLOC);
        assertThat(ByteBufUtil.hexDump(ping)).isEqualTo("dabbe200fffffffffffffffe000000014e");
        ping.release();
    }

    @Test
    void readsTheReadonlyEventAsAOneWayControlMessage() {
        try (CodecHarness codec = new CodecHarness(DUBBO)) {
            Frame event = codec.write(hex("dabb a2 00 0000000000000003 00000002 0152"))
                    .single();
            assertThat(event.isControl()).isTrue();
            assertThat(event.isHeartbeat()).isFalse();
            assertThat(event.isOneWay()).isTrue();
        }
    }

    @Test
    void oneWayEventsAreNeverHeartbeatsWhateverTheSerialization() {
        try (CodecHarness codec = new CodecHarness(DUBBO)) {
            List<Frame> frames = codec.write(Unpooled.wrappedBuffer(
                            hex("dabb b7 00 0000000000000003 00000003 225222"),
                            hex("dabb f7 00 0000000000000004 00000004 6e756c6c")))
                    .frames();
            assertThat(frames.get(0).isControl()).isTrue();
            assertThat(frames.get(0).isOneWay()).isTrue();
            assertThat(frames.get(1).isHeartbeat()).isTrue();
            assertThat(frames.get(1).expectsResponse()).isTrue();
        }
    }

    @Test
    void rewritesAllEightBytesOfTheId() {
        try (CodecHarness codec = new CodecHarness(DUBBO)) {
            Frame frame = codec.write(hex(OBSERVED_CALL)).single();
            DUBBO.rewriteRequestId(frame, 0x0102030405060708L);
            assertThat(ByteBufUtil.hexDump(frame.content(), 4, 8)).isEqualTo("0102030405060708");
            assertThat(frame.content().getInt(12)).isEqualTo(0x3e);
            assertThat(frame.requestId()).isEqualTo(-10);
        }
    }

    @Test
    void hasNoTimeoutToRewrite() {
        try (CodecHarness codec = new CodecHarness(DUBBO)) {
            Frame frame = codec.write(hex(OBSERVED_CALL)).single();
            assertThat(DUBBO.rewriteTimeout(frame, 100)).isFalse();
            assertThat(ByteBufUtil.hexDump(frame.content())).isEqualTo(OBSERVED_CALL.replace(" ", ""));
        }
    }

    @ParameterizedTest
    @EnumSource(ErrorKind.class)
    void writesErrorResponsesWithTheStatusAndTheMessage(ErrorKind kind) {
        String message = "sidecar: " + kind + " for probe.HelloService:1.0.0";
        try (CodecHarness request = new CodecHarness(DUBBO);
                CodecHarness response = new CodecHarness(DUBBO)) {
            Frame call = request.write(hex(OBSERVED_CALL)).single();
            Frame error = response.write(DUBBO.encodeErrorResponse(call, kind, message, ALLOC))
                    .single();
            assertThat(error.isResponse()).isTrue();
            assertThat(error.requestId()).isEqualTo(-10);
            assertThat(error.status()).isEqualTo(DubboStatus.of(kind).code());
            assertThat(error.isSuccess()).isFalse();
            assertThat((int) error.content().getUnsignedByte(2)).isEqualTo(0x02);
            assertThat(bodyString(error)).isEqualTo(message);
        }
    }

    @Test
    void writesTheObservedServiceNotFoundReply() {
        String message = "sidecar: status 60 for probe.HelloService:1.0.0";
        try (CodecHarness request = new CodecHarness(DUBBO)) {
            Frame call = request.write(hex(OBSERVED_CALL)).single();
            ByteBuf reply = DUBBO.encodeErrorResponse(call, ErrorKind.NO_ROUTE, message, ALLOC);
            assertThat(ByteBufUtil.hexDump(reply, 0, 18)).isEqualTo("dabb023cfffffffffffffff6000000313" + "02f");
            reply.release();
        }
    }

    @Test
    void writesLongAndNonAsciiMessagesIntact() {
        String message = "é中".repeat(600);
        try (CodecHarness request = new CodecHarness(DUBBO);
                CodecHarness response = new CodecHarness(DUBBO)) {
            Frame call = request.write(hex(OBSERVED_CALL)).single();
            Frame error = response.write(DUBBO.encodeErrorResponse(call, ErrorKind.INTERNAL, message, ALLOC))
                    .single();
            assertThat(bodyString(error)).isEqualTo(message);
        }
    }

    @Test
    void detectsTheMagic() {
        assertThat(detect("")).isEqualTo(Detection.NEED_MORE_BYTES);
        assertThat(detect("da")).isEqualTo(Detection.NEED_MORE_BYTES);
        assertThat(detect("dabb")).isEqualTo(Detection.RECOGNISED);
        assertThat(detect("daba")).isEqualTo(Detection.NOT_RECOGNISED);
        assertThat(detect("01")).isEqualTo(Detection.NOT_RECOGNISED);
    }

    private static Detection detect(String hex) {
        ByteBuf in = hex(hex);
        try {
            return DUBBO.detect(in);
        } finally {
            assertThat(in.readerIndex()).isZero();
            in.release();
        }
    }

    static String bodyString(Frame frame) {
        ByteBuf bytes = frame.content();
        try {
            Hessian2StringReader reader = new Hessian2StringReader(bytes, 16, bytes.writerIndex(), 100_000);
            String value = reader.read();
            assertThat(reader.position()).isEqualTo(bytes.writerIndex());
            return value;
        } catch (Hessian2StringReader.NotAString e) {
            throw new AssertionError(e);
        }
    }
}
