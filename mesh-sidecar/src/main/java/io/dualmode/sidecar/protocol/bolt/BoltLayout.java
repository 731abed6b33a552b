package io.dualmode.sidecar.protocol.bolt;

import io.netty.buffer.ByteBuf;

/**
 * Where the fields of a Bolt frame sit, for the frame starting at {@code start}: v2 adds ver1 after the proto byte
 * and the switch byte after the codec, and may end with a CRC32.
 */
final class BoltLayout {

    static final int V1 = 1;
    static final int V2 = 2;
    static final int VER2 = 1;

    static final int TYPE_RESPONSE = 0;
    static final int TYPE_REQUEST = 1;
    static final int TYPE_ONEWAY = 2;

    static final int CMD_HEARTBEAT = 0;
    static final int CMD_REQUEST = 1;
    static final int CMD_RESPONSE = 2;

    static final int CRC_LENGTH = 4;
    static final int SWITCH_CRC = 0x01;
    static final int CRC_VER1 = 2;

    static final int CODEC_HESSIAN2 = 1;
    static final int CODEC_PROTOBUF = 11;
    static final int CODEC_JSON = 12;

    private BoltLayout() {}

    static int shift(int version) {
        return version == V2 ? 1 : 0;
    }

    static int typeOffset(int version) {
        return 1 + shift(version);
    }

    static int cmdOffset(int version) {
        return 2 + shift(version);
    }

    static int idOffset(int version) {
        return 5 + shift(version);
    }

    static int codecOffset(int version) {
        return 9 + shift(version);
    }

    /** Offset of the switch byte, v2 only. */
    static int switchOffset() {
        return 11;
    }

    /** Offset of the timeout (requests) or status (responses). */
    static int tailOffset(int version) {
        return version == V2 ? 12 : 10;
    }

    /** Offset of classLen; headerLen follows at +2 and contentLen at +4. */
    static int lengthsOffset(int version, boolean request) {
        return tailOffset(version) + (request ? 4 : 2);
    }

    static int fixedLength(int version, boolean request) {
        return lengthsOffset(version, request) + 8;
    }

    /** Whether the v2 frame at {@code start} ends with a CRC32. */
    static boolean hasCrc(ByteBuf in, int start) {
        return in.getUnsignedByte(start) == V2
                && in.getUnsignedByte(start + 1) == CRC_VER1
                && (in.getUnsignedByte(start + switchOffset()) & SWITCH_CRC) != 0;
    }
}
