package io.dualmode.sidecar.it;

import static io.dualmode.sidecar.it.SidecarFixture.cluster;
import static io.dualmode.sidecar.it.SidecarFixture.config;
import static io.dualmode.sidecar.it.SidecarFixture.listener;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.cluster.Endpoint;
import io.dualmode.sidecar.config.ConfigLoader;
import io.dualmode.sidecar.config.ListenerConfig.Protocol;
import io.dualmode.sidecar.config.OutlierConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

/**
 * A misbehaving upstream: a backend on raw sockets that answers the sidecar's HTTP/1.1 requests and HTTP/2 streams
 * with random and mutated responses (bad status lines, lengths that lie, broken chunks, responses cut short, frames
 * of the wrong type or stream, resets, GOAWAY), and sometimes with nothing at all. While several callers send requests
 * to it through the sidecar, a well-behaved caller calls a healthy backend through the same listener. Each call to the
 * bad backend ends within the cluster's request timeout (with whatever status the sidecar could give, 502 or 504
 * among them, or a closed connection), the healthy calls all succeed, afterwards no request or connection is left
 * in flight, no buffer leaks (the build's paranoid leak detector) and no error reaches the end of a pipeline.
 * {@code -Ddualmode.upstream.fuzz.millis=...} sets the time per protocol (default 3 s).
 */
class UpstreamFuzzIntegrationTest {
    private static final long FUZZ_MILLIS = Long.getLong("dualmode.upstream.fuzz.millis", 3000);
    private static final int CALLERS = 3;
    private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(500);
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private SidecarHealth health;
    private DisposableServer good;
    private BadBackend bad;
    private Sidecar sidecar;

    private void start(HttpProtocol protocol) throws IOException {
        health = new SidecarHealth();
        good = HttpServer.create()
                .host("127.0.0.85")
                .port(0)
                .protocol(protocol)
                .handle((q, s) -> s.sendString(Mono.just("good " + q.uri())).then())
                .bindNow(Duration.ofSeconds(5));
        bad = new BadBackend(protocol == HttpProtocol.H2C);
        OutlierConfig neverEject = new OutlierConfig(Integer.MAX_VALUE, Duration.ofSeconds(1), 0);
        sidecar = Sidecar.create(config(
                                List.of(listener(
                                        "out",
                                        protocol == HttpProtocol.H2C ? Protocol.H2 : Protocol.HTTP,
                                        "127.0.0.1")),
                                List.of(
                                        cluster("good", Endpoint.of("127.0.0.85", good.port()))
                                                .build(),
                                        cluster("bad", Endpoint.of("127.0.0.86", bad.port()))
                                                .requestTimeout(REQUEST_TIMEOUT)
                                                .connectTimeout(Duration.ofSeconds(1))
                                                .outlier(neverEject)
                                                .build()))
                        .limits(ConfigLoader.parse("limits: {maxHeaderBytes: 4096, maxBodyBytes: 65536}", "t")
                                .limits())
                        .build())
                .start();
    }

    @AfterEach
    void stop() throws IOException {
        if (health != null) {
            health.close();
        }
        if (sidecar != null) {
            sidecar.close();
        }
        if (bad != null) {
            bad.close();
        }
        if (good != null) {
            good.disposeNow(Duration.ofSeconds(5));
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void http1UpstreamAnsweringGarbage() throws Exception {
        start(HttpProtocol.HTTP11);
        fuzz(HttpProtocol.HTTP11);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void h2UpstreamAnsweringGarbage() throws Exception {
        start(HttpProtocol.H2C);
        fuzz(HttpProtocol.H2C);
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void http1MalformedResponsesAreAnswered502() throws Exception {
        start(HttpProtocol.HTTP11);
        assertThat(
                        scripted(
                                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"))
                .as("both Content-Length and Transfer-Encoding")
                .isEqualTo("502 SIDECAR-0021");
        assertThat(scripted("HTTP/1.1 200 OK\rX: y\r\nContent-Length: 0\r\n\r\n"))
                .as("a bare CR in the status line")
                .isEqualTo("502 SIDECAR-0021");
        assertThat(scripted("HTTP/1.1 100 Continue\r\n\r\n"))
                .as("the upstream closes after a 100 Continue: the caller still gets a final answer")
                .isEqualTo("502 SIDECAR-0014");
        assertThat(scripted("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
                .as("a good answer through the same path")
                .isEqualTo("200 -");
        assertThat(SidecarHealth.value(
                        SidecarHealth.metrics(sidecar), "sidecar_upstream_rq_bad_response_total", "cluster=\"bad\""))
                .as("malformed answers counted (each attempt of a retried GET)")
                .isGreaterThanOrEqualTo(2.0);
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void h2MalformedResponsesAreAnswered502OrReset() throws Exception {
        start(HttpProtocol.H2C);
        Http2Headers ok = new DefaultHttp2Headers().status("200");
        assertThat(scriptedH2((id, enc) -> concat(BadBackend.frameBytes(
                        1, 0x5, id, BadBackend.hpack(enc, id, new DefaultHttp2Headers().set("x", "y"))))))
                .as(":status missing")
                .isEqualTo("502 SIDECAR-0021");
        assertThat(scriptedH2((id, enc) -> BadBackend.frameBytes(
                        1, 0x5, id, BadBackend.hpack(enc, id, new DefaultHttp2Headers().status("99")))))
                .as(":status of two digits")
                .isEqualTo("502 SIDECAR-0021");
        assertThat(scriptedH2((id, enc) -> concat(
                        BadBackend.frameBytes(0, 0, id, new byte[] {1, 2, 3}),
                        BadBackend.frameBytes(1, 0x5, id, BadBackend.hpack(enc, id, ok)))))
                .as("DATA before HEADERS")
                .isEqualTo("502 SIDECAR-0021");
        assertThat(scriptedH2((id, enc) -> concat(
                        BadBackend.frameBytes(1, 0x4, id, BadBackend.hpack(enc, id, ok)),
                        BadBackend.frameBytes(0, 0, id, new byte[] {'a'}),
                        BadBackend.frameBytes(1, 0x4, id, BadBackend.hpack(enc, id, ok)))))
                .as("a second response HEADERS after the first, without END_STREAM: the stream is reset")
                .startsWith("PrematureCloseException");
        assertThat(scriptedH2((id, enc) -> BadBackend.frameBytes(
                        1,
                        0x5,
                        id,
                        BadBackend.hpack(
                                enc,
                                id,
                                new DefaultHttp2Headers(false).status("200").add("x y", "1")))))
                .as("a header name that is not a token")
                .isEqualTo("502 SIDECAR-0021");
        assertThat(scriptedH2((id, enc) -> BadBackend.frameBytes(
                        1,
                        0x5,
                        id,
                        BadBackend.hpack(
                                enc,
                                id,
                                new DefaultHttp2Headers(false).status("200").add("connection", "close")))))
                .as("a connection-specific header")
                .isEqualTo("502 SIDECAR-0021");
        assertThat(scriptedH2((id, enc) -> concat(
                        BadBackend.frameBytes(1, 0x4, id, BadBackend.hpack(enc, id, ok)),
                        BadBackend.frameBytes(0, 1, id, new byte[] {'o', 'k'}))))
                .as("a good answer on the same connection")
                .isEqualTo("200 -");
        assertThat(SidecarHealth.value(
                        SidecarHealth.metrics(sidecar), "sidecar_upstream_rq_bad_response_total", "cluster=\"bad\""))
                .as("malformed answers counted (the second HEADERS is refused by the codec itself, counted as a reset)")
                .isGreaterThanOrEqualTo(5.0);
    }

    /** One GET to the bad backend answering {@code answer}: "status x-dualmode-error", or the exception's class. */
    private String scripted(String answer) {
        bad.script = (id, enc) -> answer.getBytes(StandardCharsets.ISO_8859_1);
        return scriptedCall(HttpProtocol.HTTP11);
    }

    private String scriptedH2(BiFunction<Integer, DefaultHttp2HeadersEncoder, byte[]> answer) {
        bad.script = answer;
        return scriptedCall(HttpProtocol.H2C);
    }

    private String scriptedCall(HttpProtocol protocol) {
        ConnectionProvider pool = ConnectionProvider.create("scripted", 1);
        try {
            return reactor.netty.http.client.HttpClient.create(pool)
                    .protocol(protocol)
                    .remoteAddress(() -> sidecar.listenerAddress("out"))
                    .headers(h -> h.set("Host", "bad"))
                    .get()
                    .uri("/scripted")
                    .responseSingle((r, b) -> b.asString()
                            .defaultIfEmpty("")
                            .map(x -> r.status().code() + " "
                                    + java.util.Objects.requireNonNullElse(
                                            r.responseHeaders().get("x-dualmode-error"), "-")))
                    .onErrorResume(e -> Mono.just(e.getClass().getSimpleName() + ": " + e.getMessage()))
                    .block(Duration.ofSeconds(20));
        } finally {
            pool.disposeLater().block(Duration.ofSeconds(10));
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private void fuzz(HttpProtocol protocol) throws Exception {
        InetSocketAddress address = sidecar.listenerAddress("out");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong goodCalls = new AtomicLong();
        Queue<String> goodFailures = new ConcurrentLinkedQueue<>();
        Queue<String> slowBadCalls = new ConcurrentLinkedQueue<>();
        Map<String, AtomicLong> badOutcomes = new ConcurrentHashMap<>();
        ConnectionProvider pool = ConnectionProvider.create("fuzz-callers", CALLERS + 2);
        reactor.netty.http.client.HttpClient client = reactor.netty.http.client.HttpClient.create(pool)
                .protocol(protocol)
                .remoteAddress(() -> address)
                .responseTimeout(Duration.ofSeconds(20));
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS + 1);
        List<Future<?>> running = new ArrayList<>();
        running.add(callers.submit(() -> {
            while (!stop.get()) {
                try {
                    String answer = call(client, "good", "/steady", false);
                    if ("200 good /steady".equals(answer)) {
                        goodCalls.incrementAndGet();
                    } else {
                        goodFailures.add(answer);
                    }
                } catch (RuntimeException e) {
                    goodFailures.add(e.toString());
                }
            }
            return null;
        }));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FUZZ_MILLIS);
        for (int c = 0; c < CALLERS; c++) {
            int caller = c;
            running.add(callers.submit(() -> {
                int n = 0;
                while (System.nanoTime() < deadline) {
                    long start = System.nanoTime();
                    String outcome;
                    try {
                        String answer = call(client, "bad", "/c" + caller + "/" + n++, n % 3 == 0);
                        outcome = answer.substring(0, 3);
                    } catch (RuntimeException e) {
                        Throwable cause = reactor.core.Exceptions.unwrap(e);
                        outcome = cause.getClass().getSimpleName() + ": " + cause.getMessage();
                    }
                    badOutcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
                    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    if (millis > REQUEST_TIMEOUT.toMillis() + 5_000) {
                        slowBadCalls.add(outcome + " after " + millis + " ms");
                    }
                }
                return null;
            }));
        }
        for (int i = 1; i < running.size(); i++) {
            running.get(i).get(FUZZ_MILLIS + 120_000, TimeUnit.MILLISECONDS);
        }
        stop.set(true);
        running.get(0).get(60, TimeUnit.SECONDS);
        callers.shutdownNow();
        pool.disposeLater().block(Duration.ofSeconds(10));
        long badCalls = badOutcomes.values().stream().mapToLong(AtomicLong::get).sum();
        System.out.println(protocol + " upstream fuzz: " + badCalls + " calls to the bad backend " + badOutcomes
                + ", " + bad.connections.get() + " connections to it; " + goodCalls.get()
                + " calls to the healthy one");

        assertThat(bad.connections.get())
                .as("connections the bad backend answered")
                .isGreaterThan(20);
        assertThat(badCalls).as("calls to the bad backend").isGreaterThan(20);
        assertThat(badOutcomes).as("502 answers to calls to the bad backend").containsKey("502");
        assertThat(SidecarHealth.value(
                        SidecarHealth.metrics(sidecar), "sidecar_upstream_rq_bad_response_total", "cluster=\"bad\""))
                .as("malformed responses counted")
                .isPositive();
        assertThat(slowBadCalls)
                .as("calls that outlasted the request timeout by far")
                .isEmpty();
        assertThat(goodFailures).as("failed calls to the healthy backend").isEmpty();
        assertThat(goodCalls.get()).as("calls to the healthy backend").isGreaterThan(5);
        Awaitility.await("requests and connections of the fuzzing gone")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    String metrics = SidecarHealth.metrics(sidecar);
                    assertThat(SidecarHealth.value(metrics, "sidecar_upstream_rq_active", "cluster=\"bad\""))
                            .as("requests in flight to the bad backend")
                            .isZero();
                    assertThat(SidecarHealth.value(metrics, "sidecar_downstream_cx_active", "listener=\"out\""))
                            .as("open downstream connections")
                            .isZero();
                });
        assertThat(health.problems()).as("leaks or unhandled errors logged").isEmpty();
    }

    /** One call; a third of them POST a body. Returns "status body". */
    private static String call(reactor.netty.http.client.HttpClient client, String host, String path, boolean post) {
        reactor.netty.http.client.HttpClient c = client.headers(h -> h.set("Host", host));
        return (post
                        ? c.post().uri(path).send(Mono.just(Unpooled.wrappedBuffer(new byte[1500])))
                        : c.get().uri(path))
                .responseSingle((r, b) ->
                        b.asString().defaultIfEmpty("").map(s -> r.status().code() + " " + s))
                .block(Duration.ofSeconds(30));
    }

    /**
     * The misbehaving backend: one thread per connection; each request (HTTP/1.1: a header section read; HTTP/2: a
     * HEADERS frame) gets a random, possibly mutated answer, after which the connection is kept, closed, or left
     * silent.
     */
    private static final class BadBackend implements AutoCloseable {
        private static final String[] H1_ANSWERS = {
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok!",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nok\r\n",
            "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello",
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u0081\u0002ok",
            "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nread until the end",
            "HTTP/1.1 999 Whatever\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.0 200 OK\r\n\r\nold",
            "HTTP/1.1 200 OK\r\nX-Big: " + "b".repeat(6000) + "\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 200 OK\nContent-Length: 2\n\nok",
            "HTTP/1.1 200 OK\r\n Folded: yes\r\nContent-Length: 0\r\n\r\n",
            "garbage\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
        };

        private final ServerSocket server;
        private final boolean h2;
        private final ExecutorService threads = Executors.newCachedThreadPool();
        private final Queue<Socket> sockets = new ConcurrentLinkedQueue<>();
        private final AtomicLong connections = new AtomicLong();
        private final AtomicLong seeds = new AtomicLong(42);
        /**
         * When set, the answer to every request instead of a random one: given the stream id (0 for HTTP/1.1) and the
         * connection's HPACK encoder (null for HTTP/1.1). An HTTP/1.1 connection is closed after it.
         */
        private volatile BiFunction<Integer, DefaultHttp2HeadersEncoder, byte[]> script;

        BadBackend(boolean h2) throws IOException {
            this.h2 = h2;
            server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.86"));
            threads.execute(this::accept);
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    sockets.add(s);
                    connections.incrementAndGet();
                    SplittableRandom random = new SplittableRandom(seeds.getAndIncrement());
                    threads.execute(() -> serve(s, random));
                } catch (IOException | java.util.concurrent.RejectedExecutionException e) {
                    return;
                }
            }
        }

        private void serve(Socket s, SplittableRandom random) {
            try (s) {
                s.setSoTimeout(3_000);
                if (h2) {
                    serveH2(s, random);
                } else {
                    serveH1(s, random);
                }
            } catch (IOException | RuntimeException e) {
                // the sidecar closed, or this connection's answers are over
            } finally {
                sockets.remove(s);
            }
        }

        private void serveH1(Socket s, SplittableRandom random) throws IOException {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (readHead(in)) {
                BiFunction<Integer, DefaultHttp2HeadersEncoder, byte[]> scripted = script;
                if (scripted != null) {
                    out.write(scripted.apply(0, null));
                    out.flush();
                    return;
                }
                int choice = random.nextInt(20);
                if (choice == 0) {
                    return; // close without answering
                }
                if (choice == 1) {
                    sleepQuietly(REQUEST_TIMEOUT.toMillis() + 200); // silent past the request timeout
                    return;
                }
                byte[] answer = H1_ANSWERS[random.nextInt(H1_ANSWERS.length)].getBytes(StandardCharsets.ISO_8859_1);
                if (choice < 10) {
                    answer = mutate(answer, random);
                }
                out.write(answer);
                out.flush();
                if (random.nextInt(3) == 0) {
                    return;
                }
            }
        }

        /** Reads up to the end of a header section (the body, if any, is read as the next "head" and ignored). */
        private static boolean readHead(InputStream in) throws IOException {
            int matched = 0;
            int b;
            while ((b = in.read()) >= 0) {
                matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                        ? matched + 1
                        : 0;
                if (matched == 4) {
                    return true;
                }
            }
            return false;
        }

        private void serveH2(Socket s, SplittableRandom random) throws IOException {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            byte[] preface = new byte[PREFACE.length];
            in.readFully(preface);
            DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
            ByteBuf buf = Unpooled.buffer();
            try {
                frame(buf, 4, 0, 0, new byte[0]); // our SETTINGS
                out.write(drain(buf));
                while (true) {
                    int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
                    int type = in.readUnsignedByte();
                    int flags = in.readUnsignedByte();
                    int stream = in.readInt() & 0x7fffffff;
                    in.readFully(new byte[length]);
                    if (type == 4 && (flags & 1) == 0) {
                        frame(buf, 4, 1, 0, new byte[0]);
                    } else if (type == 1 && script != null) {
                        buf.writeBytes(script.apply(stream, encoder));
                    } else if (type == 1) {
                        int choice = random.nextInt(20);
                        if (choice == 0) {
                            return;
                        }
                        if (choice > 1) {
                            answerH2(buf, encoder, stream, random, choice < 10);
                        } // else: never answer this stream
                    }
                    out.write(drain(buf));
                }
            } finally {
                buf.release();
            }
        }

        private static void answerH2(
                ByteBuf buf, DefaultHttp2HeadersEncoder encoder, int stream, SplittableRandom random, boolean mutated) {
            List<byte[]> frames = new ArrayList<>();
            Http2Headers head = new DefaultHttp2Headers().status(random.nextInt(8) == 0 ? "99" : "200");
            if (random.nextInt(4) == 0) {
                head.set("content-length", Integer.toString(random.nextInt(10)));
            }
            if (random.nextInt(8) == 0) {
                head.set("connection", "close"); // not allowed in HTTP/2
            }
            boolean body = random.nextInt(4) != 0;
            frames.add(frameBytes(1, 0x4 | (body ? 0 : 1), stream, hpack(encoder, stream, head)));
            if (body) {
                frames.add(frameBytes(0, 0, stream, new byte[random.nextInt(3000)]));
                if (random.nextBoolean()) {
                    frames.add(frameBytes(
                            1, 0x5, stream, hpack(encoder, stream, new DefaultHttp2Headers().set("grpc-status", "0"))));
                } else {
                    frames.add(frameBytes(0, 1, stream, new byte[0]));
                }
            }
            switch (random.nextInt(6)) {
                case 0 -> frames.add(frameBytes(3, 0, stream, new byte[] {0, 0, 0, 2}));
                case 1 -> frames.add(frameBytes(7, 0, 0, new byte[] {0, 0, 0, 0, 0, 0, 0, 1}));
                case 2 -> frames.add(frameBytes(8, 0, stream, new byte[] {0x7f, -1, -1, -1}));
                default -> {}
            }
            if (mutated) {
                int at = random.nextInt(frames.size());
                byte[] f = frames.get(at).clone();
                switch (random.nextInt(4)) {
                    case 0 -> f[3] = (byte) random.nextInt(12); // type
                    case 1 -> f[4] = (byte) random.nextInt(256); // flags
                    case 2 -> f[8] = (byte) (f[8] + 2); // stream
                    default -> {
                        if (f.length > 9) {
                            f[9 + random.nextInt(f.length - 9)] ^= (byte) (1 << random.nextInt(8));
                        }
                    }
                }
                frames.set(at, f);
                if (random.nextInt(4) == 0) {
                    frames.remove(random.nextInt(frames.size()));
                }
            }
            frames.forEach(buf::writeBytes);
        }

        private static byte[] frameBytes(int type, int flags, int stream, byte[] payload) {
            ByteBuf b = Unpooled.buffer();
            frame(b, type, flags, stream, payload);
            return drain(b);
        }

        private static void frame(ByteBuf b, int type, int flags, int stream, byte[] payload) {
            b.writeMedium(payload.length)
                    .writeByte(type)
                    .writeByte(flags)
                    .writeInt(stream)
                    .writeBytes(payload);
        }

        private static byte[] drain(ByteBuf b) {
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.clear();
            return bytes;
        }

        private static byte[] hpack(DefaultHttp2HeadersEncoder encoder, int stream, Http2Headers headers) {
            ByteBuf block = ByteBufAllocator.DEFAULT.heapBuffer();
            try {
                encoder.encodeHeaders(stream, headers, block);
                return drain(block);
            } catch (Http2Exception e) {
                throw new IllegalStateException(e);
            } finally {
                block.release();
            }
        }

        private static byte[] mutate(byte[] bytes, SplittableRandom random) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(4)) {
                case 0 -> {
                    byte[] copy = bytes.clone();
                    copy[at] ^= (byte) (1 << random.nextInt(8));
                    return copy;
                }
                case 1 -> out.write(bytes, 0, at); // cut short
                case 2 -> {
                    out.write(bytes, 0, at);
                    out.writeBytes("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.write(bytes, at, bytes.length - at);
                }
                default -> {
                    out.write(bytes, 0, at);
                    out.writeBytes(Integer.toString(random.nextInt()).getBytes(StandardCharsets.US_ASCII));
                    out.write(bytes, at, bytes.length - at);
                }
            }
            return out.toByteArray();
        }

        private static void sleepQuietly(long millis) {
            try {
                Thread.sleep(millis); // the misbehaviour under test: an upstream that answers nothing for a while
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
            threads.shutdownNow();
        }
    }
}
