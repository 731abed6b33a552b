package io.dualmode.sidecar.protocol.dubbo;

import static io.dualmode.sidecar.protocol.dubbo.DubboHeader.FLAG_EVENT;
import static io.dualmode.sidecar.protocol.dubbo.DubboHeader.FLAG_REQUEST;
import static io.dualmode.sidecar.protocol.dubbo.DubboHeader.FLAG_TWO_WAY;
import static io.dualmode.sidecar.protocol.dubbo.DubboHeader.HESSIAN2;
import static io.dualmode.sidecar.protocol.dubbo.DubboHeader.HESSIAN2_NULL;
import static io.dualmode.sidecar.protocol.dubbo.DubboHeader.ID_OFFSET;
import static io.dualmode.sidecar.protocol.dubbo.DubboHeader.LENGTH;
import static io.dualmode.sidecar.protocol.dubbo.DubboHeader.MAGIC;
import static io.dualmode.sidecar.protocol.dubbo.DubboHeader.MAGIC_HIGH;

import io.dualmode.sidecar.protocol.Detection;
import io.dualmode.sidecar.protocol.ErrorKind;
import io.dualmode.sidecar.protocol.Frame;
import io.dualmode.sidecar.protocol.ProtocolPlugin;
import io.dualmode.sidecar.protocol.Stability;
import io.dualmode.sidecar.protocol.internal.Hessian2Strings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Dubbo 2 ({@code dubbo://}): routes on service path, version and method read from the first hessian2 strings of
 * the body; the group is not read (it sits after the arguments) and is left empty. Requests carry no timeout in
 * the header, so {@link Frame#timeoutMillis()} is always {@link Frame#NO_TIMEOUT}.
 */
public final class DubboProtocolPlugin implements ProtocolPlugin {

    /** The name in configuration. */
    public static final String NAME = "dubbo";

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Stable: real Dubbo 3.3 applications carry their traffic through the sidecar with it end to end (integration-tests/dubbo-interop; a
     * call the provider does not answer in time is a Dubbo timeout at the consumer, DubboRpcProxyIntegrationTest), and its frames are
     * checked against the real codec in tests.
     */
    @Override
    public Stability stability() {
        return Stability.STABLE;
    }

    @Override
    public boolean safeForUntrustedTraffic() {
        return true;
    }

    @Override
    public int defaultMaxFrameLength() {
        return LENGTH + DubboHeader.DEFAULT_MAX_BODY;
    }

    @Override
    public int requestIdBits() {
        return 64;
    }

    @Override
    public Detection detect(ByteBuf in) {
        if (!in.isReadable()) {
            return Detection.NEED_MORE_BYTES;
        }
        if (in.getUnsignedByte(in.readerIndex()) != MAGIC_HIGH) {
            return Detection.NOT_RECOGNISED;
        }
        if (in.readableBytes() < 2) {
            return Detection.NEED_MORE_BYTES;
        }
        return in.getUnsignedShort(in.readerIndex()) == MAGIC ? Detection.RECOGNISED : Detection.NOT_RECOGNISED;
    }

    @Override
    public int frameLength(ByteBuf in, int maxFrameLength) {
        return DubboFrames.frameLength(in, maxFrameLength);
    }

    @Override
    public Frame decodeFrame(ByteBuf frame) {
        return DubboFrames.decode(frame);
    }

    @Override
    public void rewriteRequestId(Frame frame, long newId) {
        ByteBuf bytes = frame.content();
        bytes.setLong(bytes.readerIndex() + ID_OFFSET, newId);
    }

    /**
     * A response with the status {@link DubboStatus#of(ErrorKind)} and the message as the whole body, one hessian2
     * string: a Dubbo consumer throws an {@code RpcException} whose message ends with ours.
     */
    @Override
    public ByteBuf encodeErrorResponse(Frame request, ErrorKind kind, String message, ByteBufAllocator alloc) {
        if (!request.expectsResponse()) {
            throw new IllegalArgumentException("no response to " + request);
        }
        return errorReply(request.requestId(), DubboStatus.of(kind), message, alloc);
    }

    /** A BAD_REQUEST reply to a two-way call; {@code null} for other frames. */
    @Override
    public ByteBuf encodeOversizeReply(ByteBuf header, String message, ByteBufAllocator alloc) {
        int start = header.readerIndex();
        int kind = header.getUnsignedByte(start + DubboHeader.FLAG_OFFSET) & (FLAG_REQUEST | FLAG_TWO_WAY | FLAG_EVENT);
        if (kind != (FLAG_REQUEST | FLAG_TWO_WAY)) {
            return null;
        }
        return errorReply(header.getLong(start + ID_OFFSET), DubboStatus.BAD_REQUEST, message, alloc);
    }

    private static ByteBuf errorReply(long id, DubboStatus status, String message, ByteBufAllocator alloc) {
        int bodyLength = Hessian2Strings.encodedLength(message, true);
        ByteBuf out = alloc.buffer(LENGTH + bodyLength);
        writeHeader(out, HESSIAN2, status.code(), id, bodyLength);
        Hessian2Strings.write(out, message, true);
        return out;
    }

    @Override
    public ByteBuf encodeHeartbeatResponse(Frame heartbeat, ByteBufAllocator alloc) {
        if (!heartbeat.isHeartbeat() || !heartbeat.isRequest()) {
            throw new IllegalArgumentException("not a heartbeat request: " + heartbeat);
        }
        return heartbeat(FLAG_EVENT | HESSIAN2, DubboStatus.OK.code(), heartbeat.requestId(), alloc);
    }

    @Override
    public ByteBuf encodeHeartbeatRequest(long requestId, ByteBufAllocator alloc) {
        return heartbeat(FLAG_REQUEST | FLAG_TWO_WAY | FLAG_EVENT | HESSIAN2, 0, requestId, alloc);
    }

    private static ByteBuf heartbeat(int flag, int status, long id, ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(LENGTH + 1);
        writeHeader(out, flag, status, id, 1);
        return out.writeByte(HESSIAN2_NULL);
    }

    private static void writeHeader(ByteBuf out, int flag, int status, long id, int bodyLength) {
        out.writeShort(MAGIC).writeByte(flag).writeByte(status).writeLong(id).writeInt(bodyLength);
    }
}
