package io.dualmode.sidecar.internal.h2;

import io.dualmode.sidecar.config.SidecarErrors;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.concurrent.TimeUnit;

/** Responses the sidecar writes itself on an HTTP/2 stream, in HTTP or gRPC form. */
final class H2Replies {
    static final int GRPC_UNKNOWN = 2;
    static final int GRPC_DEADLINE_EXCEEDED = 4;
    static final int GRPC_PERMISSION_DENIED = 7;
    static final int GRPC_RESOURCE_EXHAUSTED = 8;
    static final int GRPC_UNIMPLEMENTED = 12;
    static final int GRPC_UNAUTHENTICATED = 16;
    static final int GRPC_INTERNAL = 13;
    static final int GRPC_UNAVAILABLE = 14;

    private H2Replies() {}

    /**
     * The grpc-status of a governance rejection: a denied caller is PERMISSION_DENIED, a rate limit
     * RESOURCE_EXHAUSTED (a quota, which clients do not retry by default, unlike UNAVAILABLE), an open circuit
     * UNAVAILABLE; an injected abort maps its HTTP status as gRPC maps HTTP statuses to codes (400 INTERNAL, 401
     * UNAUTHENTICATED, 403 PERMISSION_DENIED, 404 UNIMPLEMENTED, 429/502/503/504 UNAVAILABLE, others UNKNOWN).
     */
    static int grpcStatusFor(SidecarErrors error, int httpStatus) {
        return switch (error) {
            case ACCESS_DENIED -> GRPC_PERMISSION_DENIED;
            case RATE_LIMITED, ADAPTIVE_SHED -> GRPC_RESOURCE_EXHAUSTED;
            case CIRCUIT_OPEN -> GRPC_UNAVAILABLE;
            default ->
                switch (httpStatus) {
                    case 400 -> GRPC_INTERNAL;
                    case 401 -> GRPC_UNAUTHENTICATED;
                    case 403 -> GRPC_PERMISSION_DENIED;
                    case 404 -> GRPC_UNIMPLEMENTED;
                    case 429, 502, 503, 504 -> GRPC_UNAVAILABLE;
                    default -> GRPC_UNKNOWN;
                };
        };
    }

    /** Whether the request is gRPC (content-type application/grpc*). */
    static boolean isGrpc(Http2Headers headers) {
        CharSequence ct = headers.get("content-type");
        return ct != null && ct.toString().startsWith("application/grpc");
    }

    /**
     * The HTTP status a gRPC status stands for when it reports the upstream failing (UNAVAILABLE 503, INTERNAL
     * 500, DEADLINE_EXCEEDED 504), for outlier ejection and the cluster's 5xx count; 0 for OK, application
     * statuses (NOT_FOUND, INVALID_ARGUMENT, ...), an absent or malformed grpc-status.
     */
    static int grpcFailureStatus(CharSequence grpcStatus) {
        if (grpcStatus == null || grpcStatus.length() == 0 || grpcStatus.length() > 2) {
            return 0;
        }
        String s = grpcStatus.toString();
        return switch (s) {
            case "14" -> 503;
            case "13" -> 500;
            case "4" -> 504;
            default -> 0;
        };
    }

    /** The gRPC service of a {@code /pkg.Service/Method} path, or null. */
    static String grpcService(CharSequence path) {
        if (path == null || path.length() < 2 || path.charAt(0) != '/') {
            return null;
        }
        String p = path.toString();
        int slash = p.indexOf('/', 1);
        return slash < 0 ? null : p.substring(1, slash);
    }

    /** The grpc-timeout header in nanoseconds, or -1 when absent or malformed. */
    static long grpcTimeoutNanos(Http2Headers headers) {
        CharSequence v = headers.get("grpc-timeout");
        if (v == null || v.length() < 2 || v.length() > 9) {
            return -1;
        }
        long amount;
        try {
            amount = Long.parseLong(v.subSequence(0, v.length() - 1).toString());
        } catch (NumberFormatException e) {
            return -1;
        }
        return switch (v.charAt(v.length() - 1)) {
            case 'H' -> TimeUnit.HOURS.toNanos(amount);
            case 'M' -> TimeUnit.MINUTES.toNanos(amount);
            case 'S' -> TimeUnit.SECONDS.toNanos(amount);
            case 'm' -> TimeUnit.MILLISECONDS.toNanos(amount);
            case 'u' -> TimeUnit.MICROSECONDS.toNanos(amount);
            case 'n' -> amount;
            default -> -1;
        };
    }

    /** An error answer on a stream whose response has not started. */
    static void error(H2Stream stream, boolean grpc, int httpStatus, int grpcStatus, SidecarErrors e, String msg) {
        if (grpc) {
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(grpcTrailers(true, grpcStatus, e, msg), true));
            return;
        }
        Http2Headers headers = new DefaultHttp2Headers()
                .status(Integer.toString(httpStatus))
                .set("content-type", "text/plain; charset=utf-8")
                .set("x-dualmode-error", e.code());
        stream.write(new DefaultHttp2HeadersFrame(headers, false));
        stream.writeAndFlush(new DefaultHttp2DataFrame(ByteBufUtil.writeUtf8(stream.alloc(), msg + "\n"), true));
    }

    /** gRPC trailers carrying an error status; with {@code headersToo}, a trailers-only response. */
    static Http2Headers grpcTrailers(boolean headersToo, int grpcStatus, SidecarErrors e, String msg) {
        Http2Headers h = new DefaultHttp2Headers();
        if (headersToo) {
            h.status("200").set("content-type", "application/grpc");
        }
        return h.set("grpc-status", Integer.toString(grpcStatus))
                .set("grpc-message", percentEncode(msg))
                .set("x-dualmode-error", e.code());
    }

    private static String percentEncode(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '%') {
                sb.append((char) c);
            } else {
                sb.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }

    private static final io.netty.util.AsciiString GRPC_STATUS = io.netty.util.AsciiString.cached("grpc-status");

    /** Whether headers (or trailers) carry a gRPC status other than OK (0). */
    static boolean isGrpcError(Http2Headers headers) {
        CharSequence s = headers.get(GRPC_STATUS);
        return s != null && !(s.length() == 1 && s.charAt(0) == '0');
    }
}
