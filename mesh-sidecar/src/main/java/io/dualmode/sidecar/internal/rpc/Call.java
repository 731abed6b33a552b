package io.dualmode.sidecar.internal.rpc;

import io.dualmode.sidecar.internal.governance.Admission;
import io.dualmode.sidecar.protocol.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * One forwarded request waiting for its response: who asked, under which id, and a copy of the request's header,
 * enough for the plug-in to build an error reply without keeping the (possibly large) request. It is its own timeout
 * task, so scheduling the timer allocates no lambda.
 */
final class Call implements Runnable {
    final Channel downstream;
    final long originalId;
    final long startNanos;
    final Admission admission;
    final Retry retry;
    /** The request as decoded: its header fields only, its bytes are written on (and freed) meanwhile. */
    private final Frame request;
    /** The first {@link #HEADER_COPY} bytes of the request, as received. */
    private final byte[] headerBytes;
    /** The connection that times the call out, and the call's id on it. */
    private final Upstream upstream;

    private final long id;
    ScheduledFuture<?> timer;
    /** When {@link #timer} fires (System.nanoTime), 0 without a timer. */
    long timerDeadlineNanos;
    /** A mirrored copy: its response is dropped and its failures only counted. */
    boolean mirror;

    Call(
            Upstream upstream,
            long id,
            Channel downstream,
            Frame request,
            long startNanos,
            Admission admission,
            Retry retry) {
        this.upstream = upstream;
        this.id = id;
        this.admission = admission;
        this.retry = retry;
        this.downstream = downstream;
        this.originalId = request.requestId();
        this.request = request;
        ByteBuf content = request.content();
        this.headerBytes = new byte[Math.min(content.readableBytes(), HEADER_COPY)];
        content.getBytes(content.readerIndex(), headerBytes);
        this.startNanos = startNanos;
    }

    /** How many leading bytes of a request are kept for error replies. */
    static final int HEADER_COPY = 64;

    /**
     * The request's header fields over a copy of its first bytes (the original id included), for the plug-in's error
     * reply; built only when one is needed. The caller releases it.
     */
    Frame header() {
        return request.replace(Unpooled.wrappedBuffer(headerBytes));
    }

    /** The timer fired. */
    @Override
    public void run() {
        upstream.timedOut(id);
    }

    /**
     * Cancels the timer; unless another attempt follows ({@code retried}), frees the retained request and ends the
     * call for the circuit breakers.
     */
    void finish(boolean failed, boolean retried) {
        if (timer != null) {
            timer.cancel(false);
        }
        if (!retried) {
            if (retry != null) {
                retry.release();
            }
            admission.complete(failed);
        }
    }
}
