package io.dualmode.sidecar.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A raw HTTP/1.1 client socket for tests that need exact bytes (pipelining, malformed input). */
final class RawHttp implements AutoCloseable {
    private final Socket socket = new Socket();
    private final InputStream in;

    RawHttp(InetSocketAddress address) throws IOException {
        socket.setSoTimeout(10_000);
        socket.connect(address, 5_000);
        in = socket.getInputStream();
    }

    RawHttp send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return this;
    }

    /** Reads one response with a Content-Length body (or none) and returns it whole. */
    String readResponse() throws IOException {
        String head = readHead();
        int length = 0;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    /** Reads up to the blank line after a head. */
    String readHead() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + out);
            }
            out.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** True when the peer closed the connection (reads EOF). */
    boolean closedByPeer() throws IOException {
        try {
            return in.read() == -1;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
