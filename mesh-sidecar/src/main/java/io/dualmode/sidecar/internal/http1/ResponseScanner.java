package io.dualmode.sidecar.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Scans HTTP/1.1 responses from an upstream the same way {@link RequestScanner} scans requests:
 * {@link ResponseHead}, raw body slices, {@link MessageEnd}. A body delimited by the connection
 * close ends when the channel goes inactive (the proxy handles that). After a 101 every byte is
 * passed through raw. Malformed input yields one {@link ScanError}.
 */
final class ResponseScanner extends ByteToMessageDecoder {
    private enum State {
        HEAD,
        FIXED,
        CHUNKED,
        RAW,
        FAILED
    }

    private final int maxHeaderBytes;
    private final HeadParser finder = new HeadParser();
    private final Fields fields = new Fields();
    private State state = State.HEAD;
    private long remaining;
    private ChunkedBody chunkedBody;
    private boolean requestWasHead;

    ResponseScanner(int maxHeaderBytes) {
        this.maxHeaderBytes = maxHeaderBytes;
    }

    /** Tells the scanner the response it reads next answers a HEAD request (so it has no body). */
    void expect(boolean headRequest) {
        this.requestWasHead = headRequest;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case HEAD -> head(in, out);
            case FIXED -> fixed(in, out);
            case CHUNKED -> chunked(in, out);
            case RAW -> out.add(in.readRetainedSlice(in.readableBytes()));
            case FAILED -> in.skipBytes(in.readableBytes());
        }
    }

    private void head(ByteBuf in, List<Object> out) {
        int length = finder.find(in, maxHeaderBytes);
        if (length == HeadParser.NEED_MORE) {
            return;
        }
        int r = in.readerIndex();
        String error = length < 0 ? "malformed or oversized response head" : fields.parse(in, r, r + length);
        if (error != null) {
            state = State.FAILED;
            in.skipBytes(in.readableBytes());
            out.add(new ScanError(502, error));
            return;
        }
        boolean noBody = requestWasHead || fields.status < 200 || fields.status == 204 || fields.status == 304;
        boolean byClose = !noBody && !fields.chunked && fields.contentLength < 0;
        out.add(new ResponseHead(in.readRetainedSlice(length), fields.status, fields.keepAlive(), byClose));
        afterHead(noBody, byClose, out);
    }

    private void afterHead(boolean noBody, boolean byClose, List<Object> out) {
        if (fields.status == 101 || byClose) {
            state = State.RAW;
        } else if (noBody || (!fields.chunked && fields.contentLength == 0)) {
            if (fields.status >= 200) {
                out.add(MessageEnd.INSTANCE);
            }
        } else if (fields.chunked) {
            chunkedBody = new ChunkedBody(Long.MAX_VALUE, 64 * 1024);
            state = State.CHUNKED;
        } else {
            remaining = fields.contentLength;
            state = State.FIXED;
        }
    }

    private void fixed(ByteBuf in, List<Object> out) {
        int n = (int) Math.min(remaining, in.readableBytes());
        if (n == 0) {
            return;
        }
        out.add(in.readRetainedSlice(n));
        remaining -= n;
        if (remaining == 0) {
            out.add(MessageEnd.INSTANCE);
            state = State.HEAD;
        }
    }

    private void chunked(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int result = chunkedBody.consume(in);
        if (result == ChunkedBody.MALFORMED || result == ChunkedBody.TOO_LARGE) {
            state = State.FAILED;
            in.skipBytes(in.readableBytes());
            out.add(new ScanError(502, "bad chunked response body"));
            return;
        }
        if (in.readerIndex() > start) {
            out.add(in.retainedSlice(start, in.readerIndex() - start));
        }
        if (result == ChunkedBody.DONE) {
            out.add(MessageEnd.INSTANCE);
            state = State.HEAD;
        }
    }

    /** The facts of one response head. */
    static final class Fields implements HeadParser.FieldSink {
        int status;
        long contentLength;
        boolean chunked;
        boolean close;
        boolean keepAliveToken;
        boolean http11;
        boolean sawLength;
        boolean sawEncoding;

        boolean keepAlive() {
            return http11 ? !close : keepAliveToken && !close;
        }

        String parse(ByteBuf buf, int from, int end) {
            contentLength = -1;
            chunked = close = keepAliveToken = http11 = sawLength = sawEncoding = false;
            int cr = HeadParser.lineEnd(buf, from, end);
            String error = statusLine(buf, from, cr);
            if (error == null) {
                error = HeadParser.fields(buf, cr + 2, end, this);
            }
            // RFC 9112 6.3: a message with both may be an attempt at response splitting; the head is forwarded as is,
            // so it is refused rather than passed on with a Content-Length the sidecar itself ignores
            return error == null && sawLength && sawEncoding
                    ? "both Content-Length and Transfer-Encoding in response"
                    : error;
        }

        private String statusLine(ByteBuf buf, int from, int cr) {
            if (cr - from < 12 || buf.getByte(from + 8) != ' ') {
                return "malformed status line";
            }
            http11 = HttpChars.equalsIgnoreCase(buf, from, 8, "http/1.1");
            if (!http11 && !HttpChars.equalsIgnoreCase(buf, from, 8, "http/1.0")) {
                return "unsupported HTTP version in response";
            }
            long code = HttpChars.decimal(buf, from + 9, 3);
            if (code < 100 || code > 999 || (cr - from > 12 && buf.getByte(from + 12) != ' ')) {
                return "malformed status code";
            }
            for (int i = from + 13; i < cr; i++) {
                if (!HttpChars.fieldValue(buf.getByte(i))) {
                    return "invalid character in reason phrase"; // a bare CR, say, which the caller could split on
                }
            }
            status = (int) code;
            return null;
        }

        @Override
        public String field(ByteBuf b, int ns, int nl, int vs, int vl) {
            if (nl == 14 && HttpChars.equalsIgnoreCase(b, ns, nl, "content-length")) {
                long v = HttpChars.decimal(b, vs, vl);
                if (v < 0 || (contentLength >= 0 && contentLength != v)) {
                    return "bad Content-Length in response";
                }
                contentLength = v;
                sawLength = true;
            } else if (nl == 17 && HttpChars.equalsIgnoreCase(b, ns, nl, "transfer-encoding")) {
                sawEncoding = true;
                chunked = HttpChars.lastCodingChunked(b, vs, vl);
                if (!chunked) {
                    contentLength = -1;
                }
            } else if (nl == 10 && HttpChars.equalsIgnoreCase(b, ns, nl, "connection")) {
                int options = HttpChars.connectionOptions(b, vs, vl);
                close |= (options & HttpChars.CLOSE) != 0;
                keepAliveToken |= (options & HttpChars.KEEP_ALIVE) != 0;
            }
            return null;
        }
    }
}
