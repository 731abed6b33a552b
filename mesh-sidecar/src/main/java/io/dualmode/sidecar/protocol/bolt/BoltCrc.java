package io.dualmode.sidecar.protocol.bolt;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/** The CRC32 a v2 frame with the CRC switch on carries over every byte from proto to the end of content. */
final class BoltCrc {

    private BoltCrc() {}

    /** The CRC of the frame {@code [start, end)} without its trailing four CRC bytes. */
    static int compute(ByteBuf buf, int start, int end) {
        CRC32 crc = new CRC32();
        for (ByteBuffer part : buf.nioBuffers(start, end - BoltLayout.CRC_LENGTH - start)) {
            crc.update(part);
        }
        return (int) crc.getValue();
    }

    /** Writes the CRC of a frame whose last four bytes are reserved for it. */
    static void write(ByteBuf frame, int start) {
        frame.setInt(frame.writerIndex() - BoltLayout.CRC_LENGTH, compute(frame, start, frame.writerIndex()));
    }

    /**
     * Changes bytes of a CRC frame in place; a frame whose CRC was wrong stays wrong by the same amount, so the
     * receiver still rejects it.
     */
    static void rewriteInt(ByteBuf frame, int index, int value) {
        int start = frame.readerIndex();
        int end = frame.writerIndex();
        int before = compute(frame, start, end);
        frame.setInt(index, value);
        int stored = frame.getInt(end - BoltLayout.CRC_LENGTH);
        frame.setInt(end - BoltLayout.CRC_LENGTH, stored ^ before ^ compute(frame, start, end));
    }
}
