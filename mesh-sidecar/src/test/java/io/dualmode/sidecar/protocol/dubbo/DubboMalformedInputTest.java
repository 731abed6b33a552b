package io.dualmode.sidecar.protocol.dubbo;

import static io.dualmode.sidecar.protocol.CodecHarness.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualmode.sidecar.protocol.CodecHarness;
import io.dualmode.sidecar.protocol.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** One test per kind of bad input: the connection is closed, counted, and nothing reaches the pipeline. */
class DubboMalformedInputTest {

    private static final DubboProtocolPlugin DUBBO = new DubboProtocolPlugin();

    @Test
    void badMagic() {
        try (CodecHarness codec = new CodecHarness(DUBBO)) {
            codec.write(hex("dabc c2 00 0000000000000001 00000000"));
            codec.assertClosedWithNothing();
            assertThat(codec.rejected("bad_magic")).isEqualTo(1);
        }
    }

    @Test
    void badMagicIsSeenFromTwoBytes() {
        try (CodecHarness codec = new CodecHarness(DUBBO)) {
            codec.write(hex("0102"));
            codec.assertClosedWithNothing();
            assertThat(codec.rejected("bad_magic")).isEqualTo(1);
        }
    }

    @Test
    void negativeBodyLength() {
        try (CodecHarness codec = new CodecHarness(DUBBO)) {
            codec.write(hex("dabb c2 00 0000000000000001 ffffffff"));
            codec.assertClosedWithNothing();
            assertThat(codec.rejected("bad_length")).isEqualTo(1);
        }
    }

    @Test
    void oneWayCallOverTheLimitIsRefusedFromTheHeaderAlone() {
        try (CodecHarness codec = new CodecHarness(DUBBO, 1024)) {
            codec.write(hex("dabb 82 00 0000000000000001 000003f1"));
            codec.assertClosedWithNothing();
            assertThat(codec.rejected("too_large")).isEqualTo(1);
        }
    }

    @Test
    void callOverTheLimitIsAnsweredWithBadRequestAndSkipped() {
        ByteBuf big = DubboBytes.frame(0xc2, 0, 5, Unpooled.wrappedBuffer(new byte[3000]));
        ByteBuf next = DubboBytes.call(6, "a.A", "1", "m");
        try (CodecHarness codec = new CodecHarness(DUBBO, 1024)) {
            codec.write(big.readRetainedSlice(100));
            ByteBuf reply = codec.channel().readOutbound();
            codec.write(big.readRetainedSlice(1500)).write(big).write(next);
            assertThat(codec.single().requestId()).isEqualTo(6);
            assertThat(codec.channel().isOpen()).isTrue();
            assertThat(codec.rejected("too_large")).isEqualTo(1);
            try (CodecHarness replies = new CodecHarness(DUBBO)) {
                Frame error = replies.write(reply).single();
                assertThat(error.requestId()).isEqualTo(5);
                assertThat(error.status()).isEqualTo(DubboStatus.BAD_REQUEST.code());
                assertThat(DubboProtocolPluginTest.bodyString(error))
                        .isEqualTo("request of 3016 bytes is over the sidecar's limit of 1024 bytes");
            }
        }
    }

    @Test
    void heartbeatOverTheLimitClosesTheConnection() {
        try (CodecHarness codec = new CodecHarness(DUBBO, 1024)) {
            codec.write(hex("dabb e2 00 0000000000000001 00001000"));
            codec.assertClosedWithNothing();
            assertThat((Object) codec.channel().readOutbound()).isNull();
        }
    }

    @Test
    void bodyAtTheLimitIsAccepted() {
        ByteBuf frame = DubboBytes.frame(0xc2, 0, 1, Unpooled.wrappedBuffer(new byte[1024 - 16]));
        try (CodecHarness codec = new CodecHarness(DUBBO, 1024)) {
            assertThat(codec.write(frame).frames()).hasSize(1);
        }
    }

    @Test
    void defaultLimitIsDubbosEightMebibytePayload() {
        try (CodecHarness codec = new CodecHarness(DUBBO)) {
            codec.write(hex("dabb 82 00 0000000000000001 00800001"));
            codec.assertClosedWithNothing();
            assertThat(codec.rejected("too_large")).isEqualTo(1);
        }
    }

    @Test
    void eventBodyOverFifteenBytes() {
        try (CodecHarness codec = new CodecHarness(DUBBO)) {
            codec.write(hex("dabb e2 00 0000000000000001 00000010"));
            codec.assertClosedWithNothing();
            assertThat(codec.rejected("bad_length")).isEqualTo(1);
        }
    }

    @Test
    void truncatedFrameIsCountedWhenThePeerCloses() {
        CodecHarness codec = new CodecHarness(DUBBO);
        codec.write(hex("dabb c2 00 0000000000000001 00000010 0102"));
        assertThat(codec.frames()).isEmpty();
        codec.expectTruncated().close();
        assertThat(codec.rejected("truncated")).isEqualTo(1);
    }

    @Test
    void truncatedHeaderIsCountedWhenThePeerCloses() {
        CodecHarness codec = new CodecHarness(DUBBO);
        codec.write(hex("dabb c2 00 00000000"));
        codec.expectTruncated().close();
        assertThat(codec.rejected("truncated")).isEqualTo(1);
    }

    @Test
    void bytesAfterABadFrameAreDropped() {
        try (CodecHarness codec = new CodecHarness(DUBBO)) {
            codec.write(Unpooled.wrappedBuffer(
                    hex("dabb c2 00 0000000000000001 ffffffff"), DubboBytes.call(2, "a.A", "1", "m")));
            codec.assertClosedWithNothing();
        }
    }

    @Test
    void goodFramesBeforeABadOneAreDelivered() {
        ByteBuf both = Unpooled.wrappedBuffer(DubboBytes.call(1, "a.A", "1", "m"), hex("dead"));
        try (CodecHarness codec = new CodecHarness(DUBBO)) {
            assertThat(codec.write(both).frames()).hasSize(1);
            assertThat(codec.channel().isOpen()).isFalse();
        }
    }
}
