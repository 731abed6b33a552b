package io.dualmode.sidecar.protocol.bolt;

import static io.dualmode.sidecar.protocol.bolt.BoltLayout.CMD_HEARTBEAT;
import static io.dualmode.sidecar.protocol.bolt.BoltLayout.CMD_REQUEST;
import static io.dualmode.sidecar.protocol.bolt.BoltLayout.CMD_RESPONSE;
import static io.dualmode.sidecar.protocol.bolt.BoltLayout.CRC_LENGTH;
import static io.dualmode.sidecar.protocol.bolt.BoltLayout.TYPE_ONEWAY;
import static io.dualmode.sidecar.protocol.bolt.BoltLayout.TYPE_REQUEST;
import static io.dualmode.sidecar.protocol.bolt.BoltLayout.TYPE_RESPONSE;
import static io.dualmode.sidecar.protocol.bolt.BoltLayout.V1;
import static io.dualmode.sidecar.protocol.bolt.BoltLayout.V2;

import io.dualmode.sidecar.protocol.Frame;
import io.dualmode.sidecar.protocol.ProtocolDecoderException;
import io.dualmode.sidecar.protocol.ProtocolDecoderException.Reason;
import io.dualmode.sidecar.protocol.ProtocolPlugin;
import io.netty.buffer.ByteBuf;

/** Measures Bolt frames and reads their headers. */
final class BoltFrames {

    /** SOFA reads classLen and headerLen as signed shorts. */
    private static final int MAX_SHORT_LENGTH = Short.MAX_VALUE;

    private BoltFrames() {}

    static int frameLength(ByteBuf in, int maxFrameLength) {
        int start = in.readerIndex();
        if (!in.isReadable()) {
            return ProtocolPlugin.NEED_MORE_BYTES;
        }
        int version = version(in, start);
        if (in.readableBytes() <= BoltLayout.cmdOffset(version) + 1) {
            return ProtocolPlugin.NEED_MORE_BYTES;
        }
        boolean request = checkKind(in, start, version);
        int fixed = BoltLayout.fixedLength(version, request);
        if (in.readableBytes() < fixed) {
            return ProtocolPlugin.NEED_MORE_BYTES;
        }
        if (!request) {
            checkStatus(in.getUnsignedShort(start + BoltLayout.tailOffset(version)));
        }
        long length = fixed + variableLength(in, start + BoltLayout.lengthsOffset(version, request));
        length += BoltLayout.hasCrc(in, start) ? CRC_LENGTH : 0;
        if (length > maxFrameLength) {
            throw ProtocolDecoderException.tooLarge(length);
        }
        return (int) length;
    }

    private static int version(ByteBuf in, int start) {
        int proto = in.getUnsignedByte(start);
        if (proto != V1 && proto != V2) {
            throw new ProtocolDecoderException(Reason.BAD_MAGIC, "Bolt proto " + proto);
        }
        if (proto == V2 && in.readableBytes() > 1 && !isVer1(in.getUnsignedByte(start + 1))) {
            throw new ProtocolDecoderException(Reason.BAD_HEADER, "Bolt v2 ver1 " + in.getUnsignedByte(start + 1));
        }
        return proto;
    }

    static boolean isVer1(int ver1) {
        return ver1 == 1 || ver1 == 2;
    }

    /** Checks type and command code go together and tells whether the frame is a request. */
    private static boolean checkKind(ByteBuf in, int start, int version) {
        int type = in.getUnsignedByte(start + BoltLayout.typeOffset(version));
        int cmd = in.getUnsignedShort(start + BoltLayout.cmdOffset(version));
        if (!isValidKind(type, cmd)) {
            throw new ProtocolDecoderException(Reason.BAD_HEADER, "Bolt type " + type + " with command " + cmd);
        }
        return type != TYPE_RESPONSE;
    }

    static boolean isValidKind(int type, int cmd) {
        return switch (type) {
            case TYPE_REQUEST, TYPE_ONEWAY -> cmd == CMD_HEARTBEAT || cmd == CMD_REQUEST;
            case TYPE_RESPONSE -> cmd == CMD_HEARTBEAT || cmd == CMD_RESPONSE;
            default -> false;
        };
    }

    private static void checkStatus(int status) {
        if (!BoltStatus.isKnown(status)) {
            throw new ProtocolDecoderException(Reason.BAD_HEADER, "Bolt status " + status);
        }
    }

    private static long variableLength(ByteBuf in, int lengths) {
        int classLength = in.getUnsignedShort(lengths);
        int headerLength = in.getUnsignedShort(lengths + 2);
        int contentLength = in.getInt(lengths + 4);
        if (classLength > MAX_SHORT_LENGTH || headerLength > MAX_SHORT_LENGTH || contentLength < 0) {
            throw new ProtocolDecoderException(
                    Reason.BAD_LENGTH,
                    "Bolt lengths class " + classLength + " header " + headerLength + " content " + contentLength);
        }
        return (long) classLength + headerLength + contentLength;
    }

    static Frame decode(ByteBuf frame) {
        int start = frame.readerIndex();
        int version = frame.getUnsignedByte(start);
        int type = frame.getUnsignedByte(start + BoltLayout.typeOffset(version));
        int cmd = frame.getUnsignedShort(start + BoltLayout.cmdOffset(version));
        long id = frame.getUnsignedInt(start + BoltLayout.idOffset(version));
        boolean request = type != TYPE_RESPONSE;
        if (cmd == CMD_HEARTBEAT) {
            return Frame.heartbeat(frame, id, request);
        }
        BoltHeaders headers =
                BoltHeaders.read(frame, headerStart(frame, version, request), headerLength(frame, version, request));
        if (request) {
            int timeout = frame.getInt(start + BoltLayout.tailOffset(version));
            return Frame.request(frame, id, type == TYPE_ONEWAY, timeout, headers.routingKey());
        }
        int status = frame.getUnsignedShort(start + BoltLayout.tailOffset(version));
        return Frame.response(frame, id, status, status == BoltStatus.SUCCESS.code() && !headers.responseError());
    }

    private static int headerStart(ByteBuf frame, int version, boolean request) {
        int lengths = frame.readerIndex() + BoltLayout.lengthsOffset(version, request);
        return frame.readerIndex() + BoltLayout.fixedLength(version, request) + frame.getUnsignedShort(lengths);
    }

    private static int headerLength(ByteBuf frame, int version, boolean request) {
        return frame.getUnsignedShort(frame.readerIndex() + BoltLayout.lengthsOffset(version, request) + 2);
    }
}
