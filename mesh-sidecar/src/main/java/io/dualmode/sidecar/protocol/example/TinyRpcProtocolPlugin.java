package io.dualmode.sidecar.protocol.example;

import io.dualmode.sidecar.protocol.Detection;
import io.dualmode.sidecar.protocol.ErrorKind;
import io.dualmode.sidecar.protocol.Frame;
import io.dualmode.sidecar.protocol.ProtocolDecoderException;
import io.dualmode.sidecar.protocol.ProtocolDecoderException.Reason;
import io.dualmode.sidecar.protocol.ProtocolPlugin;
import io.dualmode.sidecar.protocol.RoutingKey;
import io.dualmode.sidecar.protocol.Stability;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * "tinyrpc", a made-up private protocol. Every frame is a 12-byte header, the service name (requests only) and
 * an opaque body; integers are big-endian.
 *
 * <pre>
 * offset size field
 *   0     2   magic 0x54 0x52 ("TR")
 *   2     1   flags: 0x01 response, 0x02 heartbeat, 0x04 one-way, 0x08 error
 *   3     1   service name length in bytes (0 in responses)
 *   4     4   request id
 *   8     4   body length
 *  12     n   service name, UTF-8
 *  12+n   m   body; an error response's body is the UTF-8 message
 * </pre>
 */
public final class TinyRpcProtocolPlugin implements ProtocolPlugin {

    static final int MAGIC = 0x5452;
    static final int HEADER = 12;
    static final int RESPONSE = 0x01;
    static final int HEARTBEAT = 0x02;
    static final int ONE_WAY = 0x04;
    static final int ERROR = 0x08;

    @Override
    public String name() {
        return "tinyrpc";
    }

    @Override
    public Stability stability() {
        return Stability.BETA;
    }

    @Override
    public boolean safeForUntrustedTraffic() {
        return false;
    }

    @Override
    public int defaultMaxFrameLength() {
        return 1024 * 1024;
    }

    @Override
    public int requestIdBits() {
        return 32;
    }

    @Override
    public Detection detect(ByteBuf in) {
        int start = in.readerIndex();
        if (in.isReadable() && in.getUnsignedByte(start) != MAGIC >> 8) {
            return Detection.NOT_RECOGNISED;
        }
        if (in.readableBytes() < 2) {
            return Detection.NEED_MORE_BYTES;
        }
        return in.getUnsignedShort(start) == MAGIC ? Detection.RECOGNISED : Detection.NOT_RECOGNISED;
    }

    @Override
    public int frameLength(ByteBuf in, int maxFrameLength) {
        if (in.readableBytes() < HEADER) {
            return NEED_MORE_BYTES;
        }
        int start = in.readerIndex();
        if (in.getUnsignedShort(start) != MAGIC) {
            throw new ProtocolDecoderException(Reason.BAD_MAGIC, "not tinyrpc");
        }
        int bodyLength = in.getInt(start + 8);
        if (bodyLength < 0) {
            throw new ProtocolDecoderException(Reason.BAD_LENGTH, "negative body length");
        }
        long length = (long) HEADER + in.getUnsignedByte(start + 3) + bodyLength;
        if (length > maxFrameLength) {
            throw ProtocolDecoderException.tooLarge(length);
        }
        return (int) length;
    }

    @Override
    public Frame decodeFrame(ByteBuf frame) {
        int start = frame.readerIndex();
        int flags = frame.getUnsignedByte(start + 2);
        long id = frame.getUnsignedInt(start + 4);
        if ((flags & HEARTBEAT) != 0) {
            return Frame.heartbeat(frame, id, (flags & RESPONSE) == 0);
        }
        if ((flags & RESPONSE) != 0) {
            boolean error = (flags & ERROR) != 0;
            return Frame.response(frame, id, error ? 1 : 0, !error);
        }
        String service = frame.toString(start + HEADER, frame.getUnsignedByte(start + 3), StandardCharsets.UTF_8);
        RoutingKey key = new RoutingKey(service, "", "", "");
        return Frame.request(frame, id, (flags & ONE_WAY) != 0, Frame.NO_TIMEOUT, key);
    }

    @Override
    public void rewriteRequestId(Frame frame, long newId) {
        if (newId >>> 32 != 0) {
            throw new IllegalArgumentException("tinyrpc ids are 32 bits: " + newId);
        }
        frame.content().setInt(frame.content().readerIndex() + 4, (int) newId);
    }

    @Override
    public ByteBuf encodeErrorResponse(Frame request, ErrorKind kind, String message, ByteBufAllocator alloc) {
        if (!request.expectsResponse()) {
            throw new IllegalArgumentException("no response to " + request);
        }
        byte[] body = (kind + ": " + message).getBytes(StandardCharsets.UTF_8);
        return header(alloc, RESPONSE | ERROR, request.requestId(), body.length).writeBytes(body);
    }

    @Override
    public ByteBuf encodeHeartbeatResponse(Frame heartbeat, ByteBufAllocator alloc) {
        return header(alloc, RESPONSE | HEARTBEAT, heartbeat.requestId(), 0);
    }

    @Override
    public ByteBuf encodeHeartbeatRequest(long requestId, ByteBufAllocator alloc) {
        return header(alloc, HEARTBEAT, requestId, 0);
    }

    private static ByteBuf header(ByteBufAllocator alloc, int flags, long id, int bodyLength) {
        ByteBuf out = alloc.buffer(HEADER + bodyLength);
        return out.writeShort(MAGIC)
                .writeByte(flags)
                .writeByte(0)
                .writeInt((int) id)
                .writeInt(bodyLength);
    }
}
