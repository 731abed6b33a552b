package io.dualmode.sidecar.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Feeds a plug-in random and mutated frames through a {@link FrameDecoder} for a bounded time, and exercises
 * everything it produces (id rewrite, error and heartbeat replies, which must decode again). Fails on any exception
 * that leaves the pipeline and on any buffer not released. One run in sixteen uses the pooled allocator, so
 * Netty's paranoid leak detector sees those buffers; the rest use an allocator that checks each buffer it handed
 * out has a reference count of zero at the end of the run.
 *
 * <p>The time per codec is {@value #DEFAULT_MILLIS} ms; {@code -Ddualmode.fuzz.millis=...} raises it.
 */
public final class FuzzEngine {

    static final long DEFAULT_MILLIS = 1500;
    private static final ByteBufAllocator FAST = new UnpooledByteBufAllocator(false, true);

    /** Remembers every buffer it hands out, so a run can check that each was released. */
    private static final class TrackingAllocator extends AbstractByteBufAllocator {
        private final List<ByteBuf> allocated = new ArrayList<>();

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            return track(FAST.heapBuffer(initialCapacity, maxCapacity));
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return track(FAST.heapBuffer(initialCapacity, maxCapacity));
        }

        @Override
        public CompositeByteBuf compositeBuffer(int maxNumComponents) {
            return compositeHeapBuffer(maxNumComponents);
        }

        @Override
        public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
            CompositeByteBuf buf = new CompositeByteBuf(this, false, maxNumComponents);
            track(buf);
            return buf;
        }

        private ByteBuf track(ByteBuf buf) {
            allocated.add(buf);
            return buf;
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }

        void assertAllReleased() {
            assertThat(allocated).as("buffers allocated and not released").allMatch(buf -> buf.refCnt() == 0);
        }
    }

    private static final int[] INTERESTING = {
        0, 1, -1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, Integer.MAX_VALUE, Integer.MIN_VALUE, 16, 20, 22, 24
    };

    private final ProtocolPlugin plugin;
    private final List<byte[]> seeds;
    private final SplittableRandom random;
    private long inputs;
    private long frames;

    public FuzzEngine(ProtocolPlugin plugin, List<ByteBuf> seeds, long seed) {
        this.plugin = plugin;
        this.seeds = new ArrayList<>();
        for (ByteBuf buf : seeds) {
            this.seeds.add(ByteBufUtil.getBytes(buf));
            buf.release();
        }
        this.random = new SplittableRandom(seed);
    }

    /** Runs for the configured time; returns a line saying how much was fed. */
    public String run() {
        long millis = Long.getLong("dualmode.fuzz.millis", DEFAULT_MILLIS);
        long start = System.nanoTime();
        long pipelineDeadline = start + millis * 1_000_000 / 3;
        long deadline = start + millis * 1_000_000;
        while (System.nanoTime() < pipelineDeadline) {
            for (int i = 0; i < 64; i++) {
                runOnce(input());
            }
        }
        long pipelineInputs = inputs;
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 256; i++) {
                runDirect(input());
            }
        }
        return plugin.name() + ": " + pipelineInputs + " inputs through the pipeline, " + (inputs - pipelineInputs)
                + " straight to the plug-in, " + frames + " frames decoded in " + millis + " ms";
    }

    private byte[] input() {
        ByteBuf out = Unpooled.buffer();
        int parts = 1 + random.nextInt(4);
        for (int i = 0; i < parts; i++) {
            int choice = random.nextInt(10);
            byte[] seed = seeds.get(random.nextInt(seeds.size()));
            out.writeBytes(choice < 3 ? seed : choice < 9 ? mutate(seed) : randomBytes());
        }
        byte[] bytes = ByteBufUtil.getBytes(out);
        out.release();
        return bytes;
    }

    private byte[] randomBytes() {
        byte[] bytes = new byte[random.nextInt(64)];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    private byte[] mutate(byte[] seed) {
        byte[] bytes = seed.clone();
        int mutations = 1 + random.nextInt(3);
        for (int i = 0; i < mutations && bytes.length > 0; i++) {
            bytes = mutateOnce(bytes);
        }
        return bytes;
    }

    private byte[] mutateOnce(byte[] bytes) {
        int at = random.nextInt(bytes.length);
        switch (random.nextInt(5)) {
            case 0 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
            case 1 -> bytes[at] = (byte) random.nextInt(256);
            case 2 -> writeInt(bytes, at, INTERESTING[random.nextInt(INTERESTING.length)]);
            case 3 -> bytes = java.util.Arrays.copyOf(bytes, at);
            default -> writeShort(bytes, at, INTERESTING[random.nextInt(INTERESTING.length)]);
        }
        return bytes;
    }

    private static void writeInt(byte[] bytes, int at, int value) {
        for (int i = 0; i < 4 && at + i < bytes.length; i++) {
            bytes[at + i] = (byte) (value >>> (24 - 8 * i));
        }
    }

    private static void writeShort(byte[] bytes, int at, int value) {
        for (int i = 0; i < 2 && at + i < bytes.length; i++) {
            bytes[at + i] = (byte) (value >>> (8 - 8 * i));
        }
    }

    private void runOnce(byte[] bytes) {
        if (bytes.length == 0) {
            return;
        }
        inputs++;
        boolean tracked = random.nextInt(16) == 0;
        TrackingAllocator tracker = new TrackingAllocator();
        ByteBufAllocator alloc = tracked ? ByteBufAllocator.DEFAULT : tracker;
        int max = random.nextBoolean() ? 256 + random.nextInt(4096) : plugin.defaultMaxFrameLength();
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(plugin, max, ProtocolMetrics.noop("fuzz")));
        channel.config().setAllocator(alloc);
        ByteBuf input = Unpooled.wrappedBuffer(bytes);
        try {
            detect(input);
            feed(channel, input, alloc);
            channel.finishAndReleaseAll();
            channel.checkException();
        } catch (Throwable e) {
            throw new AssertionError(plugin.name() + " failed on " + ByteBufUtil.hexDump(bytes), e);
        }
        input.release();
        assertThat(input.refCnt())
                .as("input released: %s", ByteBufUtil.hexDump(bytes))
                .isZero();
        tracker.assertAllReleased();
    }

    /** The plug-in's own methods, without a pipeline: many more inputs per second. */
    private void runDirect(byte[] bytes) {
        inputs++;
        TrackingAllocator tracker = new TrackingAllocator();
        ByteBuf input = Unpooled.wrappedBuffer(bytes);
        try {
            detect(input);
            while (decodeDirect(input, tracker)) {
                // next frame
            }
        } catch (ProtocolDecoderException expected) {
            // bad input found
        } catch (Throwable e) {
            throw new AssertionError(plugin.name() + " failed on " + ByteBufUtil.hexDump(bytes), e);
        }
        input.release();
        tracker.assertAllReleased();
    }

    private boolean decodeDirect(ByteBuf input, ByteBufAllocator alloc) {
        int max = 256 + random.nextInt(1 << 16);
        int length = plugin.frameLength(input, max);
        if (length == ProtocolPlugin.NEED_MORE_BYTES || length > input.readableBytes()) {
            return false;
        }
        assertThat(length).isPositive().isLessThanOrEqualTo(max);
        Frame frame = plugin.decodeFrame(input.readRetainedSlice(length));
        frames++;
        try {
            exercise(frame, alloc);
        } finally {
            frame.release();
        }
        return true;
    }

    private void detect(ByteBuf input) {
        for (int length = 0; length <= Math.min(8, input.readableBytes()); length++) {
            ByteBuf prefix = input.slice(0, length);
            plugin.detect(prefix);
            assertThat(prefix.readerIndex()).isZero();
        }
    }

    private void feed(EmbeddedChannel channel, ByteBuf input, ByteBufAllocator alloc) {
        int position = 0;
        while (position < input.readableBytes() && channel.isOpen()) {
            int chunk = random.nextInt(4) == 0 ? input.readableBytes() - position : 1 + random.nextInt(32);
            chunk = Math.min(chunk, input.readableBytes() - position);
            channel.writeInbound(input.retainedSlice(position, chunk));
            position += chunk;
            drain(channel, alloc);
        }
    }

    private void drain(EmbeddedChannel channel, ByteBufAllocator alloc) {
        Frame frame;
        while ((frame = channel.readInbound()) != null) {
            frames++;
            try {
                exercise(frame, alloc);
            } finally {
                frame.release();
            }
        }
    }

    private void exercise(Frame frame, ByteBufAllocator alloc) {
        assertThat(frame.toString()).isNotEmpty();
        if (frame.isHeartbeat() && frame.isRequest()) {
            checkReply(plugin.encodeHeartbeatResponse(frame, alloc), frame);
        } else if (frame.expectsResponse()) {
            ErrorKind kind = ErrorKind.values()[random.nextInt(ErrorKind.values().length)];
            checkReply(plugin.encodeErrorResponse(frame, kind, "fuzz é中 " + random.nextInt(), alloc), frame);
        }
        plugin.rewriteTimeout(frame, random.nextInt());
        long id = plugin.requestIdBits() == 64 ? random.nextLong() : random.nextLong() >>> 32;
        plugin.rewriteRequestId(frame, id);
    }

    /** What we write must decode with our own decoder, as a response to the same id. */
    private void checkReply(ByteBuf reply, Frame request) {
        try {
            int length = plugin.frameLength(reply, Integer.MAX_VALUE);
            assertThat(length).isEqualTo(reply.readableBytes());
            Frame decoded = plugin.decodeFrame(reply.retainedSlice());
            assertThat(decoded.isResponse()).isTrue();
            assertThat(decoded.requestId()).isEqualTo(request.requestId());
            decoded.release();
        } finally {
            reply.release();
        }
    }
}
