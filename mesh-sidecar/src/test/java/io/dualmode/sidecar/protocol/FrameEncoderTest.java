package io.dualmode.sidecar.protocol;

import static io.dualmode.sidecar.protocol.CodecHarness.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class FrameEncoderTest {

    @Test
    void writesTheFrameBytesUnchangedAndReleasesTheFrame() {
        ByteBuf bytes = hex("5452 00 04 00000007 00000002 6563686f 6869");
        Frame frame = Frame.request(bytes, 7, false, Frame.NO_TIMEOUT, new RoutingKey("echo", "", "", ""));
        EmbeddedChannel channel = new EmbeddedChannel(FrameEncoder.INSTANCE);
        assertThat(channel.writeOutbound(frame)).isTrue();
        ByteBuf written = channel.readOutbound();
        assertThat(ByteBufUtil.hexDump(written)).isEqualTo("545200040000000700000002656368" + "6f6869");
        assertThat(written.release()).isTrue();
        assertThat(frame.refCnt()).isZero();
        assertThat(channel.finish()).isFalse();
    }
}
