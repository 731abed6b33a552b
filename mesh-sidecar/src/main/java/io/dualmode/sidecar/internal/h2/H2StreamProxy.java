package io.dualmode.sidecar.internal.h2;

import io.dualmode.sidecar.cluster.Cluster;
import io.dualmode.sidecar.cluster.UpstreamHost;
import io.dualmode.sidecar.config.SidecarErrors;
import io.dualmode.sidecar.internal.transport.ListenerRuntime;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Proxies one downstream HTTP/2 stream to one stream on a multiplexed upstream connection: routes
 * on the first HEADERS (:authority, or the gRPC service of :path), relays HEADERS, DATA, trailers
 * and RST_STREAM both ways, enforces grpc-timeout, and answers locally when no upstream can.
 */
final class H2StreamProxy extends ChannelInboundHandlerAdapter {
    private final ListenerRuntime listener;
    private final long start = System.nanoTime();
    private final ArrayDeque<Http2StreamFrame> pending = new ArrayDeque<>(2);
    private Channel down;
    private Http2StreamChannel up;
    private Cluster cluster;
    private UpstreamHost host;
    private Http2Headers requestHeaders;
    private boolean requestEnded;
    private ScheduledFuture<?> deadline;
    private String service;
    private boolean grpc;
    private boolean started;
    private boolean responseStarted;
    private boolean done;
    private boolean upstreamFault;
    private boolean grpcFailed;
    private int status;
    private int attempts;
    private long requestBytes;

    H2StreamProxy(ListenerRuntime listener) {
        this.listener = listener;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done) {
            ReferenceCountUtil.release(msg);
        } else if (!started && msg instanceof Http2HeadersFrame headers) {
            begin(ctx.channel(), headers);
        } else if (!started) {
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof Http2ResetFrame reset) {
            cancelled(reset.errorCode());
        } else if (msg instanceof Http2HeadersFrame headers) {
            forward(new DefaultHttp2HeadersFrame(headers.headers(), headers.isEndStream()));
        } else if (msg instanceof Http2DataFrame data) {
            forward(new DefaultHttp2DataFrame(data.content(), data.isEndStream()));
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void begin(Channel stream, Http2HeadersFrame frame) {
        down = stream;
        started = true;
        listener.metrics().rqTotal.increment();
        listener.proxy().requestStarted();
        requestHeaders = frame.headers();
        requestEnded = frame.isEndStream();
        grpc = H2Replies.isGrpc(requestHeaders);
        cluster = route(requestHeaders);
        if (cluster == null) {
            localError(503, H2Replies.GRPC_UNAVAILABLE, SidecarErrors.NO_ROUTE);
            return;
        }
        cluster.metrics().rqActive.incrementAndGet();
        armTimeout();
        pending.add(new DefaultHttp2HeadersFrame(requestHeaders, frame.isEndStream()));
        connect();
    }

    private Cluster route(Http2Headers headers) {
        service = authority(headers.authority());
        Cluster c = listener.router().route(service);
        if (c == null && grpc) {
            String grpcService = H2Replies.grpcService(headers.path());
            Cluster byService = listener.router().route(grpcService);
            if (grpcService != null) {
                service = grpcService;
            }
            c = byService;
        }
        return c;
    }

    private static String authority(CharSequence authority) {
        if (authority == null) {
            return null;
        }
        String a = authority.toString().toLowerCase(Locale.ROOT);
        int colon = a.lastIndexOf(':');
        return colon > a.lastIndexOf(']') ? a.substring(0, colon) : a;
    }

    private void armTimeout() {
        long nanos = grpc
                ? H2Replies.grpcTimeoutNanos(requestHeaders)
                : cluster.config().requestTimeout().toNanos();
        if (nanos > 0) {
            deadline = down.eventLoop().schedule(this::timedOut, nanos, TimeUnit.NANOSECONDS);
        }
    }

    private void connect() {
        String hashHeader = cluster.config().hashHeader();
        host = cluster.select(hashHeader == null ? null : requestHeaders.get(hashHeader));
        if (host == null) {
            localError(503, H2Replies.GRPC_UNAVAILABLE, SidecarErrors.NO_HEALTHY_UPSTREAM);
            return;
        }
        attempts++;
        host.requestStarted();
        H2Pool.current(down.eventLoop(), listener.proxy().transport())
                .open(host, cluster, new Upstream())
                .addListener(this::opened);
    }

    @SuppressWarnings("unchecked")
    private void opened(Future<?> f) {
        if (done) {
            if (f.isSuccess()) {
                ((Http2StreamChannel) f.getNow()).close();
            }
            return;
        }
        if (!f.isSuccess()) {
            connectFailed();
            return;
        }
        up = (Http2StreamChannel) f.getNow();
        Http2StreamFrame frame;
        while ((frame = pending.poll()) != null) {
            up.write(frame);
        }
        up.flush();
    }

    private void connectFailed() {
        cluster.metrics().connectFail.increment();
        releaseHost(true);
        if (attempts <= cluster.config().retry().maxRetries() && cluster.tryRetry()) {
            cluster.retryDone();
            connect();
        } else {
            localError(503, H2Replies.GRPC_UNAVAILABLE, SidecarErrors.UPSTREAM_CONNECT_FAILED);
        }
    }

    private void forward(Http2StreamFrame frame) {
        if (frame instanceof Http2HeadersFrame h && h.isEndStream()
                || frame instanceof Http2DataFrame d && d.isEndStream()) {
            requestEnded = true;
        }
        if (frame instanceof Http2DataFrame d && !grpc && tooLarge(d.content().readableBytes())) {
            d.release();
            bodyTooLarge();
            return;
        }
        if (up == null) {
            pending.add(frame);
        } else {
            up.write(frame);
        }
    }

    /** Counts request body bytes; gRPC streams are exempt (their size is the application's business). */
    private boolean tooLarge(int bytes) {
        requestBytes += bytes;
        return requestBytes > listener.limits().maxBodyBytes();
    }

    private void bodyTooLarge() {
        listener.metrics().protocolError.increment();
        if (responseStarted) {
            down.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL));
            finish(false);
        } else {
            localError(413, H2Replies.GRPC_UNAVAILABLE, SidecarErrors.BODY_TOO_LARGE);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (up != null) {
            up.flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (up != null) {
            up.config().setAutoRead(ctx.channel().isWritable());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (started && !done) {
            cancelled(Http2Error.CANCEL.code());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void cancelled(long errorCode) {
        if (up != null) {
            up.writeAndFlush(new DefaultHttp2ResetFrame(errorCode));
        }
        finish(false);
    }

    private void timedOut() {
        if (done) {
            return;
        }
        cluster.metrics().timeout.increment();
        upstreamFault = true;
        resetUpstream();
        if (grpc && responseStarted) {
            down.writeAndFlush(new DefaultHttp2HeadersFrame(
                    H2Replies.grpcTrailers(
                            false,
                            H2Replies.GRPC_DEADLINE_EXCEEDED,
                            SidecarErrors.UPSTREAM_TIMEOUT,
                            message(SidecarErrors.UPSTREAM_TIMEOUT)),
                    true));
            finish(false);
        } else if (responseStarted) {
            down.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL));
            finish(false);
        } else {
            localError(504, H2Replies.GRPC_DEADLINE_EXCEEDED, SidecarErrors.UPSTREAM_TIMEOUT);
        }
    }

    private void resetUpstream() {
        if (up != null && up.isActive()) {
            up.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL));
        }
    }

    private void localError(int httpStatus, int grpcStatus, SidecarErrors error) {
        listener.metrics().localReply(httpStatus);
        status = httpStatus;
        H2Replies.error(down, grpc, httpStatus, grpcStatus, error, message(error));
        if (!requestEnded) {
            down.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR));
        }
        finish(false);
    }

    private String message(SidecarErrors error) {
        return error == SidecarErrors.BODY_TOO_LARGE
                ? error.format(listener.limits().maxBodyBytes())
                : error.format(service == null ? "" : service);
    }

    private void upstreamFrame(Object msg) {
        if (done) {
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof Http2HeadersFrame h) {
            if (!responseStarted) {
                responseStarted = true;
                status = parseStatus(h.headers().status());
            }
            grpcFailed |= grpc && H2Replies.isGrpcError(h.headers());
            if (grpc && h.isEndStream()) {
                grpcStatus(h.headers());
            }
            down.write(new DefaultHttp2HeadersFrame(h.headers(), h.isEndStream()));
            endIf(h.isEndStream());
        } else if (msg instanceof Http2DataFrame d) {
            down.write(new DefaultHttp2DataFrame(d.content(), d.isEndStream()));
            endIf(d.isEndStream());
        } else if (msg instanceof Http2ResetFrame r) {
            upstreamReset(r.errorCode());
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * A gRPC call's final status (trailers, or a trailers-only response): UNAVAILABLE, INTERNAL and
     * DEADLINE_EXCEEDED under HTTP 200 count as the upstream failing, like a 5xx.
     */
    private void grpcStatus(Http2Headers trailers) {
        int failure = H2Replies.grpcFailureStatus(trailers.get("grpc-status"));
        if (failure != 0) {
            cluster.metrics().grpcFailure(failure);
            status = failure;
        }
    }

    private void endIf(boolean endStream) {
        if (endStream) {
            down.flush();
            finish(true);
        }
    }

    private void upstreamReset(long errorCode) {
        if (done) {
            return;
        }
        cluster.metrics().reset.increment();
        upstreamFault = true;
        if (responseStarted) {
            down.writeAndFlush(new DefaultHttp2ResetFrame(errorCode));
            finish(false);
        } else {
            releaseHost(true);
            localError(502, H2Replies.GRPC_UNAVAILABLE, SidecarErrors.UPSTREAM_RESET);
        }
    }

    private static int parseStatus(CharSequence s) {
        try {
            return s == null ? 0 : Integer.parseInt(s.toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void finish(boolean clean) {
        if (done) {
            return;
        }
        done = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
        Http2StreamFrame frame;
        while ((frame = pending.poll()) != null) {
            ReferenceCountUtil.release(frame);
        }
        if (cluster != null) {
            cluster.metrics().rqActive.decrementAndGet();
            cluster.metrics().response(status, upstreamFault || grpcFailed, start);
            releaseHost(upstreamFault || status >= 500);
        }
        if (!clean || !requestEnded) {
            resetUpstream();
        }
        listener.proxy().requestFinished();
    }

    private void releaseHost(boolean failed) {
        if (host != null) {
            if (failed) {
                cluster.failure(host);
            } else {
                cluster.success(host);
            }
            host.requestFinished();
            host = null;
        }
    }

    /** The handler of the upstream stream: hands its frames back to the downstream side. */
    private final class Upstream extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            upstreamFrame(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (down != null) {
                down.flush();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            down.config().setAutoRead(ctx.channel().isWritable());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!done && up == ctx.channel()) {
                upstreamReset(Http2Error.CANCEL.code());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
