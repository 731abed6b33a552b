package io.dualmode.sidecar.internal.http1;

import static io.dualmode.sidecar.internal.http1.HttpChars.CR;
import static io.dualmode.sidecar.internal.http1.HttpChars.LF;

import io.netty.buffer.ByteBuf;

/**
 * Finds the end of a message head (request or response) and walks its field lines, enforcing RFC
 * 9112 line syntax: every line ends in CRLF (no bare LF), no obsolete line folding, field names are
 * tokens with the colon right after them, field values hold no control characters.
 */
final class HeadParser {
    static final int NEED_MORE = -1;
    static final int BARE_LF = -2;
    static final int TOO_LARGE = -3;

    /** Receives one field line; returns an error description, or null to go on. */
    interface FieldSink {
        String field(ByteBuf buf, int nameStart, int nameLength, int valueStart, int valueLength);
    }

    private int scanned;
    private int lineStart;

    /**
     * Looks for the blank line ending the head that starts at the reader index. Returns the head's
     * length including the blank line, or {@link #NEED_MORE}, {@link #BARE_LF}, {@link #TOO_LARGE}.
     * Scanning resumes where the last call stopped.
     */
    int find(ByteBuf in, int max) {
        int base = in.readerIndex();
        int limit = in.writerIndex();
        int pos = base + scanned;
        while (pos < limit) {
            int lf = in.indexOf(pos, limit, LF);
            if (lf < 0) {
                break;
            }
            if (lf == base || in.getByte(lf - 1) != CR) {
                return BARE_LF;
            }
            if (lf - 1 == base + lineStart) {
                reset();
                int length = lf + 1 - base;
                return length > max ? TOO_LARGE : length;
            }
            lineStart = lf + 1 - base;
            pos = lf + 1;
        }
        scanned = limit - base;
        return scanned > max ? TOO_LARGE : NEED_MORE;
    }

    void reset() {
        scanned = 0;
        lineStart = 0;
    }

    /** The index of the CR ending the line that starts at {@code from}. */
    static int lineEnd(ByteBuf buf, int from, int end) {
        return buf.indexOf(from, end, LF) - 1;
    }

    /** Walks the field lines from {@code from} to the blank line; returns an error or null. */
    static String fields(ByteBuf buf, int from, int end, FieldSink sink) {
        int pos = from;
        while (true) {
            int cr = lineEnd(buf, pos, end);
            if (cr == pos) {
                return null;
            }
            String error = field(buf, pos, cr, sink);
            if (error != null) {
                return error;
            }
            pos = cr + 2;
        }
    }

    /** Validates one field line [from, to) (without CRLF) and hands it to the sink. */
    static String field(ByteBuf buf, int from, int to, FieldSink sink) {
        if (HttpChars.whitespace(buf.getByte(from))) {
            return "obsolete line folding";
        }
        int colon = from;
        while (colon < to && HttpChars.token(buf.getByte(colon))) {
            colon++;
        }
        if (colon == from || colon == to || buf.getByte(colon) != ':') {
            return "invalid header field name";
        }
        int vs = colon + 1;
        while (vs < to && HttpChars.whitespace(buf.getByte(vs))) {
            vs++;
        }
        int ve = to;
        while (ve > vs && HttpChars.whitespace(buf.getByte(ve - 1))) {
            ve--;
        }
        for (int i = vs; i < ve; i++) {
            if (!HttpChars.fieldValue(buf.getByte(i))) {
                return "invalid character in header field value";
            }
        }
        return sink.field(buf, from, colon - from, vs, ve - vs);
    }
}
