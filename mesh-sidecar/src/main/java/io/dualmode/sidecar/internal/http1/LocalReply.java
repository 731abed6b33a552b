package io.dualmode.sidecar.internal.http1;

import io.dualmode.sidecar.config.SidecarErrors;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/** Responses the sidecar writes itself, with the error code in a header and the message in the body. */
final class LocalReply {
    private LocalReply() {}

    static ByteBuf of(ByteBufAllocator alloc, int status, SidecarErrors error, String message, boolean close) {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\n"
                + "content-type: text/plain; charset=utf-8\r\n"
                + "content-length: " + body.length + "\r\n"
                + "x-dualmode-error: " + error.code() + "\r\n"
                + (close ? "connection: close\r\n" : "")
                + "\r\n";
        ByteBuf buf = alloc.buffer(head.length() + body.length);
        buf.writeCharSequence(head, StandardCharsets.US_ASCII);
        buf.writeBytes(body);
        return buf;
    }

    static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 413 -> "Content Too Large";
            case 431 -> "Request Header Fields Too Large";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Error";
        };
    }

    static SidecarErrors errorFor(int status) {
        return switch (status) {
            case 413 -> SidecarErrors.BODY_TOO_LARGE;
            case 431 -> SidecarErrors.HEADERS_TOO_LARGE;
            default -> SidecarErrors.BAD_REQUEST;
        };
    }
}
