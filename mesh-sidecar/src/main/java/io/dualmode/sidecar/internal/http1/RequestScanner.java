package io.dualmode.sidecar.internal.http1;

import static io.dualmode.sidecar.internal.http1.HttpChars.CR;
import static io.dualmode.sidecar.internal.http1.HttpChars.LF;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Scans HTTP/1.1 requests without decoding them. Emits per request a {@link RequestHead}, then the
 * body as raw {@link ByteBuf} slices (chunk framing included), then {@link MessageEnd}. After an
 * Upgrade request it holds further bytes until the proxy says whether the upstream switched
 * protocols ({@link #tunnel}: raw bytes from then on) or not ({@link #resume}), so bytes after a
 * refused upgrade are still scanned as HTTP (no smuggling through a refused upgrade). Malformed input yields one {@link
 * ScanError} and everything after it is discarded. Framing follows RFC 9112 strictly, so that the
 * bytes forwarded mean the same thing to every recipient (no request smuggling).
 */
final class RequestScanner extends ByteToMessageDecoder {
    private enum State {
        HEAD,
        FIXED,
        CHUNKED,
        HOLD,
        TUNNEL,
        FAILED
    }

    private final int maxHeaderBytes;
    private final long maxBodyBytes;
    private final HeadParser finder = new HeadParser();
    private final Fields fields = new Fields();
    private State state = State.HEAD;
    private long remaining;
    private ChunkedBody chunkedBody;
    private boolean upgradePending;

    RequestScanner(int maxHeaderBytes, long maxBodyBytes) {
        this.maxHeaderBytes = maxHeaderBytes;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case HEAD -> head(in, out);
            case FIXED -> fixed(in, out);
            case CHUNKED -> chunked(in, out);
            case TUNNEL -> out.add(in.readRetainedSlice(in.readableBytes()));
            case HOLD -> {}
            case FAILED -> in.skipBytes(in.readableBytes());
        }
    }

    /** The upstream accepted the pending Upgrade (101): from now on every byte passes through raw. */
    void tunnel(ChannelHandlerContext ctx) {
        upgradePending = false;
        state = State.TUNNEL;
        redecode(ctx);
    }

    /** The upstream refused the pending Upgrade: the connection goes on as HTTP/1.1. */
    void resume(ChannelHandlerContext ctx) {
        if (state == State.HOLD) {
            upgradePending = false;
            state = State.HEAD;
            redecode(ctx);
        }
    }

    private void redecode(ChannelHandlerContext ctx) {
        try {
            channelRead(ctx, Unpooled.EMPTY_BUFFER);
            channelReadComplete(ctx);
        } catch (Exception e) {
            ctx.fireExceptionCaught(e);
        }
    }

    private void messageEnded(List<Object> out) {
        out.add(MessageEnd.INSTANCE);
        state = upgradePending ? State.HOLD : State.HEAD;
    }

    private void head(ByteBuf in, List<Object> out) {
        skipLeadingEmptyLine(in);
        int length = finder.find(in, maxHeaderBytes);
        if (length == HeadParser.NEED_MORE) {
            return;
        }
        if (length == HeadParser.BARE_LF) {
            fail(in, out, 400, "bare LF in request head");
            return;
        }
        if (length == HeadParser.TOO_LARGE) {
            fail(in, out, 431, "request header section larger than " + maxHeaderBytes + " bytes");
            return;
        }
        int r = in.readerIndex();
        String error = fields.parse(in, r, r + length);
        if (error != null) {
            fail(in, out, 400, error);
        } else if (fields.contentLength > maxBodyBytes) {
            fail(in, out, 413, "request body larger than " + maxBodyBytes + " bytes");
        } else {
            RequestHead head = new RequestHead(in.readRetainedSlice(length), fields);
            out.add(head);
            afterHead(head, out);
        }
    }

    private void skipLeadingEmptyLine(ByteBuf in) {
        int r = in.readerIndex();
        if (in.readableBytes() >= 2 && in.getByte(r) == CR && in.getByte(r + 1) == LF) {
            in.skipBytes(2);
            finder.reset();
        }
    }

    private void afterHead(RequestHead head, List<Object> out) {
        upgradePending = head.upgrade;
        if (head.chunked) {
            chunkedBody = new ChunkedBody(maxBodyBytes, maxHeaderBytes);
            state = State.CHUNKED;
        } else if (head.contentLength > 0) {
            remaining = head.contentLength;
            state = State.FIXED;
        } else {
            messageEnded(out);
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
            messageEnded(out);
        }
    }

    private void chunked(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int result = chunkedBody.consume(in);
        int consumed = in.readerIndex() - start;
        if (result == ChunkedBody.MALFORMED || result == ChunkedBody.TOO_LARGE) {
            in.readerIndex(start);
            fail(in, out, result == ChunkedBody.MALFORMED ? 400 : 413, "bad chunked body");
            return;
        }
        if (consumed > 0) {
            out.add(in.retainedSlice(start, consumed));
        }
        if (result == ChunkedBody.DONE) {
            messageEnded(out);
        }
    }

    private void fail(ByteBuf in, List<Object> out, int status, String reason) {
        state = State.FAILED;
        in.skipBytes(in.readableBytes());
        out.add(new ScanError(status, reason));
    }

    /** The facts of one request head, reused for every request of the connection. */
    static final class Fields implements HeadParser.FieldSink {
        String host;
        String targetHost;
        int hostCount;
        long contentLength;
        boolean chunked;
        boolean transferEncoding;
        boolean close;
        boolean keepAliveToken;
        boolean upgradeToken;
        boolean upgradeField;
        boolean expectContinue;
        boolean http11;
        boolean idempotent;
        boolean headMethod;
        /** The host the previous request of the connection named, kept across requests (see hostName). */
        private String lastHost;

        boolean keepAlive() {
            return http11 ? !close : keepAliveToken && !close;
        }

        boolean upgrade() {
            return upgradeField && upgradeToken;
        }

        String parse(ByteBuf buf, int from, int end) {
            clear();
            int cr = HeadParser.lineEnd(buf, from, end);
            String error = requestLine(buf, from, cr);
            if (error == null) {
                error = HeadParser.fields(buf, cr + 2, end, this);
            }
            return error != null ? error : check();
        }

        private void clear() {
            host = null;
            targetHost = null;
            hostCount = 0;
            contentLength = -1;
            chunked = transferEncoding = close = keepAliveToken = upgradeToken = upgradeField = false;
            expectContinue = http11 = idempotent = headMethod = false;
        }

        private String check() {
            if (transferEncoding && contentLength >= 0) {
                return "both Content-Length and Transfer-Encoding";
            }
            if (transferEncoding && !http11) {
                return "Transfer-Encoding in an HTTP/1.0 request";
            }
            if (http11 && hostCount == 0) {
                return "missing Host";
            }
            if (targetHost != null && host == null) {
                host = targetHost;
            } else if (targetHost != null && !targetHost.equals(host)) {
                return "Host differs from the authority of the absolute-form request target";
            }
            return null;
        }

        private String requestLine(ByteBuf buf, int from, int cr) {
            int sp1 = from;
            while (sp1 < cr && HttpChars.token(buf.getByte(sp1))) {
                sp1++;
            }
            if (sp1 == from || sp1 == cr || buf.getByte(sp1) != ' ') {
                return "invalid request method";
            }
            int sp2 = sp1 + 1;
            while (sp2 < cr && buf.getByte(sp2) > ' ' && buf.getByte(sp2) != 0x7f) {
                sp2++;
            }
            if (sp2 == sp1 + 1 || sp2 == cr || buf.getByte(sp2) != ' ') {
                return "invalid request target";
            }
            if (HttpChars.equalsIgnoreCase(buf, sp2 + 1, cr - sp2 - 1, "http/1.1")) {
                http11 = true;
            } else if (!HttpChars.equalsIgnoreCase(buf, sp2 + 1, cr - sp2 - 1, "http/1.0")) {
                return "unsupported HTTP version";
            }
            method(buf, from, sp1 - from);
            targetHost = absoluteFormHost(buf, sp1 + 1, sp2);
            return null;
        }

        private void method(ByteBuf buf, int from, int len) {
            headMethod = is(buf, from, len, "HEAD");
            idempotent = is(buf, from, len, "GET")
                    || headMethod
                    || is(buf, from, len, "PUT")
                    || is(buf, from, len, "DELETE")
                    || is(buf, from, len, "OPTIONS")
                    || is(buf, from, len, "TRACE");
        }

        /** Case-sensitive comparison of raw bytes with an ASCII method name, without allocating. */
        private static boolean is(ByteBuf buf, int from, int len, String method) {
            if (len != method.length()) {
                return false;
            }
            for (int i = 0; i < len; i++) {
                if (buf.getByte(from + i) != method.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String field(ByteBuf b, int ns, int nl, int vs, int vl) {
            return switch (nl) {
                case 4 -> HttpChars.equalsIgnoreCase(b, ns, nl, "host") ? host(b, vs, vl) : null;
                case 6 -> HttpChars.equalsIgnoreCase(b, ns, nl, "expect") ? expect(b, vs, vl) : null;
                case 7 -> HttpChars.equalsIgnoreCase(b, ns, nl, "upgrade") ? upgradeField() : null;
                case 10 -> HttpChars.equalsIgnoreCase(b, ns, nl, "connection") ? connection(b, vs, vl) : null;
                case 14 -> HttpChars.equalsIgnoreCase(b, ns, nl, "content-length") ? contentLength(b, vs, vl) : null;
                case 17 ->
                    HttpChars.equalsIgnoreCase(b, ns, nl, "transfer-encoding") ? transferEncoding(b, vs, vl) : null;
                default -> null;
            };
        }

        private String host(ByteBuf b, int vs, int vl) {
            if (++hostCount > 1) {
                return "more than one Host";
            }
            host = hostName(b, vs, vl);
            return null;
        }

        /**
         * The lower-case host of an authority, without its port. A connection's requests nearly always name the
         * same host, so the previous answer is kept and handed out again when the bytes match it.
         */
        private String hostName(ByteBuf b, int from, int len) {
            int end = from + len;
            for (int i = end - 1; i >= from; i--) {
                byte c = b.getByte(i);
                if (c == ':') {
                    end = i;
                    break;
                }
                if (c < '0' || c > '9') {
                    break;
                }
            }
            String last = lastHost;
            if (last != null && HttpChars.equalsIgnoreCase(b, from, end - from, last)) {
                return last;
            }
            char[] name = new char[end - from];
            for (int i = 0; i < name.length; i++) {
                int c = b.getByte(from + i) & 0xff;
                name[i] = (char) (c >= 'A' && c <= 'Z' ? c + 32 : c);
            }
            lastHost = new String(name);
            return lastHost;
        }

        /** For an absolute-form target (http://authority/...), its host; otherwise null. */
        private String absoluteFormHost(ByteBuf b, int from, int end) {
            int scheme = HttpChars.equalsIgnoreCase(b, from, Math.min(7, end - from), "http://")
                    ? 7
                    : HttpChars.equalsIgnoreCase(b, from, Math.min(8, end - from), "https://") ? 8 : -1;
            if (scheme < 0) {
                return null;
            }
            int start = from + scheme;
            int stop = start;
            while (stop < end && b.getByte(stop) != '/' && b.getByte(stop) != '?') {
                stop++;
            }
            return hostName(b, start, stop - start);
        }

        private String expect(ByteBuf b, int vs, int vl) {
            expectContinue = HttpChars.equalsIgnoreCase(b, vs, vl, "100-continue");
            return null;
        }

        private String upgradeField() {
            upgradeField = true;
            return null;
        }

        private String connection(ByteBuf b, int vs, int vl) {
            int options = HttpChars.connectionOptions(b, vs, vl);
            close |= (options & HttpChars.CLOSE) != 0;
            keepAliveToken |= (options & HttpChars.KEEP_ALIVE) != 0;
            upgradeToken |= (options & HttpChars.UPGRADE) != 0;
            return null;
        }

        private String contentLength(ByteBuf b, int vs, int vl) {
            long value = HttpChars.decimal(b, vs, vl);
            if (value < 0) {
                return "malformed Content-Length";
            }
            if (contentLength >= 0 && contentLength != value) {
                return "differing Content-Length values";
            }
            contentLength = value;
            return null;
        }

        private String transferEncoding(ByteBuf b, int vs, int vl) {
            if (transferEncoding) {
                return "more than one Transfer-Encoding";
            }
            transferEncoding = true;
            if (!HttpChars.equalsIgnoreCase(b, vs, vl, "chunked")) {
                return "unsupported Transfer-Encoding";
            }
            chunked = true;
            return null;
        }
    }
}
