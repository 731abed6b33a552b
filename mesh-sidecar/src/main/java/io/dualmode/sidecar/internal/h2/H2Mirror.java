package io.dualmode.sidecar.internal.h2;

import io.dualmode.sidecar.cluster.Cluster;
import io.dualmode.sidecar.cluster.UpstreamHost;
import io.dualmode.sidecar.internal.transport.Transport;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
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
final class H2Mirror implements H2Stream.Reader {
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
            H2Stream stream = (H2Stream) f.getNow();
            handler.timer = stream.eventLoop()
                    .schedule(
                            () -> handler.fail(stream),
                            cluster.config().requestTimeout().toMillis(),
                            TimeUnit.MILLISECONDS);
            copies.forEach(stream::write);
            stream.flush();
        });
    }

    @Override
    public void frame(H2Stream from, Http2StreamFrame msg) {
        try {
            if (done) {
                return;
            }
            if (msg instanceof Http2ResetFrame) {
                fail(from);
            } else if (msg instanceof Http2HeadersFrame h) {
                CharSequence status = h.headers().status();
                CharSequence grpcStatus = h.headers().get("grpc-status");
                if ((status != null && status.length() == 3 && status.charAt(0) == '5')
                        || (grpcStatus != null && !"0".contentEquals(grpcStatus))) {
                    fail(from);
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
    public void closed(H2Stream from) {
        if (!done) {
            done = true;
            cancelTimer();
            cluster.metrics().mirrorFailed.increment();
        }
    }

    private void end() {
        done = true;
        cancelTimer();
    }

    private void fail(H2Stream stream) {
        if (done) {
            return;
        }
        done = true;
        cancelTimer();
        cluster.metrics().mirrorFailed.increment();
        stream.reset(Http2Error.CANCEL.code());
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
