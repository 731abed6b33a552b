package io.dualmode.sidecar.internal.h2;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.RejectedExecutionException;

/**
 * One HTTP/2 stream of a connection, as the proxy reads and writes it: frames go straight to the connection's frame
 * codec (no channel or pipeline of its own), and the frames the peer sends on it go to its {@link Reader}.
 * Flow control: the DATA the peer sends is consumed (its window given back) as soon as it is handed to the reader,
 * unless reading is paused ({@link #pauseReading}), in which case it is given back when reading resumes, so a peer
 * can get at most one stream window ahead of a slow other side. Used only on its connection's event loop.
 */
final class H2Stream {
    /** Who reads a stream's frames. Every callback runs on the stream's event loop. */
    interface Reader {
        /** A frame the peer sent on the stream; the reader owns it (releases or passes it on). */
        void frame(H2Stream from, Http2StreamFrame frame);

        /** The end of a read from the socket in which this stream received frames: time to flush what they caused. */
        default void readComplete(H2Stream from) {}

        /** The deadline set with {@link #deadline} has passed while the stream was open. */
        default void deadlinePassed(H2Stream from) {}

        /** The stream can take more DATA now, or cannot until further notice. */
        default void writabilityChanged(H2Stream from, boolean writable) {}

        /**
         * The peer sent something invalid on the stream (a malformed header block, a flow-control violation): the
         * stream is reset with the error's code unless the reader does otherwise.
         */
        default void streamError(H2Stream from, Http2Exception error) {
            from.reset(error.error().code());
        }

        /** The stream is closed (both ends done, reset, or the connection gone); called once, never re-entrantly. */
        void closed(H2Stream from);
    }

    private final H2Streams owner;
    final Http2FrameStream stream;
    private Reader reader;
    private boolean closed;
    private boolean notified;
    private boolean paused;
    private int withheld;
    private long deadline;
    private boolean hasDeadline;
    /** Whether this stream is on its connection's list of streams that read in the current batch. */
    boolean inBatch;

    H2Stream(H2Streams owner, Http2FrameStream stream, Reader reader) {
        this.owner = owner;
        this.stream = stream;
        this.reader = reader;
    }

    void reader(Reader reader) {
        this.reader = reader;
    }

    EventLoop eventLoop() {
        return owner.eventLoop();
    }

    ByteBufAllocator alloc() {
        return owner.alloc();
    }

    /** Open and its connection too: writes can still go out. */
    boolean isActive() {
        return !closed && owner.isActive();
    }

    /** Whether the peer's flow-control windows and the socket take more DATA now. */
    boolean isWritable() {
        return !closed && owner.isWritable(this);
    }

    /** Writes {@code frame} on this stream (released if the stream is closed); flushed by {@link #flush}. */
    void write(Http2StreamFrame frame) {
        if (closed) {
            ReferenceCountUtil.release(frame);
            return;
        }
        boolean opening = stream.id() < 0;
        ChannelFuture f = owner.write(frame.stream(stream));
        if (opening && f.isDone() && !f.isSuccess()) {
            // the codec creates a stream this side opens while writing its first HEADERS, or fails the write at once
            // (stream ids or the peer's stream limit used up, GOAWAY received); a stream it created and that fails
            // later is closed by the codec, which the reader hears about as usual
            owner.forget(this);
            closedByPeerOrUs();
        }
    }

    void writeAndFlush(Http2StreamFrame frame) {
        write(frame);
        flush();
    }

    void flush() {
        owner.flush();
    }

    /**
     * Resets the stream with {@code errorCode} if it is open on the wire; a stream this side never sent anything on is
     * just forgotten. The reader hears {@link Reader#closed} afterwards, as for any close.
     */
    void reset(long errorCode) {
        if (closed) {
            return;
        }
        if (stream.id() < 0) {
            owner.forget(this);
            closedByPeerOrUs();
        } else if (stream.state() != Http2Stream.State.CLOSED) {
            owner.resetWritten();
            owner.write(new DefaultHttp2ResetFrame(errorCode).stream(stream));
            owner.flush();
        }
    }

    /**
     * Has the reader told ({@link Reader#deadlinePassed}) once {@link System#nanoTime()} reaches {@code at}, unless the
     * stream closes or {@link #clearDeadline} is called first; a later call replaces the deadline.
     */
    void deadline(long at) {
        deadline = at;
        hasDeadline = true;
        owner.armDeadline(at);
    }

    void clearDeadline() {
        hasDeadline = false;
    }

    boolean hasDeadline() {
        return hasDeadline;
    }

    long deadline() {
        return deadline;
    }

    void deadlinePassed() {
        if (hasDeadline && !closed) {
            hasDeadline = false;
            reader.deadlinePassed(this);
        }
    }

    /**
     * Stops giving back flow-control window for the DATA read from now on ({@code true}), or gives back what was held
     * and resumes ({@code false}): how a slow reader on the other side of the proxy slows this peer down.
     */
    void pauseReading(boolean pause) {
        if (paused == pause) {
            return;
        }
        paused = pause;
        if (!pause && withheld > 0) {
            int n = withheld;
            withheld = 0;
            if (!closed) {
                owner.consume(this, n); // flushes the WINDOW_UPDATE it writes
            }
        }
    }

    /** Hands a frame the peer sent to the reader, after giving back its flow-control window unless paused. */
    void deliver(Http2StreamFrame frame) {
        if (frame instanceof Http2DataFrame d) {
            int bytes = d.initialFlowControlledBytes();
            if (bytes > 0) {
                if (paused) {
                    withheld += bytes;
                } else {
                    owner.consume(this, bytes);
                }
            }
        }
        reader.frame(this, frame);
    }

    void streamError(Http2Exception error) {
        if (!closed) {
            reader.streamError(this, error);
        }
    }

    void readComplete() {
        if (!closed) {
            reader.readComplete(this);
        }
    }

    void writabilityChanged() {
        if (!closed) {
            reader.writabilityChanged(this, isWritable());
        }
    }

    /** Marks the stream closed now and tells the reader on a later turn of the loop (never inside its own write). */
    void closedByPeerOrUs() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            owner.eventLoop().execute(this::notifyClosed);
        } catch (RejectedExecutionException e) {
            notifyClosed(); // the loop is shutting down: no later turn will come
        }
    }

    /** Marks the stream closed and tells the reader now (the connection is gone; nothing is being written). */
    void connectionClosed() {
        closed = true;
        notifyClosed();
    }

    private void notifyClosed() {
        if (!notified) {
            notified = true;
            reader.closed(this);
        }
    }
}
