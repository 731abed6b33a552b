package io.dualmode.sidecar.internal.h2;

import io.dualmode.sidecar.internal.transport.DeadlineTimer;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2FrameStreamEvent;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.codec.http2.Http2WindowUpdateFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The streams of one HTTP/2 connection, right after its {@link Http2FrameCodec}: hands each stream's frames to its
 * {@link H2Stream.Reader} and writes the readers' frames to the codec. It replaces Netty's
 * {@code Http2MultiplexHandler}, which gives every stream a child channel with its own pipeline, promises and read
 * queue: about a third of the 6 KB the proxy allocated per HTTP/2 request went there. On a server connection a stream
 * the peer opens gets its reader from {@code acceptor} on its first HEADERS; on a client connection streams are
 * opened with {@link #open}. Frames that belong to no stream (SETTINGS, PING, GOAWAY) go on down the pipeline.
 */
final class H2Streams extends Http2ChannelDuplexHandler {
    private final Http2FrameCodec codec;
    private final Function<H2Stream, H2Stream.Reader> acceptor;
    private final Map<Http2FrameStream, H2Stream> streams = new HashMap<>();
    private final List<H2Stream> batch = new ArrayList<>(4);
    private final Runnable flushTask = this::scheduledFlush;
    private final DeadlineTimer deadlines = new DeadlineTimer(this::deadlinesDue);
    private final List<H2Stream> due = new ArrayList<>(2);
    private ChannelHandlerContext ctx;
    /** The window in which {@link #underResetBudget} counts the RST_STREAM frames this side wrote. */
    static final long RESET_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** RST_STREAM frames written in the current window, and when that window began ({@link System#nanoTime()}). */
    private int resetsWritten;

    private long resetWindowStart;
    /** Between a read of this connection's frames and the end of that read. */
    private boolean reading;
    /** A flush is due: at the end of the current read, or by {@link #flushTask}, already handed to the loop. */
    private boolean flushPending;

    /** {@code acceptor}: the reader of a stream the peer opens, or null on a client connection. */
    H2Streams(Http2FrameCodec codec, Function<H2Stream, H2Stream.Reader> acceptor) {
        this.codec = codec;
        this.acceptor = acceptor;
    }

    @Override
    protected void handlerAdded0(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** A new stream of this (client) connection; it exists on the wire from the first HEADERS its reader's side writes. */
    H2Stream open(H2Stream.Reader reader) {
        H2Stream s = new H2Stream(this, newStream(), reader);
        streams.put(s.stream, s);
        return s;
    }

    /** How many streams are open on this connection, or opened and not written yet. */
    int size() {
        return streams.size();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reading = true;
        if (!(msg instanceof Http2StreamFrame frame) || frame.stream() == null) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (msg instanceof Http2WindowUpdateFrame) {
            return; // the codec has applied it to the stream's window already
        }
        H2Stream s = streams.get(frame.stream());
        if (s == null) {
            if (acceptor == null
                    || !(msg instanceof Http2HeadersFrame)
                    || frame.stream().state() == Http2Stream.State.CLOSED) {
                ReferenceCountUtil.release(msg);
                return;
            }
            s = new H2Stream(this, frame.stream(), null);
            s.reader(acceptor.apply(s));
            streams.put(frame.stream(), s);
        }
        if (!s.inBatch) {
            s.inBatch = true;
            batch.add(s);
        }
        s.deliver(frame);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // by index: a reader may open a stream, but only on another connection, so this list does not grow here
        for (int i = 0; i < batch.size(); i++) {
            H2Stream s = batch.get(i);
            s.inBatch = false;
            s.readComplete();
        }
        batch.clear();
        reading = false;
        if (flushPending) {
            flushPending = false;
            ctx.flush(); // what the readers wrote on this connection, and the WINDOW_UPDATEs of the DATA they consumed
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof Http2FrameStreamEvent e)) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        H2Stream s = streams.get(e.stream());
        if (s == null) {
            return;
        }
        if (e.type() == Http2FrameStreamEvent.Type.State) {
            if (e.stream().state() == Http2Stream.State.CLOSED) {
                streams.remove(e.stream());
                s.closedByPeerOrUs();
            }
        } else {
            s.writabilityChanged();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        reading = false;
        deadlines.cancel();
        if (!streams.isEmpty()) {
            List<H2Stream> open = new ArrayList<>(streams.values());
            streams.clear();
            for (H2Stream s : open) {
                s.connectionClosed();
            }
        }
        ctx.fireChannelInactive();
    }

    /**
     * An error on one stream (a malformed or over-limit HEADERS, a flow-control violation) resets that stream only,
     * with the error's code; anything else goes on down the pipeline (the codec has already answered a connection
     * error with GOAWAY).
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof Http2FrameStreamException e) {
            H2Stream s = streams.get(e.stream());
            if (s != null) {
                s.streamError(
                        e.getCause() instanceof Http2Exception h ? h : new Http2Exception(e.error(), e.getMessage()));
            } else if (e.stream().id() > 0 && e.stream().state() != Http2Stream.State.CLOSED) {
                resetWritten();
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(e.error()).stream(e.stream()));
            }
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    boolean isActive() {
        return ctx.channel().isActive();
    }

    boolean isWritable(H2Stream s) {
        Http2Connection connection = codec.connection();
        Http2Stream stream = connection.stream(s.stream.id());
        return stream != null && connection.remote().flowController().isWritable(stream);
    }

    ChannelFuture write(Http2StreamFrame frame) {
        return ctx.write(frame);
    }

    /**
     * Flushes what was written on this connection: at the end of its current read, or else once the loop has handled
     * the other connections' events of this turn, so that the frames every stream of the connection wrote in that turn
     * (the responses to a burst of requests from different callers, say) go out in one write to the socket.
     */
    void flush() {
        if (flushPending) {
            return;
        }
        flushPending = true;
        if (!reading) {
            try {
                ctx.channel().eventLoop().execute(flushTask);
            } catch (RejectedExecutionException e) {
                scheduledFlush(); // the loop is shutting down
            }
        }
    }

    private void scheduledFlush() {
        if (flushPending) {
            flushPending = false;
            ctx.flush();
        }
    }

    /**
     * Makes sure the connection's one {@link DeadlineTimer} fires by {@code at} ({@link System#nanoTime()}); when it
     * does, the streams whose deadline has passed are told and it is armed again for the earliest deadline left.
     */
    void armDeadline(long at) {
        deadlines.arm(ctx.channel().eventLoop(), at);
    }

    private void deadlinesDue() {
        long now = System.nanoTime();
        long next = 0;
        boolean more = false;
        for (H2Stream s : streams.values()) {
            if (!s.hasDeadline()) {
                continue;
            }
            if (now - s.deadline() >= 0) {
                due.add(s);
            } else if (!more || s.deadline() - next < 0) {
                next = s.deadline();
                more = true;
            }
        }
        for (int i = 0; i < due.size(); i++) {
            due.get(i).deadlinePassed();
        }
        due.clear();
        if (more) {
            armDeadline(next);
        }
    }

    /** Counts an RST_STREAM frame written on this connection. */
    void resetWritten() {
        long now = System.nanoTime();
        if (resetsWritten == 0 || now - resetWindowStart >= RESET_WINDOW_NANOS) {
            resetWindowStart = now;
            resetsWritten = 0;
        }
        resetsWritten++;
    }

    /** Whether this side wrote fewer than {@code budget} RST_STREAM frames on the connection in the current window. */
    boolean underResetBudget(int budget) {
        if (resetsWritten < budget) {
            return true;
        }
        if (System.nanoTime() - resetWindowStart >= RESET_WINDOW_NANOS) {
            resetsWritten = 0;
            return true;
        }
        return false;
    }

    void forget(H2Stream s) {
        streams.remove(s.stream);
    }

    /** Gives back {@code bytes} of flow-control window on {@code s} (and the connection), flushed as {@link #flush} does. */
    void consume(H2Stream s, int bytes) {
        Http2Connection connection = codec.connection();
        Http2Stream stream = connection.stream(s.stream.id());
        if (stream == null) {
            return;
        }
        try {
            if (connection.local().flowController().consumeBytes(stream, bytes)) {
                flush(); // a WINDOW_UPDATE was written
            }
        } catch (Http2Exception e) {
            ctx.fireExceptionCaught(e);
        }
    }
}
