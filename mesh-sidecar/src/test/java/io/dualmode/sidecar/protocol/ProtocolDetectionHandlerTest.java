package io.dualmode.sidecar.protocol;

import static io.dualmode.sidecar.protocol.CodecHarness.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtocolDetectionHandlerTest {

    private static final String DUBBO_HEARTBEAT = "dabb e2 00 0000000000000007 00000001 4e";
    private static final String BOLT_HEARTBEAT = "01 01 0000 01 0000002a 01 ffffffff 0000 0000 00000000";
    private static final String TINY_HEARTBEAT = "5452 02 00 00000009 00000000";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ProtocolRegistry protocols = ProtocolRegistry.load();

    private EmbeddedChannel channel(List<ProtocolPlugin> plugins) {
        ProtocolMetrics metrics = new ProtocolMetrics(registry, "detect");
        return new EmbeddedChannel(new ProtocolDetectionHandler(
                plugins, ProtocolDetectionHandler.frameDecoderInstaller(metrics), metrics));
    }

    private EmbeddedChannel allProtocols() {
        return channel(protocols.get(List.of("dubbo", "bolt", "tinyrpc")));
    }

    @Test
    void routesEachProtocolToItsDecoderOnOnePort() {
        for (String[] sample : new String[][] {
            {DUBBO_HEARTBEAT, "dubbo-frames"}, {BOLT_HEARTBEAT, "bolt-frames"}, {TINY_HEARTBEAT, "tinyrpc-frames"}
        }) {
            EmbeddedChannel channel = allProtocols();
            channel.writeInbound(hex(sample[0] + sample[0]));
            assertThat(channel.pipeline().names()).contains(sample[1]);
            assertThat(channel.pipeline().get(ProtocolDetectionHandler.class)).isNull();
            Frame first = channel.readInbound();
            Frame second = channel.readInbound();
            assertThat(first.isHeartbeat()).isTrue();
            assertThat(second.isHeartbeat()).isTrue();
            first.release();
            second.release();
            assertThat(channel.finishAndReleaseAll()).isFalse();
        }
    }

    @Test
    void waitsForEnoughBytes() {
        EmbeddedChannel channel = allProtocols();
        ByteBuf bytes = hex(BOLT_HEARTBEAT);
        channel.writeInbound(bytes.readRetainedSlice(3));
        assertThat(channel.pipeline().get(ProtocolDetectionHandler.class)).isNotNull();
        while (bytes.isReadable()) {
            channel.writeInbound(bytes.readRetainedSlice(1));
        }
        bytes.release();
        Frame frame = channel.readInbound();
        assertThat(frame.requestId()).isEqualTo(42);
        frame.release();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void closesOnBytesNoPluginRecognises() {
        EmbeddedChannel channel = allProtocols();
        channel.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n", java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(channel.isOpen()).isFalse();
        assertThat(registry.get("sidecar.protocol.detect.unrecognised")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void givesUpAfterTheByteLimit() {
        EmbeddedChannel channel = channel(List.of(ProtocolRegistryTest.undecided()));
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[ProtocolDetectionHandler.MAX_DETECTION_BYTES - 1]));
        assertThat(channel.isOpen()).isTrue();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[1]));
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }
}
