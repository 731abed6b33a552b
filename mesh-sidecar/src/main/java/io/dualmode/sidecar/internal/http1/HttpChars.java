package io.dualmode.sidecar.internal.http1;

import io.netty.buffer.ByteBuf;

/** Byte classes of RFC 9110/9112 and small helpers on raw bytes. */
final class HttpChars {
    static final byte CR = '\r';
    static final byte LF = '\n';
    private static final boolean[] TOKEN = new boolean[256];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = true;
            TOKEN[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
    }

    private HttpChars() {}

    static boolean token(byte b) {
        return TOKEN[b & 0xff];
    }

    /** field-vchar, SP or HTAB: what a field value may hold. */
    static boolean fieldValue(byte b) {
        int c = b & 0xff;
        return c == ' ' || c == '\t' || (c > 0x20 && c != 0x7f);
    }

    static boolean whitespace(byte b) {
        return b == ' ' || b == '\t';
    }

    /** Whether bytes [from, from+len) equal {@code lower} ignoring ASCII case. */
    static boolean equalsIgnoreCase(ByteBuf buf, int from, int len, String lower) {
        if (len != lower.length()) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            int c = buf.getByte(from + i);
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Parses a non-negative decimal of at most 18 digits, or -1 if malformed. */
    static long decimal(ByteBuf buf, int from, int len) {
        if (len == 0 || len > 18) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < len; i++) {
            int d = buf.getByte(from + i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }
}
