package io.dualmode.sidecar.internal.h2;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

import io.dualmode.sidecar.internal.transport.ListenerRuntime;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles the pipeline of a downstream h2c (prior knowledge) connection: the frame codec, and the connection's
 * {@link H2Streams} giving each stream the peer opens an {@link H2StreamProxy}.
 */
public final class H2Listener extends ChannelInitializer<Channel> {
    private final ListenerRuntime listener;

    public H2Listener(ListenerRuntime listener) {
        this.listener = listener;
    }

    @Override
    protected void initChannel(Channel ch) {
        listener.metrics().cxTotal.increment();
        listener.metrics().cxActive.incrementAndGet();
        listener.proxy().track(ch);
        ch.closeFuture().addListener(f -> listener.metrics().cxActive.decrementAndGet());
        Http2Settings settings = Http2Settings.defaultSettings()
                .maxConcurrentStreams(listener.limits().maxConcurrentStreams())
                .maxHeaderListSize(listener.limits().maxHeaderBytes());
        Http2FrameCodec codec = H2Codecs.server(settings);
        StreamLimit streamLimit = new StreamLimit(codec, listener.limits().maxConcurrentStreams());
        ch.pipeline()
                .addLast(IdleCloser.watch(listener.limits().idleTimeout().toMillis()))
                .addLast(codec)
                .addLast(new IdleCloser(codec, listener.limits().idleTimeout().toMillis()))
                .addLast(streamLimit)
                .addLast(new H2Streams(
                        codec,
                        stream -> streamLimit.overLimit()
                                ? new StreamLimit.Refuse(listener.metrics())
                                : new H2StreamProxy(listener)))
                .addLast(new ConnectionErrors(listener));
    }

    /**
     * The end of a downstream connection's pipeline: a connection error (a malformed preface or frame, an invalid
     * setting, a broken header block) has already been answered by the codec with GOAWAY, and a socket error leaves
     * nothing to answer; either way the connection is closed, a protocol error counted, and the details logged at
     * debug level only, so that a misbehaving client cannot fill the log (one stack trace per connection otherwise).
     */
    static final class ConnectionErrors extends ChannelInboundHandlerAdapter {
        private static final Logger log = LoggerFactory.getLogger(ConnectionErrors.class);
        private final ListenerRuntime listener;

        ConnectionErrors(ListenerRuntime listener) {
            this.listener = listener;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof Http2Exception) {
                listener.metrics().protocolError.increment();
            }
            log.debug(
                    "[{}] downstream HTTP/2 connection error: {}", ctx.channel().id(), cause.toString());
            ctx.close();
        }
    }

    /**
     * Closes (with GOAWAY) a connection that has had no stream open for the idle timeout. Its {@link #watch} handler
     * watches reads only (watching writes would cost a promise and a listener per frame written), so the check runs
     * when nothing was read for the timeout, and the connection closes between one and two timeouts after its last
     * stream ended.
     */
    static final class IdleCloser extends ChannelInboundHandlerAdapter {
        private final Http2FrameCodec codec;
        private final long idleNanos;
        /** When the last stream closed, or the connection opened ({@link System#nanoTime()}). */
        private long idleSince = System.nanoTime();

        IdleCloser(Http2FrameCodec codec, long idleMillis) {
            this.codec = codec;
            this.idleNanos = MILLISECONDS.toNanos(idleMillis);
            codec.connection().addListener(new Http2ConnectionAdapter() {
                @Override
                public void onStreamClosed(Http2Stream stream) {
                    if (codec.connection().numActiveStreams() == 0) {
                        idleSince = System.nanoTime();
                    }
                }
            });
        }

        /** The handler whose reader-idle events this closer acts on; goes before the codec. */
        static IdleStateHandler watch(long idleMillis) {
            return new IdleStateHandler(idleMillis, 0, 0, MILLISECONDS);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (!(evt instanceof IdleStateEvent)) {
                ctx.fireUserEventTriggered(evt);
            } else if (codec.connection().numActiveStreams() == 0 && System.nanoTime() - idleSince >= idleNanos) {
                ctx.close();
            }
        }
    }
}
