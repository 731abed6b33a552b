package io.dualmode.sidecar.protocol.internal;

import io.netty.buffer.ByteBuf;

/**
 * Reads hessian2 strings one after another from a region of a buffer, without moving its indexes. Each read
 * returns {@code null} for hessian null, and throws {@link NotAString} when the bytes are not a well-formed
 * string or run past the region.
 */
public final class Hessian2StringReader {

    /** The bytes at the cursor are not a hessian2 string. Carries no stack trace. */
    public static final class NotAString extends Exception {
        private static final long serialVersionUID = 1L;

        NotAString(String message) {
            super(message, null, false, false);
        }
    }

    private final ByteBuf buf;
    private final int end;
    private final int maxChars;
    private int position;

    /**
     * @param start the absolute index of the first string
     * @param end the absolute index just past the region
     * @param maxChars the longest string accepted
     */
    public Hessian2StringReader(ByteBuf buf, int start, int end, int maxChars) {
        this.buf = buf;
        this.position = start;
        this.end = end;
        this.maxChars = maxChars;
    }

    /** Reads the next string, or {@code null} for hessian null. */
    public String read() throws NotAString {
        if (peek() == 'N') {
            position++;
            return null;
        }
        StringBuilder chars = new StringBuilder();
        boolean last;
        do {
            int tag = next();
            last = tag != 'R';
            readChars(chars, chunkLength(tag));
        } while (!last);
        return chars.toString();
    }

    /** Skips the next string. */
    public void skip() throws NotAString {
        read();
    }

    private int chunkLength(int tag) throws NotAString {
        if (tag <= 0x1f) {
            return tag;
        }
        if (tag >= 0x30 && tag <= 0x33) {
            return ((tag - 0x30) << 8) | next();
        }
        if (tag == 'S' || tag == 'R') {
            return (next() << 8) | next();
        }
        throw new NotAString("tag 0x" + Integer.toHexString(tag));
    }

    private void readChars(StringBuilder chars, int count) throws NotAString {
        if (chars.length() + count > maxChars) {
            throw new NotAString("longer than " + maxChars + " chars");
        }
        for (int i = 0; i < count; i++) {
            chars.append(readChar());
        }
    }

    private char readChar() throws NotAString {
        int b = next();
        if (b < 0x80) {
            return (char) b;
        }
        if ((b & 0xe0) == 0xc0) {
            return (char) (((b & 0x1f) << 6) | continuation());
        }
        if ((b & 0xf0) == 0xe0) {
            return (char) (((b & 0x0f) << 12) | (continuation() << 6) | continuation());
        }
        throw new NotAString("bad UTF-8 lead byte 0x" + Integer.toHexString(b));
    }

    private int continuation() throws NotAString {
        int b = next();
        if ((b & 0xc0) != 0x80) {
            throw new NotAString("bad UTF-8 continuation byte 0x" + Integer.toHexString(b));
        }
        return b & 0x3f;
    }

    private int peek() throws NotAString {
        if (position >= end) {
            throw new NotAString("past the end");
        }
        return buf.getUnsignedByte(position);
    }

    private int next() throws NotAString {
        int b = peek();
        position++;
        return b;
    }

    /** The absolute index just past what has been read. */
    public int position() {
        return position;
    }
}
