package io.dualmode.sidecar.internal.http1;

import static io.dualmode.sidecar.internal.http1.HttpChars.CR;
import static io.dualmode.sidecar.internal.http1.HttpChars.LF;

import io.netty.buffer.ByteBuf;

/**
 * Validates chunked transfer coding (RFC 9112 §7.1) as it streams past: chunk-size lines, chunk
 * data and its CRLF, trailer fields and the final CRLF. It only moves the reader index over bytes
 * it has validated; the caller forwards those bytes untouched.
 */
final class ChunkedBody {
    /** More bytes are needed. */
    static final int MORE = 0;
    /** The body ended; the reader index is just after it. */
    static final int DONE = 1;
    /** Malformed: the caller answers 400. */
    static final int MALFORMED = 2;
    /** Over the body limit: the caller answers 413. */
    static final int TOO_LARGE = 3;

    private static final int CONTINUE = -1;
    private static final int MAX_LINE = 4096;
    private static final HeadParser.FieldSink ANY_FIELD = (b, ns, nl, vs, vl) -> null;

    private enum State {
        SIZE,
        DATA,
        DATA_CRLF,
        TRAILER
    }

    private final long maxBody;
    private final int maxTrailer;
    private State state = State.SIZE;
    private long remaining;
    private long total;
    private int trailerBytes;

    ChunkedBody(long maxBody, int maxTrailer) {
        this.maxBody = maxBody;
        this.maxTrailer = maxTrailer;
    }

    /** Consumes what it can of {@code in}; returns {@link #MORE}, {@link #DONE} or an error. */
    int consume(ByteBuf in) {
        while (true) {
            int result =
                    switch (state) {
                        case SIZE -> size(in);
                        case DATA -> data(in);
                        case DATA_CRLF -> dataCrlf(in);
                        case TRAILER -> trailer(in);
                    };
            if (result != CONTINUE) {
                return result;
            }
        }
    }

    private int size(ByteBuf in) {
        int cr = line(in);
        if (cr < 0) {
            return cr == -1 ? MORE : MALFORMED;
        }
        int r = in.readerIndex();
        long size = 0;
        int i = r;
        for (; i < cr; i++) {
            int d = Character.digit(in.getByte(i), 16);
            if (d < 0) {
                break;
            }
            if (i - r >= 15) {
                return MALFORMED;
            }
            size = size * 16 + d;
        }
        if (i == r || !extensions(in, i, cr)) {
            return MALFORMED;
        }
        in.readerIndex(cr + 2);
        total += size;
        if (total > maxBody) {
            return TOO_LARGE;
        }
        remaining = size;
        state = size == 0 ? State.TRAILER : State.DATA;
        return CONTINUE;
    }

    private static boolean extensions(ByteBuf in, int from, int to) {
        int i = from;
        while (i < to && HttpChars.whitespace(in.getByte(i))) {
            i++;
        }
        if (i == to) {
            return i == from;
        }
        if (in.getByte(i) != ';') {
            return false;
        }
        for (; i < to; i++) {
            if (!HttpChars.fieldValue(in.getByte(i))) {
                return false;
            }
        }
        return true;
    }

    private int data(ByteBuf in) {
        if (!in.isReadable()) {
            return MORE;
        }
        int n = (int) Math.min(remaining, in.readableBytes());
        in.skipBytes(n);
        remaining -= n;
        if (remaining == 0) {
            state = State.DATA_CRLF;
        }
        return CONTINUE;
    }

    private int dataCrlf(ByteBuf in) {
        if (in.readableBytes() < 2) {
            return MORE;
        }
        int r = in.readerIndex();
        if (in.getByte(r) != CR || in.getByte(r + 1) != LF) {
            return MALFORMED;
        }
        in.skipBytes(2);
        state = State.SIZE;
        return CONTINUE;
    }

    private int trailer(ByteBuf in) {
        int cr = line(in);
        if (cr < 0) {
            return cr == -1 ? MORE : MALFORMED;
        }
        int r = in.readerIndex();
        trailerBytes += cr + 2 - r;
        if (trailerBytes > maxTrailer) {
            return MALFORMED;
        }
        if (cr != r && HeadParser.field(in, r, cr, ANY_FIELD) != null) {
            return MALFORMED;
        }
        in.readerIndex(cr + 2);
        if (cr == r) {
            state = State.SIZE;
            trailerBytes = 0;
            total = 0;
            return DONE;
        }
        return CONTINUE;
    }

    /** The index of the CR of a complete line at the reader index, -1 if incomplete, -2 if bad. */
    private int line(ByteBuf in) {
        int r = in.readerIndex();
        int end = Math.min(in.writerIndex(), r + MAX_LINE);
        int lf = in.indexOf(r, end, LF);
        if (lf < 0) {
            return end - r >= MAX_LINE ? -2 : -1;
        }
        return lf == r || in.getByte(lf - 1) != CR ? -2 : lf - 1;
    }
}
