package io.dualmode.sidecar.it;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A raw HTTP/2 client socket for tests that need exact frames on the wire: frames are queued and sent in one
 * write, so a test can send the preface, SETTINGS and requests before the server's SETTINGS arrive, as h2load and
 * grpc-java do. HPACK is Netty's encoder and decoder; the framing is written here.
 */
final class RawH2 implements AutoCloseable {
    static final int DATA = 0;
    static final int HEADERS = 1;
    static final int RST_STREAM = 3;
    static final int SETTINGS = 4;
    static final int GOAWAY = 7;
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** One frame read; {@code headers} is set for HEADERS frames. */
    record Frame(int type, int flags, int stream, byte[] payload, Http2Headers headers) {
        boolean endStream() {
            return (type == DATA || type == HEADERS) && (flags & 1) != 0;
        }

        /** The error code of RST_STREAM or GOAWAY. */
        long errorCode() {
            int at = type == GOAWAY ? 4 : 0;
            return ((payload[at] & 0xffL) << 24)
                    | ((payload[at + 1] & 0xff) << 16)
                    | ((payload[at + 2] & 0xff) << 8)
                    | (payload[at + 3] & 0xff);
        }
    }

    private final Socket socket = new Socket();
    private final DataInputStream in;
    private final ByteBuf out = Unpooled.buffer();
    private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
    private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);

    RawH2(InetSocketAddress address) throws IOException {
        socket.setSoTimeout(10_000);
        socket.connect(address, 5_000);
        in = new DataInputStream(socket.getInputStream());
    }

    /** Queues the client preface and an empty SETTINGS frame. */
    RawH2 preface() {
        out.writeBytes(PREFACE);
        frameHeader(0, SETTINGS, 0, 0);
        return this;
    }

    /** Queues a HEADERS frame (END_HEADERS set). */
    RawH2 headers(int stream, Http2Headers headers, boolean endStream) throws Http2Exception {
        ByteBuf block = Unpooled.buffer();
        encoder.encodeHeaders(stream, headers, block);
        frameHeader(block.readableBytes(), HEADERS, 0x4 | (endStream ? 1 : 0), stream);
        out.writeBytes(block);
        block.release();
        return this;
    }

    /** Queues a DATA frame. */
    RawH2 data(int stream, byte[] bytes, boolean endStream) {
        frameHeader(bytes.length, DATA, endStream ? 1 : 0, stream);
        out.writeBytes(bytes);
        return this;
    }

    /** Queues an RST_STREAM frame with {@code errorCode}. */
    RawH2 reset(int stream, int errorCode) {
        frameHeader(4, RST_STREAM, 0, stream);
        out.writeInt(errorCode);
        return this;
    }

    /** Sends everything queued in one write. */
    RawH2 flush() throws IOException {
        socket.getOutputStream().write(ByteBufUtil.getBytes(out));
        socket.getOutputStream().flush();
        out.clear();
        return this;
    }

    /** Reads the next frame, acknowledging the server's SETTINGS on the way. */
    Frame read() throws IOException, Http2Exception {
        int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7fffffff;
        byte[] payload = new byte[length];
        in.readFully(payload);
        if (type == SETTINGS && (flags & 1) == 0) {
            frameHeader(0, SETTINGS, 1, 0);
            flush();
        }
        Http2Headers headers = type == HEADERS ? decoder.decodeHeaders(stream, Unpooled.wrappedBuffer(payload)) : null;
        return new Frame(type, flags, stream, payload, headers);
    }

    /**
     * Reads frames until the server closes the connection; returns whether a GOAWAY came before the end. Fails
     * (after the socket's 10 s read timeout) if the server keeps it open.
     */
    boolean goAwayThenClosed() throws IOException, Http2Exception {
        boolean goAway = false;
        try {
            while (true) {
                goAway |= read().type() == GOAWAY;
            }
        } catch (java.io.EOFException | java.net.SocketException e) {
            return goAway;
        }
    }

    private void frameHeader(int length, int type, int flags, int stream) {
        out.writeMedium(length).writeByte(type).writeByte(flags).writeInt(stream);
    }

    @Override
    public void close() throws IOException {
        out.release();
        socket.close();
    }
}
