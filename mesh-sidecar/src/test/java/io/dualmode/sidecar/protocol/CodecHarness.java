package io.dualmode.sidecar.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;

/** An {@link EmbeddedChannel} with one {@link FrameDecoder}, and the meters it writes to. */
public final class CodecHarness implements AutoCloseable {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ProtocolPlugin plugin;
    private final EmbeddedChannel channel;
    private final List<Frame> frames = new ArrayList<>();
    private final List<ByteBuf> written = new ArrayList<>();
    private boolean truncationExpected;

    public CodecHarness(ProtocolPlugin plugin) {
        this(plugin, plugin.defaultMaxFrameLength());
    }

    public CodecHarness(ProtocolPlugin plugin, int maxFrameLength) {
        this.plugin = plugin;
        this.channel = new EmbeddedChannel(
                new FrameDecoder(plugin, maxFrameLength, new ProtocolMetrics(registry, plugin.name())));
    }

    public static ByteBuf hex(String hex) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex.replaceAll("[\\s|]", "")));
    }

    public EmbeddedChannel channel() {
        return channel;
    }

    /** Writes the bytes in one piece. */
    public CodecHarness write(ByteBuf bytes) {
        written.add(bytes);
        channel.writeInbound(bytes);
        return this;
    }

    /** Writes the bytes one at a time; releases {@code bytes}. */
    public CodecHarness writeByteByByte(ByteBuf bytes) {
        written.add(bytes);
        while (bytes.isReadable()) {
            channel.writeInbound(bytes.readRetainedSlice(1));
        }
        bytes.release();
        return this;
    }

    /** Every frame decoded so far; the harness releases them on close. */
    public List<Frame> frames() {
        Frame frame;
        while ((frame = channel.readInbound()) != null) {
            frames.add(frame);
        }
        return frames;
    }

    /** The only frame decoded so far. */
    public Frame single() {
        assertThat(frames()).hasSize(1);
        return frames.get(0);
    }

    /** The count of {@code sidecar.protocol.frame.rejected} with this reason tag. */
    public double rejected(String reason) {
        var counter = registry.find("sidecar.protocol.frame.rejected")
                .tag("reason", reason)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    public double decoded() {
        return registry.get("sidecar.protocol.frame.decoded").counter().count();
    }

    public ProtocolPlugin plugin() {
        return plugin;
    }

    /** Asserts the connection was closed and nothing came out. */
    public void assertClosedWithNothing() {
        assertThat(channel.isOpen()).isFalse();
        assertThat(frames()).isEmpty();
    }

    /** Lets {@link #close()} find bytes of an unfinished frame. */
    public CodecHarness expectTruncated() {
        truncationExpected = true;
        return this;
    }

    /**
     * Closes the channel, asserts no exception escaped, no frame is left and no byte was left over in the decoder
     * (unless {@link #expectTruncated()}), and releases the frames.
     */
    @Override
    public void close() {
        frames();
        channel.finishAndReleaseAll();
        channel.checkException();
        if (!truncationExpected) {
            assertThat(rejected("truncated"))
                    .as("bytes left over in the decoder")
                    .isZero();
        }
        frames.forEach(Frame::release);
        assertThat(written).as("every byte written was released").allMatch(buf -> buf.refCnt() == 0);
    }
}
