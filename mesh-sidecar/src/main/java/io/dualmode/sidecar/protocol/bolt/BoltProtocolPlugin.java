package io.dualmode.sidecar.protocol.bolt;

import io.dualmode.sidecar.protocol.Detection;
import io.dualmode.sidecar.protocol.ErrorKind;
import io.dualmode.sidecar.protocol.Frame;
import io.dualmode.sidecar.protocol.ProtocolPlugin;
import io.dualmode.sidecar.protocol.RoutingKey;
import io.dualmode.sidecar.protocol.Stability;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * SOFA Bolt, v1 and v2 on the same port: routes on the {@code service} header ({@code interface:version[:uniqueId]},
 * else {@code sofa_head_target_service}) and {@code sofa_head_method_name}; the timeout comes from the fixed
 * header. Rewriting the id of a v2 frame with a CRC recomputes the CRC.
 */
public final class BoltProtocolPlugin implements ProtocolPlugin {

    /** The name in configuration. */
    public static final String NAME = "bolt";

    /** Bolt sets no limit; 16 MiB is ours. */
    static final int DEFAULT_MAX_FRAME = 16 * 1024 * 1024;

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Stable: real SOFARPC 5.13 applications carry their traffic through the sidecar with it end to end
     * (integration-tests/sofa-interop; a call the provider does not answer in time is SOFARPC's timeout at the
     * consumer, with nothing left pending in the sidecars, integration-tests/sofarpc's SofaMeshRegistryIntegrationTest),
     * and its frames are checked against the real codec in tests.
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
        return DEFAULT_MAX_FRAME;
    }

    @Override
    public int requestIdBits() {
        return 32;
    }

    /** Checks proto, (v2) ver1, type, command code and ver2: the first five or six bytes. */
    @Override
    public Detection detect(ByteBuf in) {
        if (!in.isReadable()) {
            return Detection.NEED_MORE_BYTES;
        }
        int start = in.readerIndex();
        int version = in.getUnsignedByte(start);
        if (version != BoltLayout.V1 && version != BoltLayout.V2) {
            return Detection.NOT_RECOGNISED;
        }
        int ver2 = BoltLayout.cmdOffset(version) + 2;
        if (in.readableBytes() <= ver2) {
            return Detection.NEED_MORE_BYTES;
        }
        return looksLikeBolt(in, start, version) ? Detection.RECOGNISED : Detection.NOT_RECOGNISED;
    }

    private static boolean looksLikeBolt(ByteBuf in, int start, int version) {
        boolean ver1 = version == BoltLayout.V1 || BoltFrames.isVer1(in.getUnsignedByte(start + 1));
        int type = in.getUnsignedByte(start + BoltLayout.typeOffset(version));
        int cmd = in.getUnsignedShort(start + BoltLayout.cmdOffset(version));
        int ver2 = in.getUnsignedByte(start + BoltLayout.cmdOffset(version) + 2);
        return ver1 && BoltFrames.isValidKind(type, cmd) && ver2 == BoltLayout.VER2;
    }

    @Override
    public int frameLength(ByteBuf in, int maxFrameLength) {
        return BoltFrames.frameLength(in, maxFrameLength);
    }

    @Override
    public Frame decodeFrame(ByteBuf frame) {
        return BoltFrames.decode(frame);
    }

    /** @param newId an unsigned 32-bit id */
    @Override
    public void rewriteRequestId(Frame frame, long newId) {
        if (newId >>> 32 != 0) {
            throw new IllegalArgumentException("Bolt request ids are 32 bits: " + newId);
        }
        ByteBuf bytes = frame.content();
        int start = bytes.readerIndex();
        rewriteInt(bytes, start + BoltLayout.idOffset(bytes.getUnsignedByte(start)), (int) newId);
    }

    /** Rewrites the timeout of a call; heartbeats and responses carry none. */
    @Override
    public boolean rewriteTimeout(Frame request, int timeoutMillis) {
        if (!request.isRequest() || request.isHeartbeat()) {
            return false;
        }
        ByteBuf bytes = request.content();
        int start = bytes.readerIndex();
        rewriteInt(bytes, start + BoltLayout.tailOffset(bytes.getUnsignedByte(start)), timeoutMillis);
        return true;
    }

    private static void rewriteInt(ByteBuf bytes, int index, int value) {
        if (BoltLayout.hasCrc(bytes, bytes.readerIndex())) {
            BoltCrc.rewriteInt(bytes, index, value);
        } else {
            bytes.setInt(index, value);
        }
    }

    /**
     * Overload and timeout become status-only replies (SERVER_THREADPOOL_BUSY, TIMEOUT). Every other kind becomes a
     * {@code SofaResponse} with {@code isError} and our message for the hessian2, protobuf and json codecs, which
     * SOFARPC throws as {@code SofaRpcException} with our text; other codecs get NO_PROCESSOR or ERROR status only.
     */
    @Override
    public ByteBuf encodeErrorResponse(Frame request, ErrorKind kind, String message, ByteBufAllocator alloc) {
        if (!request.expectsResponse() || request.isHeartbeat()) {
            throw new IllegalArgumentException("no error response to " + request);
        }
        return BoltReplies.error(request, kind, message, alloc);
    }

    /** Bolt's header map: the SOFARPC request properties, read in place. */
    @Override
    public String header(Frame request, String name) {
        ByteBuf bytes = request.content();
        int start = bytes.readerIndex();
        int version = bytes.getUnsignedByte(start);
        if (!request.isRequest() || request.isHeartbeat()) {
            return null;
        }
        int lengths = start + BoltLayout.lengthsOffset(version, true);
        int classLength = bytes.getShort(lengths);
        int headerLength = bytes.getShort(lengths + 2);
        if (headerLength <= 0) {
            return null;
        }
        int headerStart = start + BoltLayout.fixedLength(version, true) + classLength;
        return BoltHeaders.find(bytes, headerStart, headerLength, name.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Inserts the entry at the front of the header map and grows headerLen; the class and content are not copied
     * (the frame becomes a composite of slices of the original and the new entry). The entry is a direct buffer, so
     * the composite stays direct and the native transport writes it with one {@code writev} instead of copying the
     * whole frame into a new direct buffer first. Frames with a CRC32 (which covers the whole frame) and maps that
     * would outgrow headerLen's signed 16 bits are left unchanged.
     */
    @Override
    public Frame withHeader(Frame request, String name, String value) {
        ByteBuf bytes = request.content();
        int start = bytes.readerIndex();
        int version = bytes.getUnsignedByte(start);
        if (!request.isRequest() || request.isHeartbeat() || BoltLayout.hasCrc(bytes, start)) {
            return request;
        }
        ByteBuf entry = entry(name, value);
        int entryLength = entry.readableBytes();
        int lengths = start + BoltLayout.lengthsOffset(version, true);
        int classLength = bytes.getShort(lengths);
        int headerLength = bytes.getShort(lengths + 2);
        if (headerLength + entryLength > Short.MAX_VALUE) {
            return request;
        }
        bytes.setShort(lengths + 2, headerLength + entryLength);
        int headerStart = BoltLayout.fixedLength(version, true) + classLength;
        ByteBuf joined = Unpooled.wrappedBuffer(
                bytes.retainedSlice(start, headerStart),
                entry.retainedDuplicate(),
                bytes.retainedSlice(start + headerStart, bytes.readableBytes() - headerStart));
        Frame out = request.replace(joined);
        request.release();
        return out;
    }

    private volatile CachedEntry cached;

    /**
     * The encoded entry, cached for the identity a sidecar keeps writing: a direct buffer over JDK-managed memory
     * (the garbage collector frees it once no frame refers to it any more), of which each frame takes a retained
     * duplicate; the cache's own reference keeps it from ever being released.
     */
    private ByteBuf entry(String name, String value) {
        CachedEntry c = cached;
        if (c == null || !c.name.equals(name) || !c.value.equals(value)) {
            byte[] bytes = BoltHeaders.entry(name, value);
            ByteBuffer direct =
                    ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
            c = new CachedEntry(name, value, Unpooled.wrappedBuffer(direct));
            cached = c;
        }
        return c.bytes;
    }

    private record CachedEntry(String name, String value, ByteBuf bytes) {}

    /** The reply {@link #encodeErrorResponse} gives BAD_REQUEST, for calls; {@code null} for other frames. */
    @Override
    public ByteBuf encodeOversizeReply(ByteBuf header, String message, ByteBufAllocator alloc) {
        int start = header.readerIndex();
        int version = header.getUnsignedByte(start);
        int type = header.getUnsignedByte(start + BoltLayout.typeOffset(version));
        int cmd = header.getUnsignedShort(start + BoltLayout.cmdOffset(version));
        if (type != BoltLayout.TYPE_REQUEST || cmd != BoltLayout.CMD_REQUEST) {
            return null;
        }
        long id = header.getUnsignedInt(start + BoltLayout.idOffset(version));
        ByteBuf fixed = header.retainedSlice(start, BoltLayout.fixedLength(version, true));
        Frame request = Frame.request(fixed, id, false, Frame.NO_TIMEOUT, RoutingKey.NONE);
        try {
            return BoltReplies.error(request, ErrorKind.BAD_REQUEST, message, alloc);
        } finally {
            request.release();
        }
    }

    @Override
    public ByteBuf encodeHeartbeatResponse(Frame heartbeat, ByteBufAllocator alloc) {
        if (!heartbeat.isHeartbeat() || !heartbeat.isRequest()) {
            throw new IllegalArgumentException("not a heartbeat request: " + heartbeat);
        }
        return BoltReplies.heartbeatAck(heartbeat, alloc);
    }

    @Override
    public ByteBuf encodeHeartbeatRequest(long requestId, ByteBufAllocator alloc) {
        return BoltReplies.heartbeatRequest(requestId, alloc);
    }
}
