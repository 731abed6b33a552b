package io.dualmode.sidecar.protocol.dubbo;

import static io.dualmode.sidecar.protocol.dubbo.DubboHeader.BODY_LENGTH_OFFSET;
import static io.dualmode.sidecar.protocol.dubbo.DubboHeader.FLAG_EVENT;
import static io.dualmode.sidecar.protocol.dubbo.DubboHeader.FLAG_OFFSET;
import static io.dualmode.sidecar.protocol.dubbo.DubboHeader.FLAG_REQUEST;
import static io.dualmode.sidecar.protocol.dubbo.DubboHeader.FLAG_TWO_WAY;
import static io.dualmode.sidecar.protocol.dubbo.DubboHeader.HESSIAN2;
import static io.dualmode.sidecar.protocol.dubbo.DubboHeader.HESSIAN2_NULL;
import static io.dualmode.sidecar.protocol.dubbo.DubboHeader.ID_OFFSET;
import static io.dualmode.sidecar.protocol.dubbo.DubboHeader.LENGTH;
import static io.dualmode.sidecar.protocol.dubbo.DubboHeader.MAGIC;
import static io.dualmode.sidecar.protocol.dubbo.DubboHeader.MAX_EVENT_BODY;
import static io.dualmode.sidecar.protocol.dubbo.DubboHeader.SERIALIZATION_MASK;
import static io.dualmode.sidecar.protocol.dubbo.DubboHeader.STATUS_OFFSET;

import io.dualmode.sidecar.protocol.Frame;
import io.dualmode.sidecar.protocol.ProtocolDecoderException;
import io.dualmode.sidecar.protocol.ProtocolDecoderException.Reason;
import io.dualmode.sidecar.protocol.ProtocolPlugin;
import io.dualmode.sidecar.protocol.RoutingKey;
import io.dualmode.sidecar.protocol.internal.Hessian2StringReader;
import io.netty.buffer.ByteBuf;

/** Reads Dubbo headers and the leading strings of a request body. */
final class DubboFrames {

    /** The longest service, version or method name read for routing. */
    private static final int MAX_NAME_CHARS = 4096;

    private DubboFrames() {}

    static int frameLength(ByteBuf in, int maxFrameLength) {
        int start = in.readerIndex();
        if (in.readableBytes() >= 2 && in.getUnsignedShort(start) != MAGIC) {
            throw new ProtocolDecoderException(Reason.BAD_MAGIC, "not a Dubbo magic");
        }
        if (in.readableBytes() < LENGTH) {
            return ProtocolPlugin.NEED_MORE_BYTES;
        }
        int bodyLength = in.getInt(start + BODY_LENGTH_OFFSET);
        if (bodyLength < 0) {
            throw new ProtocolDecoderException(Reason.BAD_LENGTH, "negative body length " + bodyLength);
        }
        if (bodyLength > maxFrameLength - LENGTH) {
            throw ProtocolDecoderException.tooLarge(LENGTH + (long) bodyLength);
        }
        checkEvent(in.getUnsignedByte(start + FLAG_OFFSET), bodyLength);
        return LENGTH + bodyLength;
    }

    private static void checkEvent(int flag, int bodyLength) {
        if ((flag & FLAG_EVENT) != 0 && bodyLength > MAX_EVENT_BODY) {
            throw new ProtocolDecoderException(Reason.BAD_LENGTH, "event body of " + bodyLength + " bytes");
        }
    }

    static Frame decode(ByteBuf frame) {
        int start = frame.readerIndex();
        int flag = frame.getUnsignedByte(start + FLAG_OFFSET);
        long id = frame.getLong(start + ID_OFFSET);
        boolean request = (flag & FLAG_REQUEST) != 0;
        if ((flag & FLAG_EVENT) != 0) {
            return event(frame, flag, id, request);
        }
        if (request) {
            boolean oneWay = (flag & FLAG_TWO_WAY) == 0;
            return Frame.request(frame, id, oneWay, Frame.NO_TIMEOUT, routingKey(frame, flag));
        }
        int status = frame.getUnsignedByte(start + STATUS_OFFSET);
        return Frame.response(frame, id, status, status == DubboStatus.OK.code());
    }

    private static Frame event(ByteBuf frame, int flag, long id, boolean request) {
        boolean oneWay = request && (flag & FLAG_TWO_WAY) == 0;
        if (isHeartbeat(frame, flag, request)) {
            return Frame.heartbeat(frame, id, request);
        }
        return Frame.control(frame, id, request, oneWay);
    }

    /**
     * An event is a heartbeat when its body is the serialization's null; heartbeat requests are always two-way,
     * while the readonly event is one-way. Only hessian2's null is known here, so in other serializations a
     * two-way event request, or any event response, counts as a heartbeat.
     */
    private static boolean isHeartbeat(ByteBuf frame, int flag, boolean request) {
        if (request && (flag & FLAG_TWO_WAY) == 0) {
            return false;
        }
        if ((flag & SERIALIZATION_MASK) != HESSIAN2) {
            return true;
        }
        int start = frame.readerIndex();
        int bodyLength = frame.readableBytes() - LENGTH;
        return bodyLength == 0 || (bodyLength == 1 && frame.getUnsignedByte(start + LENGTH) == HESSIAN2_NULL);
    }

    /**
     * Reads the Dubbo version, service path, service version and method name at the start of a hessian2 body.
     * The group sits after the arguments, in the attachments, and is not read: it costs a full decode.
     */
    private static RoutingKey routingKey(ByteBuf frame, int flag) {
        if ((flag & SERIALIZATION_MASK) != HESSIAN2) {
            return RoutingKey.NONE;
        }
        int start = frame.readerIndex() + LENGTH;
        Hessian2StringReader body = new Hessian2StringReader(frame, start, frame.writerIndex(), MAX_NAME_CHARS);
        try {
            body.skip();
            String path = body.read();
            String version = body.read();
            String method = body.read();
            return path == null || method == null ? RoutingKey.NONE : new RoutingKey(path, version, "", method);
        } catch (Hessian2StringReader.NotAString e) {
            return RoutingKey.NONE;
        }
    }
}
