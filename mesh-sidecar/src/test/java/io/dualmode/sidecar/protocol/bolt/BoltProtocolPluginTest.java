package io.dualmode.sidecar.protocol.bolt;

import static io.dualmode.sidecar.protocol.CodecHarness.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualmode.sidecar.protocol.CodecHarness;
import io.dualmode.sidecar.protocol.Detection;
import io.dualmode.sidecar.protocol.ErrorKind;
import io.dualmode.sidecar.protocol.Frame;
import io.dualmode.sidecar.protocol.RoutingKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BoltProtocolPluginTest {

    private static final BoltProtocolPlugin BOLT = new BoltProtocolPlugin();
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    @Test
    void decodesAV1Request() {
        try (CodecHarness codec = new CodecHarness(BOLT)) {
            ByteBuf bytes =
                    BoltBytes.request("probe.HelloService:1.0:g1", "hello").build();
            int length = bytes.readableBytes();
            Frame frame = codec.write(bytes).single();
            assertThat(frame.isRequest()).isTrue();
            assertThat(frame.isOneWay()).isFalse();
            assertThat(frame.isHeartbeat()).isFalse();
            assertThat(frame.requestId()).isEqualTo(3);
            assertThat(frame.timeoutMillis()).isEqualTo(3000);
            assertThat(frame.routingKey()).isEqualTo(new RoutingKey("probe.HelloService", "1.0", "g1", "hello"));
            assertThat(frame.content().readableBytes()).isEqualTo(length);
        }
    }

    @Test
    void insertsAHeaderEntryWithoutCopyingTheFrameOrMakingItHeapBacked() {
        for (int i = 0; i < 2; i++) { // the second time from the cached entry
            try (CodecHarness codec = new CodecHarness(BOLT)) {
                ByteBuf heap =
                        BoltBytes.request("probe.HelloService:1.0", "hello").build();
                ByteBuf direct = ALLOC.directBuffer(heap.readableBytes()).writeBytes(heap);
                heap.release();
                Frame request = codec.write(direct).single();
                ByteBuf original = request.content();
                int length = original.readableBytes();
                Frame with = BOLT.withHeader(request.retain(), "x-caller", "orders");
                assertThat(with.content().isDirect())
                        .as("a heap component would make the native transport copy the whole frame")
                        .isTrue();
                assertThat(with.content().readableBytes()).isGreaterThan(length);
                assertThat(BOLT.header(with, "x-caller")).isEqualTo("orders");
                assertThat(with.routingKey()).isEqualTo(request.routingKey());
                with.release();
                assertThat(original.refCnt())
                        .as("only the harness's reference is left")
                        .isEqualTo(1);
            }
        }
    }

    @Test
    void decodesTheObservedFixedPart() {
        BoltBytes request = BoltBytes.request("probe.HelloService:1.0", "hello");
        request.timeoutOrStatus = 1500;
        ByteBuf bytes = request.build();
        assertThat(ByteBufUtil.hexDump(bytes, 0, 14)).isEqualTo("0101000101000000030100000" + "5dc");
        try (CodecHarness codec = new CodecHarness(BOLT)) {
            assertThat(codec.write(bytes).single().routingKey().group()).isEmpty();
        }
    }

    @Test
    void fallsBackToTheTargetServiceHeader() {
        BoltBytes request = new BoltBytes();
        request.header = BoltBytes.headerMap(Map.of("sofa_head_target_service", "a.B:2.0", "app", "x"));
        try (CodecHarness codec = new CodecHarness(BOLT)) {
            assertThat(codec.write(request.build()).single().routingKey())
                    .isEqualTo(new RoutingKey("a.B", "2.0", "", ""));
        }
    }

    @Test
    void skipsNullAndEmptyHeaderEntries() {
        BoltBytes request = new BoltBytes();
        request.header = hex("ffffffff ffffffff 00000000 00000000 00000001 41 ffffffff"
                        + "00000007 73657276696365 00000007 612e423a312e30")
                .array();
        try (CodecHarness codec = new CodecHarness(BOLT)) {
            assertThat(codec.write(request.build()).single().routingKey())
                    .isEqualTo(new RoutingKey("a.B", "1.0", "", ""));
        }
    }

    @Test
    void decodesByteByByteAndSeveralInOneBuffer() {
        BoltBytes second = BoltBytes.request("b.B:1.0", "m2").v2(2, 1);
        second.id = 4;
        ByteBuf all = Unpooled.wrappedBuffer(
                BoltBytes.request("a.A:1.0", "m1").build(),
                second.build(),
                BoltBytes.response(0).build());
        try (CodecHarness codec = new CodecHarness(BOLT)) {
            List<Frame> frames = codec.writeByteByByte(all).frames();
            assertThat(frames).extracting(Frame::requestId).containsExactly(3L, 4L, 3L);
            assertThat(frames).extracting(f -> f.routingKey().method()).containsExactly("m1", "m2", "");
            assertThat(frames.get(2).isResponse()).isTrue();
        }
    }

    @Test
    void decodesV2WithAndWithoutCrc() {
        for (int[] variant : new int[][] {{1, 0}, {1, 1}, {2, 0}, {2, 1}}) {
            ByteBuf bytes =
                    BoltBytes.request("a.A:1.0", "m").v2(variant[0], variant[1]).build();
            int length = bytes.readableBytes();
            try (CodecHarness codec = new CodecHarness(BOLT)) {
                Frame frame = codec.write(bytes).single();
                assertThat(frame.content().readableBytes()).isEqualTo(length);
                assertThat(frame.routingKey().service()).isEqualTo("a.A");
            }
        }
    }

    @Test
    void readsOneWayRequests() {
        BoltBytes request = BoltBytes.request("a.A:1.0", "m");
        request.type = 2;
        try (CodecHarness codec = new CodecHarness(BOLT)) {
            Frame frame = codec.write(request.build()).single();
            assertThat(frame.isOneWay()).isTrue();
            assertThatThrownBy(() -> BOLT.encodeErrorResponse(frame, ErrorKind.NO_ROUTE, "x", ALLOC))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void readsResponseStatusAndTheErrorHeader() {
        for (BoltStatus status : BoltStatus.values()) {
            try (CodecHarness codec = new CodecHarness(BOLT)) {
                Frame frame =
                        codec.write(BoltBytes.response(status.code()).build()).single();
                assertThat(frame.status()).isEqualTo(status.code());
                assertThat(frame.isSuccess()).isEqualTo(status == BoltStatus.SUCCESS);
            }
        }
        BoltBytes failed = BoltBytes.response(0);
        failed.header = BoltBytes.headerMap(Map.of("sofa_head_response_error", "true"));
        try (CodecHarness codec = new CodecHarness(BOLT)) {
            assertThat(codec.write(failed.build()).single().isSuccess()).isFalse();
        }
    }

    @Test
    void answersTheObservedHeartbeat() {
        try (CodecHarness codec = new CodecHarness(BOLT)) {
            Frame ping = codec.write(hex("01 01 0000 01 0000002a 01 ffffffff 0000 0000 00000000"))
                    .single();
            assertThat(ping.isHeartbeat()).isTrue();
            assertThat(ping.isRequest()).isTrue();
            assertThat(ping.requestId()).isEqualTo(42);
            ByteBuf ack = BOLT.encodeHeartbeatResponse(ping, ALLOC);
            assertThat(ByteBufUtil.hexDump(ack))
                    .isEqualTo("0100000001" + "0000002a" + "01" + "0000" + "0000000000000000");
            ack.release();
        }
    }

    @Test
    void answersV2HeartbeatsWithoutCrc() {
        try (CodecHarness codec = new CodecHarness(BOLT)) {
            Frame ping = codec.write(hex("02 02 01 0000 01 0000002a 01 01 ffffffff 0000 0000 00000000 00000000"))
                    .single();
            ByteBuf ack = BOLT.encodeHeartbeatResponse(ping, ALLOC);
            assertThat(ByteBufUtil.hexDump(ack))
                    .isEqualTo("020200000001" + "0000002a" + "0100" + "0000" + "0000000000000000");
            ack.release();
        }
    }

    @Test
    void readsHeartbeatAcks() {
        try (CodecHarness codec = new CodecHarness(BOLT)) {
            Frame ack = codec.write(hex("01 00 0000 01 0000002a 01 0000 0000 0000 00000000"))
                    .single();
            assertThat(ack.isHeartbeat()).isTrue();
            assertThat(ack.isResponse()).isTrue();
        }
    }

    @Test
    void writesTheObservedHeartbeatRequest() {
        ByteBuf ping = BOLT.encodeHeartbeatRequest(7, ALLOC);
        assertThat(ByteBufUtil.hexDump(ping)).isEqualTo("0101000001" + "00000007" + "01ffffffff" + "0000000000000000");
        ping.release();
    }

    @Test
    void rewritesTheIdInV1AndV2() {
        for (BoltBytes request : List.of(
                BoltBytes.request("a:1.0", "m"), BoltBytes.request("a:1.0", "m").v2(1, 1))) {
            try (CodecHarness codec = new CodecHarness(BOLT)) {
                Frame frame = codec.write(request.build()).single();
                BOLT.rewriteRequestId(frame, 0xfffffffeL);
                int offset = request.version == 2 ? 6 : 5;
                assertThat(frame.content().getInt(offset)).isEqualTo(-2);
                assertThat(frame.requestId()).isEqualTo(3);
            }
        }
    }

    @Test
    void rewritingACrcFrameRecomputesTheCrc() {
        try (CodecHarness codec = new CodecHarness(BOLT)) {
            Frame frame = codec.write(BoltBytes.request("a:1.0", "m").v2(2, 1).build())
                    .single();
            BOLT.rewriteRequestId(frame, 99);
            ByteBuf bytes = frame.content();
            int end = bytes.writerIndex();
            assertThat(bytes.getInt(6)).isEqualTo(99);
            assertThat(bytes.getInt(end - 4)).isEqualTo(BoltBytes.crc(bytes, 0, end - 4));
        }
    }

    @Test
    void rewritesTheCrcOfAFrameGatheredFromManyReads() {
        try (CodecHarness codec = new CodecHarness(BOLT)) {
            Frame frame = codec.writeByteByByte(
                            BoltBytes.request("a:1.0", "m").v2(2, 1).build())
                    .single();
            BOLT.rewriteRequestId(frame, 99);
            ByteBuf bytes = frame.content();
            int start = bytes.readerIndex();
            int end = bytes.writerIndex();
            assertThat(bytes.getInt(start + 6)).isEqualTo(99);
            ByteBuf flat = bytes.copy();
            assertThat(bytes.getInt(end - 4)).isEqualTo(BoltBytes.crc(flat, 0, end - start - 4));
            flat.release();
        }
    }

    @Test
    void rewritingACorruptCrcFrameKeepsItCorrupt() {
        ByteBuf bytes = BoltBytes.request("a:1.0", "m").v2(2, 1).build();
        bytes.setInt(bytes.writerIndex() - 4, bytes.getInt(bytes.writerIndex() - 4) ^ 0x10);
        try (CodecHarness codec = new CodecHarness(BOLT)) {
            Frame frame = codec.write(bytes).single();
            BOLT.rewriteRequestId(frame, 99);
            ByteBuf content = frame.content();
            int end = content.writerIndex();
            assertThat(content.getInt(end - 4) ^ BoltBytes.crc(content, 0, end - 4))
                    .isEqualTo(0x10);
        }
    }

    @Test
    void rewritesTheTimeoutOfCallsAndFixesTheCrc() {
        try (CodecHarness codec = new CodecHarness(BOLT)) {
            Frame frame = codec.write(BoltBytes.request("a:1.0", "m").v2(2, 1).build())
                    .single();
            assertThat(BOLT.rewriteTimeout(frame, 1234)).isTrue();
            ByteBuf bytes = frame.content();
            int end = bytes.writerIndex();
            assertThat(bytes.getInt(12)).isEqualTo(1234);
            assertThat(bytes.getInt(end - 4)).isEqualTo(BoltBytes.crc(bytes, 0, end - 4));
        }
        try (CodecHarness codec = new CodecHarness(BOLT)) {
            Frame frame = codec.write(BoltBytes.request("a:1.0", "m").build()).single();
            assertThat(BOLT.rewriteTimeout(frame, 99)).isTrue();
            assertThat(frame.content().getInt(10)).isEqualTo(99);
        }
        try (CodecHarness codec = new CodecHarness(BOLT)) {
            Frame heartbeat = codec.write(hex("01 01 0000 01 0000002a 01 ffffffff 0000 0000 00000000"))
                    .single();
            assertThat(BOLT.rewriteTimeout(heartbeat, 99)).isFalse();
            assertThat(heartbeat.content().getInt(10)).isEqualTo(-1);
        }
    }

    @Test
    void refusesIdsWiderThan32Bits() {
        try (CodecHarness codec = new CodecHarness(BOLT)) {
            Frame frame = codec.write(BoltBytes.request("a:1.0", "m").build()).single();
            assertThatThrownBy(() -> BOLT.rewriteRequestId(frame, 1L << 32))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void detectsV1AndV2() {
        assertThat(detect("")).isEqualTo(Detection.NEED_MORE_BYTES);
        assertThat(detect("01 01 0001")).isEqualTo(Detection.NEED_MORE_BYTES);
        assertThat(detect("01 01 0001 01")).isEqualTo(Detection.RECOGNISED);
        assertThat(detect("01 00 0002 01")).isEqualTo(Detection.RECOGNISED);
        assertThat(detect("02 02 01 0000 01")).isEqualTo(Detection.RECOGNISED);
        assertThat(detect("01 01 0002 01")).isEqualTo(Detection.NOT_RECOGNISED);
        assertThat(detect("01 05 0001 01")).isEqualTo(Detection.NOT_RECOGNISED);
        assertThat(detect("02 03 01 0001 01")).isEqualTo(Detection.NOT_RECOGNISED);
        assertThat(detect("01 01 0001 02")).isEqualTo(Detection.NOT_RECOGNISED);
        assertThat(detect("dabb")).isEqualTo(Detection.NOT_RECOGNISED);
        assertThat(detect("474554")).isEqualTo(Detection.NOT_RECOGNISED);
    }

    private static Detection detect(String hex) {
        ByteBuf in = hex(hex);
        try {
            return BOLT.detect(in);
        } finally {
            assertThat(in.readerIndex()).isZero();
            in.release();
        }
    }

    static Map<String, String> headerMapOf(Frame frame) {
        ByteBuf bytes = frame.content();
        int version = bytes.getUnsignedByte(0);
        int lengths = version == 2 ? 14 : 12;
        int start = lengths + 8 + bytes.getUnsignedShort(lengths);
        int end = start + bytes.getUnsignedShort(lengths + 2);
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = start; i < end; ) {
            int keyLength = bytes.getInt(i);
            String key = bytes.toString(i + 4, keyLength, java.nio.charset.StandardCharsets.UTF_8);
            i += 4 + keyLength;
            int valueLength = bytes.getInt(i);
            map.put(key, bytes.toString(i + 4, valueLength, java.nio.charset.StandardCharsets.UTF_8));
            i += 4 + valueLength;
        }
        return map;
    }
}
