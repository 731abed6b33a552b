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

    /** {@link #connectionOptions} bit: the value lists {@code close}. */
    static final int CLOSE = 1;
    /** {@link #connectionOptions} bit: the value lists {@code keep-alive}. */
    static final int KEEP_ALIVE = 2;
    /** {@link #connectionOptions} bit: the value lists {@code upgrade}. */
    static final int UPGRADE = 4;

    /**
     * The options among {@code close}, {@code keep-alive} and {@code upgrade} that a Connection field value
     * [from, from+len) lists (comma-separated, optional whitespace, any case), as {@link #CLOSE} | {@link #KEEP_ALIVE}
     * | {@link #UPGRADE} bits; reads the bytes in place.
     */
    static int connectionOptions(ByteBuf buf, int from, int len) {
        int options = 0;
        int end = from + len;
        int i = from;
        while (i <= end) {
            int start = i;
            while (i < end && buf.getByte(i) != ',') {
                i++;
            }
            int s = start;
            int e = i;
            while (s < e && whitespace(buf.getByte(s))) {
                s++;
            }
            while (e > s && whitespace(buf.getByte(e - 1))) {
                e--;
            }
            if (equalsIgnoreCase(buf, s, e - s, "close")) {
                options |= CLOSE;
            } else if (equalsIgnoreCase(buf, s, e - s, "keep-alive")) {
                options |= KEEP_ALIVE;
            } else if (equalsIgnoreCase(buf, s, e - s, "upgrade")) {
                options |= UPGRADE;
            }
            i++;
        }
        return options;
    }

    /** Whether the last transfer coding of a Transfer-Encoding field value [from, from+len) is {@code chunked}. */
    static boolean lastCodingChunked(ByteBuf buf, int from, int len) {
        int e = from + len;
        while (e > from && whitespace(buf.getByte(e - 1))) {
            e--;
        }
        int s = e;
        while (s > from && buf.getByte(s - 1) != ',') {
            s--;
        }
        while (s < e && whitespace(buf.getByte(s))) {
            s++;
        }
        return equalsIgnoreCase(buf, s, e - s, "chunked");
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
