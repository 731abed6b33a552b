package io.dualmode.sidecar.protocol.bolt;

import static io.dualmode.sidecar.protocol.CodecHarness.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualmode.sidecar.protocol.CodecHarness;
import io.dualmode.sidecar.protocol.Frame;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

/** One test per kind of bad input: the connection is closed, counted, and nothing reaches the pipeline. */
class BoltMalformedInputTest {

    private static final BoltProtocolPlugin BOLT = new BoltProtocolPlugin();

    private static void assertRejected(ByteBuf bytes, String reason) {
        assertRejected(bytes, reason, BOLT.defaultMaxFrameLength());
    }

    private static void assertRejected(ByteBuf bytes, String reason, int max) {
        try (CodecHarness codec = new CodecHarness(BOLT, max)) {
            codec.write(bytes);
            codec.assertClosedWithNothing();
            assertThat(codec.rejected(reason)).isEqualTo(1);
        }
    }

    @Test
    void unknownProtoByte() {
        assertRejected(hex("03 01 0001 01"), "bad_magic");
    }

    @Test
    void unknownVer1() {
        assertRejected(hex("02 07"), "bad_header");
    }

    @Test
    void unknownType() {
        BoltBytes request = BoltBytes.request("a:1.0", "m");
        request.type = 3;
        assertRejected(request.build(), "bad_header");
    }

    @Test
    void commandCodeThatDoesNotMatchTheType() {
        BoltBytes request = BoltBytes.request("a:1.0", "m");
        request.cmd = 2;
        assertRejected(request.build(), "bad_header");
    }

    @Test
    void unknownResponseStatus() {
        assertRejected(BoltBytes.response(0xff).build(), "bad_header");
    }

    @Test
    void negativeContentLength() {
        ByteBuf bytes = BoltBytes.request("a:1.0", "m").build();
        bytes.setInt(18, -1);
        assertRejected(bytes, "bad_length");
    }

    @Test
    void classLengthOverASignedShort() {
        ByteBuf bytes = BoltBytes.request("a:1.0", "m").build();
        bytes.setShort(14, 0x8000);
        assertRejected(bytes, "bad_length");
    }

    @Test
    void headerLengthOverASignedShort() {
        ByteBuf bytes = BoltBytes.request("a:1.0", "m").build();
        bytes.setShort(16, 0xffff);
        assertRejected(bytes, "bad_length");
    }

    @Test
    void oneWayOverTheLimitIsRefusedFromTheFixedHeader() {
        assertRejected(hex("01 02 0001 01 00000001 01 00000bb8 0000 0000 00000400"), "too_large", 1024);
    }

    @Test
    void responseOverTheLimitClosesTheConnection() {
        assertRejected(hex("01 00 0002 01 00000001 01 0000 0000 0000 00000400"), "too_large", 1024);
    }

    @Test
    void callOverTheLimitIsAnsweredAndSkipped() {
        BoltBytes big = BoltBytes.request("a:1.0", "m").v2(2, 1);
        big.id = 5;
        big.content = new byte[3000];
        ByteBuf bytes = big.build();
        try (CodecHarness codec = new CodecHarness(BOLT, 1024)) {
            codec.write(bytes.readRetainedSlice(30));
            ByteBuf reply = codec.channel().readOutbound();
            codec.write(bytes).write(BoltBytes.request("b:1.0", "n").build());
            assertThat(codec.single().routingKey().service()).isEqualTo("b");
            assertThat(codec.channel().isOpen()).isTrue();
            assertThat(codec.rejected("too_large")).isEqualTo(1);
            try (CodecHarness replies = new CodecHarness(BOLT)) {
                Frame error = replies.write(reply).single();
                assertThat(error.requestId()).isEqualTo(5);
                assertThat(error.isSuccess()).isFalse();
                int end = error.content().writerIndex();
                assertThat(error.content().getInt(end - 4)).isEqualTo(BoltBytes.crc(error.content(), 0, end - 4));
            }
        }
    }

    @Test
    void crcBytesCountTowardsTheLimit() {
        BoltBytes request = BoltBytes.request("a:1.0", "m").v2(2, 1);
        request.type = 2;
        ByteBuf bytes = request.build();
        assertRejected(bytes, "too_large", bytes.readableBytes() - 1);
    }

    @Test
    void headerEntryLongerThanTheHeader() {
        BoltBytes request = new BoltBytes();
        request.header = hex("00000007 73657276696365 000000ff 61").array();
        assertRejected(request.build(), "bad_header");
    }

    @Test
    void headerEntryWithANegativeLength() {
        BoltBytes request = new BoltBytes();
        request.header = hex("fffffffe 00000000").array();
        assertRejected(request.build(), "bad_header");
    }

    @Test
    void headerCutInsideALength() {
        BoltBytes request = new BoltBytes();
        request.header = hex("00000001 41 0000").array();
        assertRejected(request.build(), "bad_header");
    }

    @Test
    void corruptedClassLengthThatEatsTheHeader() {
        ByteBuf bytes = BoltBytes.request("a:1.0", "m").build();
        bytes.setShort(14, bytes.getUnsignedShort(14) + 3);
        bytes.setShort(16, bytes.getUnsignedShort(16) - 3);
        assertRejected(bytes, "bad_header");
    }

    @Test
    void truncatedFrameIsCountedWhenThePeerCloses() {
        ByteBuf bytes = BoltBytes.request("a:1.0", "m").build();
        CodecHarness codec = new CodecHarness(BOLT);
        codec.write(bytes.retainedSlice(0, bytes.readableBytes() - 1));
        bytes.release();
        assertThat(codec.frames()).isEmpty();
        codec.expectTruncated().close();
        assertThat(codec.rejected("truncated")).isEqualTo(1);
    }
}
