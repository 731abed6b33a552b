package io.dualmode.sidecar.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * A validated request head: its raw bytes (forwarded untouched) and the few facts routing and
 * framing need. Other fields are read lazily with {@link #header(String)}.
 */
final class RequestHead extends DefaultByteBufHolder {
    final String host;
    final long contentLength;
    final boolean chunked;
    final boolean keepAlive;
    final boolean upgrade;
    final boolean expectContinue;
    final boolean idempotent;
    final boolean headMethod;

    RequestHead(ByteBuf raw, RequestScanner.Fields f) {
        super(raw);
        this.host = f.host;
        this.contentLength = f.contentLength;
        this.chunked = f.chunked;
        this.keepAlive = f.keepAlive();
        this.upgrade = f.upgrade();
        this.expectContinue = f.expectContinue;
        this.idempotent = f.idempotent;
        this.headMethod = f.headMethod;
    }

    /** Whether the request has body bytes to stream after the head. */
    boolean hasBody() {
        return chunked || contentLength > 0;
    }

    /** The value of the first field called {@code lowerCaseName}, or null. */
    String header(String lowerCaseName) {
        ByteBuf raw = content();
        String[] found = new String[1];
        int r = raw.readerIndex();
        int firstLineEnd = HeadParser.lineEnd(raw, r, raw.writerIndex());
        HeadParser.fields(raw, firstLineEnd + 2, raw.writerIndex(), (b, ns, nl, vs, vl) -> {
            if (found[0] == null && HttpChars.equalsIgnoreCase(b, ns, nl, lowerCaseName)) {
                found[0] = b.toString(vs, vl, java.nio.charset.StandardCharsets.US_ASCII);
            }
            return null;
        });
        return found[0];
    }
}
