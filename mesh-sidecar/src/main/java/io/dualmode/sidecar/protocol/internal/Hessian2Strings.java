package io.dualmode.sidecar.protocol.internal;

import io.netty.buffer.ByteBuf;

/**
 * The hessian2 string forms, enough to read the leading strings of an RPC body and to write an error message.
 * Lengths count UTF-16 chars, each written as one to three bytes (surrogates one by one), as hessian does.
 */
public final class Hessian2Strings {

    /** The longest message {@link #write} writes; longer ones are cut. */
    public static final int MAX_WRITTEN_CHARS = 8192;

    private static final int COMPACT_MAX = 0x1f;
    private static final int MEDIUM_MAX = 1023;

    private Hessian2Strings() {}

    /**
     * Writes {@code value} as one hessian2 string, cut to {@link #MAX_WRITTEN_CHARS} chars.
     *
     * @param mediumForm whether the two-byte 0x30–0x33 length form may be used (SOFA-hessian rejects it)
     */
    public static void write(ByteBuf out, String value, boolean mediumForm) {
        int length = Math.min(value.length(), MAX_WRITTEN_CHARS);
        if (length <= COMPACT_MAX) {
            out.writeByte(length);
        } else if (mediumForm && length <= MEDIUM_MAX) {
            out.writeByte(0x30 + (length >> 8)).writeByte(length & 0xff);
        } else {
            out.writeByte('S').writeShort(length);
        }
        writeChars(out, value, length);
    }

    private static void writeChars(ByteBuf out, String value, int length) {
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                out.writeByte(c);
            } else if (c < 0x800) {
                out.writeByte(0xc0 | (c >> 6)).writeByte(0x80 | (c & 0x3f));
            } else {
                out.writeByte(0xe0 | (c >> 12))
                        .writeByte(0x80 | ((c >> 6) & 0x3f))
                        .writeByte(0x80 | (c & 0x3f));
            }
        }
    }

    /** The number of bytes {@link #write} writes for {@code value}. */
    public static int encodedLength(String value, boolean mediumForm) {
        int length = Math.min(value.length(), MAX_WRITTEN_CHARS);
        int header = length <= COMPACT_MAX ? 1 : mediumForm && length <= MEDIUM_MAX ? 2 : 3;
        int bytes = 0;
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
        }
        return header + bytes;
    }
}
