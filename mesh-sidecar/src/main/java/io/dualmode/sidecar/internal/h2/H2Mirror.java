package io.dualmode.sidecar.internal.h2;

import io.dualmode.sidecar.cluster.Cluster;
import io.dualmode.sidecar.cluster.UpstreamHost;
import io.dualmode.sidecar.internal.transport.Transport;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
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
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A mirrored HTTP/2 or gRPC request: retained duplicates of the complete request's frames (no copy of the data)
 * sent on a stream of their own to a host of the mirror subset; the reply is read and dropped. The request headers
 * are copied once to add {@code x-dualmode-mirror: true}; {@code :authority} is kept. Failures (no host, the stream
 * cannot be opened, a reset, a 5xx or a non-zero grpc-status, no end within the cluster's request timeout) are only
 * counted in {@code sidecar.upstream.rq.mirror_failed}: the caller's call never waits for the copy.
 */
final class H2Mirror extends ChannelInboundHandlerAdapter {
    static final String HEADER = "x-dualmode-mirror";

    private final Cluster cluster;
    private ScheduledFuture<?> timer;
    private boolean done;

    private H2Mirror(Cluster cluster) {
        this.cluster = cluster;
    }

    /** Sends copies of {@code request} (the kept frames, left untouched) to a host carrying {@code subset}'s labels. */
    static void send(
            EventLoop loop,
            Transport transport,
            Cluster cluster,
            java.util.Map<String, String> subset,
            Collection<Http2StreamFrame> request) {
        cluster.metrics().mirror.increment();
        UpstreamHost target = cluster.select(null, subset);
        if (target == null) {
            cluster.metrics().mirrorFailed.increment();
            return;
        }
        List<Http2StreamFrame> copies = new ArrayList<>(request.size());
        boolean first = true;
        for (Http2StreamFrame f : request) {
            if (f instanceof Http2DataFrame d) {
                copies.add(d.retainedDuplicate());
            } else if (f instanceof Http2HeadersFrame h) {
                Http2Headers headers = h.headers();
                if (first) {
                    headers = new DefaultHttp2Headers().add(headers).set(HEADER, "true");
                }
                copies.add(new DefaultHttp2HeadersFrame(headers, h.isEndStream()));
            }
            first = false;
        }
        H2Mirror handler = new H2Mirror(cluster);
        H2Pool.current(loop, transport).open(target, cluster, handler).addListener(f -> {
            if (!f.isSuccess()) {
                copies.forEach(ReferenceCountUtil::release);
                cluster.metrics().mirrorFailed.increment();
                return;
            }
            Http2StreamChannel ch = (Http2StreamChannel) f.getNow();
            handler.timer = ch.eventLoop()
                    .schedule(
                            () -> handler.fail(ch),
                            cluster.config().requestTimeout().toMillis(),
                            TimeUnit.MILLISECONDS);
            copies.forEach(c -> ch.write(c, ch.voidPromise()));
            ch.flush();
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (done) {
                return;
            }
            if (msg instanceof Http2ResetFrame) {
                fail(ctx.channel());
            } else if (msg instanceof Http2HeadersFrame h) {
                CharSequence status = h.headers().status();
                CharSequence grpcStatus = h.headers().get("grpc-status");
                if ((status != null && status.length() == 3 && status.charAt(0) == '5')
                        || (grpcStatus != null && !"0".contentEquals(grpcStatus))) {
                    fail(ctx.channel());
                } else if (h.isEndStream()) {
                    end();
                }
            } else if (msg instanceof Http2DataFrame d && d.isEndStream()) {
                end();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!done) {
            done = true;
            cancelTimer();
            cluster.metrics().mirrorFailed.increment();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void end() {
        done = true;
        cancelTimer();
    }

    private void fail(io.netty.channel.Channel ch) {
        if (done) {
            return;
        }
        done = true;
        cancelTimer();
        cluster.metrics().mirrorFailed.increment();
        if (ch.isActive()) {
            ch.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL)).addListener(f -> ch.close());
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
