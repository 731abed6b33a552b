package io.dualmode.sidecar.internal.http1;

import io.dualmode.sidecar.cluster.Cluster;
import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The reply to a mirrored request: read and dropped. A connection whose reply ended cleanly goes back to the pool;
 * otherwise it is closed. A reply that does not end within the cluster's request timeout is cut. No failure of the
 * copy reaches the caller: it is only counted ({@code sidecar.upstream.rq.mirror_failed}).
 */
final class MirrorSink implements ResponseSink {
    private final Channel ch;
    private final Cluster cluster;
    private final ScheduledFuture<?> timer;
    private boolean keepAlive;
    private boolean done;

    MirrorSink(Channel ch, Cluster cluster) {
        this.ch = ch;
        this.cluster = cluster;
        this.timer = ch.eventLoop()
                .schedule(this::timedOut, cluster.config().requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void onResponse(Object msg) {
        if (done) {
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof ResponseHead rh) {
            if (!rh.informational()) {
                keepAlive = rh.keepAlive && !rh.delimitedByClose && rh.status != 101;
                if (rh.status >= 500) {
                    cluster.metrics().mirrorFailed.increment();
                }
            }
            rh.release();
        } else if (msg == MessageEnd.INSTANCE) {
            end(false);
        } else if (msg instanceof ScanError) {
            end(true);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void onUpstreamClosed() {
        if (!done) {
            done = true;
            timer.cancel(false);
            cluster.metrics().mirrorFailed.increment();
        }
    }

    @Override
    public void flushDownstream() {}

    @Override
    public void upstreamWritability(boolean writable) {}

    private void timedOut() {
        end(true);
    }

    private void end(boolean failed) {
        if (done) {
            return;
        }
        done = true;
        timer.cancel(false);
        UpstreamHandler handler = ch.pipeline().get(UpstreamHandler.class);
        if (handler != null) {
            handler.unbind();
        }
        if (failed) {
            cluster.metrics().mirrorFailed.increment();
        }
        if (!failed && keepAlive && handler != null) {
            handler.pool().release(ch, cluster.config().maxIdlePerEndpoint());
        } else {
            ch.close();
        }
    }
}
