package io.dualmode.sidecar.internal.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link H2Streams} and {@link H2Stream} on both ends of an in-memory HTTP/2 connection: a client and a server
 * {@link EmbeddedChannel}, each with Netty's frame codec and an {@code H2Streams}, whose bytes are moved across by
 * {@link #pump}.
 */
class H2StreamsTest {
    private final Recorder serverReader = new Recorder();
    private final List<H2Stream> serverStreams = new ArrayList<>();
    private final FlushCounter serverFlushes = new FlushCounter();
    private EmbeddedChannel server;
    private EmbeddedChannel client;
    private H2Streams serverSide;
    private H2Streams clientSide;

    @BeforeEach
    void connect() {
        Http2FrameCodec serverCodec = H2Codecs.server(Http2Settings.defaultSettings());
        serverSide = new H2Streams(serverCodec, s -> {
            serverStreams.add(s);
            return serverReader;
        });
        server = new EmbeddedChannel(serverFlushes, serverCodec, serverSide);
        Http2FrameCodec clientCodec = H2Codecs.client();
        clientSide = new H2Streams(clientCodec, null);
        client = new EmbeddedChannel(clientCodec, clientSide);
        pump();
    }

    @AfterEach
    void close() {
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
        serverReader.release();
    }

    @Test
    void aRequestAndItsResponseGoThroughAndBothStreamsCloseOnce() {
        Recorder clientReader = new Recorder();
        H2Stream request = clientSide.open(clientReader);
        request.write(new DefaultHttp2HeadersFrame(headers("POST", "/orders"), false));
        request.write(new DefaultHttp2DataFrame(Unpooled.copiedBuffer(new byte[100]), true));
        request.flush();
        pump();

        assertThat(serverReader.kinds()).containsExactly("HEADERS", "DATA end 100");
        H2Stream answer = serverStreams.get(0);
        answer.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));
        answer.write(new DefaultHttp2DataFrame(Unpooled.copiedBuffer(new byte[7]), true));
        answer.flush();
        pump();

        assertThat(clientReader.kinds()).containsExactly("HEADERS", "DATA end 7");
        assertThat(serverReader.closed).isEqualTo(1);
        assertThat(clientReader.closed).isEqualTo(1);
        assertThat(serverSide.size()).isZero();
        assertThat(clientSide.size()).isZero();
        clientReader.release();
    }

    @Test
    void streamsFlushedOutsideAReadGoOutTogetherOnceTheLoopHasHandledItsEvents() {
        List<Recorder> callers = requests(3);
        assertThat(serverStreams).hasSize(3);

        // the answers are written outside a read of the server's connection, as when they come from an upstream;
        // (EmbeddedChannel runs the loop's pending tasks at each write, so the writes all come before the flushes)
        serverFlushes.count = 0;
        for (H2Stream answer : serverStreams) {
            answer.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("204"), true));
        }
        for (H2Stream answer : serverStreams) {
            answer.flush();
        }
        assertThat(serverFlushes.count).as("nothing flushed yet").isZero();
        assertThat(server.outboundMessages()).as("nothing flushed yet").isEmpty();

        server.runPendingTasks();
        assertThat(serverFlushes.count).as("one flush for the three streams").isEqualTo(1);
        pump();
        for (Recorder caller : callers) {
            assertThat(caller.kinds()).containsExactly("HEADERS");
            caller.release();
        }
    }

    @Test
    void oneTimerServesTheStreamsDeadlinesEarliestFirstAndSkipsClearedOnes() {
        List<Recorder> callers = requests(3);
        H2Stream late = serverStreams.get(0);
        H2Stream overdue = serverStreams.get(1);
        H2Stream cleared = serverStreams.get(2);
        long now = System.nanoTime();
        late.deadline(now + TimeUnit.MILLISECONDS.toNanos(50));
        cleared.deadline(now + TimeUnit.MILLISECONDS.toNanos(20));
        overdue.deadline(now - 1); // earlier than the timer is set for: re-armed for it
        cleared.clearDeadline();

        server.runScheduledPendingTasks();
        assertThat(serverReader.deadlinesPassed).containsExactly(overdue);

        // the timer re-arms itself for the earliest deadline left; the cleared one is skipped
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            server.runScheduledPendingTasks();
            return serverReader.deadlinesPassed.size() > 1;
        });
        assertThat(serverReader.deadlinesPassed).containsExactly(overdue, late);
        callers.forEach(Recorder::release);
    }

    @Test
    void aPausedReaderGivesNoWindowBackUntilItResumes() {
        Recorder clientReader = new Recorder();
        H2Stream request = clientSide.open(clientReader);
        request.writeAndFlush(new DefaultHttp2HeadersFrame(headers("POST", "/upload"), false));
        pump();
        H2Stream upload = serverStreams.get(0);
        upload.pauseReading(true);

        // 160 KiB against the initial window of 65,535 bytes: the client may send only one window's worth
        for (int i = 0; i < 10; i++) {
            request.write(new DefaultHttp2DataFrame(Unpooled.copiedBuffer(new byte[16 * 1024]), i == 9));
        }
        request.flush();
        pump();
        assertThat(serverReader.dataBytes).isEqualTo(65_535);

        upload.pauseReading(false);
        pump();
        assertThat(serverReader.dataBytes).isEqualTo(160 * 1024);
        assertThat(serverReader.kinds()).last().asString().startsWith("DATA end");
        clientReader.release();
    }

    @Test
    void aResetFromThePeerReachesTheReaderThenClosesTheStream() {
        Recorder clientReader = new Recorder();
        H2Stream request = clientSide.open(clientReader);
        request.writeAndFlush(new DefaultHttp2HeadersFrame(headers("GET", "/slow"), true));
        pump();
        request.reset(Http2Error.CANCEL.code());
        pump();

        assertThat(serverReader.kinds()).containsExactly("HEADERS", "RST " + Http2Error.CANCEL.code());
        assertThat(serverReader.closed).isEqualTo(1);
        assertThat(serverSide.size()).isZero();
        assertThat(clientReader.closed).isEqualTo(1);
        clientReader.release();
    }

    @Test
    void aMalformedRequestResetsItsStreamOnlyAndTheConnectionServesTheNext() {
        Recorder clientReader = new Recorder();
        Http2Headers bad = new DefaultHttp2Headers(false)
                .method("GET")
                .path("/")
                .scheme("http")
                .authority("orders")
                .add("Bad-Upper-Case", "x");
        clientSide.open(clientReader).writeAndFlush(new DefaultHttp2HeadersFrame(bad, true));
        pump();
        assertThat(clientReader.kinds()).containsExactly("RST " + Http2Error.PROTOCOL_ERROR.code());
        assertThat(serverReader.kinds())
                .as("no reader ever saw the malformed stream")
                .isEmpty();

        Recorder second = new Recorder();
        clientSide.open(second).writeAndFlush(new DefaultHttp2HeadersFrame(headers("GET", "/"), true));
        pump();
        assertThat(serverReader.kinds()).containsExactly("HEADERS");
        assertThat(server.isActive()).isTrue();
        clientReader.release();
        second.release();
    }

    @Test
    void whenTheConnectionGoesEveryOpenStreamIsClosed() {
        Recorder one = new Recorder();
        Recorder two = new Recorder();
        clientSide.open(one).writeAndFlush(new DefaultHttp2HeadersFrame(headers("GET", "/a"), true));
        clientSide.open(two).writeAndFlush(new DefaultHttp2HeadersFrame(headers("GET", "/b"), true));
        pump();
        assertThat(serverStreams).hasSize(2);

        server.close();
        client.close();
        server.runPendingTasks();
        client.runPendingTasks();
        assertThat(serverReader.closed).isEqualTo(2);
        assertThat(one.closed).isEqualTo(1);
        assertThat(two.closed).isEqualTo(1);
        assertThat(serverSide.size()).isZero();
        assertThat(clientSide.size()).isZero();
        one.release();
        two.release();
    }

    @Test
    void aStreamOpenedButNeverWrittenIsForgottenWhenReset() {
        Recorder reader = new Recorder();
        H2Stream unused = clientSide.open(reader);
        assertThat(clientSide.size()).isEqualTo(1);
        unused.reset(Http2Error.CANCEL.code());
        client.runPendingTasks();
        assertThat(clientSide.size()).isZero();
        assertThat(reader.closed).isEqualTo(1);
        assertThat(client.outboundMessages()).as("nothing was sent for it").isEmpty();
    }

    /** {@code n} GET requests from the client, each on its own stream, delivered to the server. */
    private List<Recorder> requests(int n) {
        List<Recorder> callers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Recorder caller = new Recorder();
            callers.add(caller);
            clientSide.open(caller).writeAndFlush(new DefaultHttp2HeadersFrame(headers("GET", "/" + i), true));
        }
        pump();
        return callers;
    }

    private static Http2Headers headers(String method, String path) {
        return new DefaultHttp2Headers()
                .method(method)
                .path(path)
                .scheme("http")
                .authority("orders");
    }

    /**
     * Runs both loops' pending tasks (the flushes streams asked for outside a read of their connection) and moves
     * every byte each side wrote to the other side, until neither has anything left to send.
     */
    private void pump() {
        boolean moved = true;
        while (moved) {
            client.runPendingTasks();
            server.runPendingTasks();
            moved = move(client, server) | move(server, client);
        }
    }

    /** Counts the flushes that reach the socket end of a pipeline. */
    private static final class FlushCounter extends ChannelOutboundHandlerAdapter {
        int count;

        @Override
        public void flush(ChannelHandlerContext ctx) {
            count++;
            ctx.flush();
        }
    }

    private static boolean move(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        Object out;
        while ((out = from.readOutbound()) != null) {
            moved = true;
            if (to.isOpen()) {
                to.writeInbound(out);
            } else {
                ReferenceCountUtil.release(out);
            }
        }
        return moved;
    }

    /** A reader that records what it is given, keeping the DATA's length and releasing its content. */
    private static final class Recorder implements H2Stream.Reader {
        private final List<Object> frames = new ArrayList<>();
        int closed;
        long dataBytes;
        final List<H2Stream> deadlinesPassed = new ArrayList<>();

        @Override
        public void frame(H2Stream from, Http2StreamFrame frame) {
            if (frame instanceof Http2DataFrame d) {
                dataBytes += d.content().readableBytes();
                frames.add(
                        "DATA" + (d.isEndStream() ? " end " : " ") + d.content().readableBytes());
                d.release();
            } else if (frame instanceof Http2HeadersFrame) {
                frames.add("HEADERS");
            } else if (frame instanceof Http2ResetFrame r) {
                frames.add("RST " + r.errorCode());
            } else {
                frames.add(frame);
            }
        }

        @Override
        public void closed(H2Stream from) {
            closed++;
        }

        @Override
        public void deadlinePassed(H2Stream from) {
            deadlinesPassed.add(from);
        }

        List<String> kinds() {
            return frames.stream()
                    .filter(f -> !(f instanceof String s) || !s.startsWith("DATA ") || s.startsWith("DATA end"))
                    .map(String::valueOf)
                    .toList();
        }

        void release() {
            frames.forEach(ReferenceCountUtil::release);
        }
    }
}
