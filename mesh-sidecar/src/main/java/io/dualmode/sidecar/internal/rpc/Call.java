package io.dualmode.sidecar.internal.rpc;

import io.dualmode.sidecar.internal.governance.Admission;
import io.dualmode.sidecar.protocol.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * One forwarded request waiting for its response: who asked, under which id, and a copy of the request's header,
 * enough for the plug-in to build an error reply without keeping the (possibly large) request.
 */
final class Call {
    final Channel downstream;
    final long originalId;
    final Frame header;
    final long startNanos;
    final Admission admission;
    final Retry retry;
    ScheduledFuture<?> timer;
    /** When {@link #timer} fires (System.nanoTime), 0 without a timer. */
    long timerDeadlineNanos;
    /** A mirrored copy: its response is dropped and its failures only counted. */
    boolean mirror;

    Call(Channel downstream, Frame request, long startNanos, Admission admission, Retry retry) {
        this.admission = admission;
        this.retry = retry;
        this.downstream = downstream;
        this.originalId = request.requestId();
        this.header = request.replace(headerCopy(request.content()));
        this.startNanos = startNanos;
    }

    /** How many leading bytes of a request are kept for error replies. */
    static final int HEADER_COPY = 64;

    /**
     * A copy of the first {@link #HEADER_COPY} bytes of {@code content} on the Java heap: a plain array is cheaper to
     * take and to free than a buffer of the pooled allocator, and it holds nothing of the request's buffer.
     */
    static ByteBuf headerCopy(ByteBuf content) {
        byte[] bytes = new byte[Math.min(content.readableBytes(), HEADER_COPY)];
        content.getBytes(content.readerIndex(), bytes);
        return Unpooled.wrappedBuffer(bytes);
    }

    /**
     * Cancels the timer and frees the header copy; unless another attempt follows ({@code retried}), frees the
     * retained request and ends the call for the circuit breakers.
     */
    void finish(boolean failed, boolean retried) {
        if (timer != null) {
            timer.cancel(false);
        }
        header.release();
        if (!retried) {
            if (retry != null) {
                retry.release();
            }
            admission.complete(failed);
        }
    }
}
