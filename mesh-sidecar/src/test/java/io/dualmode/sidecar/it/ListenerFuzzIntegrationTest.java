package io.dualmode.sidecar.it;

import static io.dualmode.sidecar.it.SidecarFixture.cluster;
import static io.dualmode.sidecar.it.SidecarFixture.config;
import static io.dualmode.sidecar.it.SidecarFixture.listener;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.cluster.Endpoint;
import io.dualmode.sidecar.config.ConfigLoader;
import io.dualmode.sidecar.config.ListenerConfig;
import io.dualmode.sidecar.config.ListenerConfig.Protocol;
import io.dualmode.sidecar.protocol.bolt.BoltBytes;
import io.dualmode.sidecar.protocol.dubbo.DubboBytes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

/**
 * Random and mutated bytes on real sockets to the sidecar's HTTP/1.1 and HTTP/2 listeners, from several threads for a
 * bounded time, while a well-behaved client keeps calling through the same listener: that client sees no failure,
 * every fuzzed connection and proxied request is accounted for and gone afterwards (the listener's active connections
 * and the cluster's active requests come back to zero, the bad ones are counted as protocol errors), nothing leaks a buffer (Netty's paranoid leak detector, which
 * the build turns on, logs no {@code LEAK}) and no error reaches the end of a pipeline unhandled.
 *
 * <p>Inputs are built per connection from valid requests (HPACK by Netty's encoder, framing written here) and then
 * mutated: frames dropped, repeated, swapped, their type, flags, stream id or length changed, payload bytes flipped,
 * the whole input cut short. Half of the connections close their sending side at once, the others wait briefly for the
 * sidecar's answer first. {@code -Ddualmode.listener.fuzz.millis=...} sets the time per listener (default 3 s).
 */
class ListenerFuzzIntegrationTest {
    private static final long FUZZ_MILLIS = Long.getLong("dualmode.listener.fuzz.millis", 3000);
    private static final int FUZZ_THREADS = 3;
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int[] INTERESTING = {0, 1, 0x7f, 0xff, 0x3fff, 0x4000, 0xffff, 0x7fffffff, -1};

    private DisposableServer backend;
    private Sidecar sidecar;
    private SidecarHealth health;

    @BeforeEach
    void start() {
        health = new SidecarHealth();
        backend = HttpServer.create()
                .host("127.0.0.83")
                .port(0)
                .protocol(HttpProtocol.HTTP11, HttpProtocol.H2C)
                .handle((q, s) -> q.receive()
                        .aggregate()
                        .asByteArray()
                        .defaultIfEmpty(new byte[0])
                        .flatMap(b -> s.sendString(Mono.just(q.method() + " " + q.uri() + " " + b.length))
                                .then()))
                .bindNow(Duration.ofSeconds(5));
        sidecar = Sidecar.create(config(
                                List.of(
                                        listener("fuzz-h1", Protocol.HTTP, "127.0.0.1"),
                                        listener("fuzz-h2", Protocol.H2, "127.0.0.1")),
                                List.of(cluster("web", Endpoint.of("127.0.0.83", backend.port()))
                                        .build()))
                        .limits(ConfigLoader.parse(
                                        "limits: {maxHeaderBytes: 2048, maxBodyBytes: 4096, maxConcurrentStreams: 50}",
                                        "t")
                                .limits())
                        .build())
                .start();
    }

    @AfterEach
    void stop() {
        health.close();
        sidecar.close();
        backend.disposeNow(Duration.ofSeconds(5));
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void http1ListenerSurvivesRandomAndMutatedRequests() throws Exception {
        InetSocketAddress address = sidecar.listenerAddress("fuzz-h1");
        fuzz("fuzz-h1", "web", ListenerFuzzIntegrationTest::http1Input, httpSteady(address, HttpProtocol.HTTP11), 0);
        assertThat(call(address, HttpProtocol.HTTP11, "/after"))
                .as("a new connection after the fuzzing")
                .isEqualTo("200 GET /after 0");
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void h2ListenerSurvivesRandomAndMutatedFrames() throws Exception {
        InetSocketAddress address = sidecar.listenerAddress("fuzz-h2");
        fuzz("fuzz-h2", "web", ListenerFuzzIntegrationTest::h2Input, httpSteady(address, HttpProtocol.H2C), 0);
        assertThat(call(address, HttpProtocol.H2C, "/after"))
                .as("a new connection after the fuzzing")
                .isEqualTo("200 GET /after 0");
    }

    /**
     * An RPC listener detecting Dubbo and Bolt in front of a real Dubbo provider, called by a real Dubbo consumer
     * while Dubbo and Bolt frames, valid and mutated, arrive on other connections.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void rpcListenerSurvivesRandomAndMutatedFrames() throws Exception {
        String[] nics = new java.io.File("/sys/class/net").list();
        System.setProperty(
                "dubbo.network.interface.ignored",
                String.join(
                        ",",
                        java.util.Arrays.stream(nics == null ? new String[0] : nics)
                                .filter(n -> !n.equals("lo"))
                                .toList()));
        try (RpcFixture rpc = new RpcFixture()) {
            int provider = rpc.dubboProvider("fuzz-echo-provider", Echo.class, text -> "echo:" + text);
            sidecar.addListener(ListenerConfig.builder()
                    .name("fuzz-rpc")
                    .protocol(Protocol.RPC)
                    .protocols(List.of("dubbo", "bolt"))
                    .address("127.0.0.1")
                    .port(0)
                    .build());
            sidecar.clusters()
                    .put(cluster(ECHO_SERVICE, Endpoint.of("127.0.0.1", provider))
                            .build());
            InetSocketAddress address = sidecar.listenerAddress("fuzz-rpc");
            Echo echo = rpc.dubboConsumer("fuzz-echo-consumer", Echo.class, address.getPort());
            AtomicLong n = new AtomicLong();
            Steady steady = new Steady(
                    () -> {
                        String text = "steady-" + n.incrementAndGet();
                        String answer = echo.echo(text);
                        return ("echo:" + text).equals(answer) ? null : answer;
                    },
                    () -> {});
            // the consumer's one connection, which Dubbo keeps open, is all that may be left
            fuzz("fuzz-rpc", ECHO_SERVICE, ListenerFuzzIntegrationTest::rpcInput, steady, 1);
            assertThat(echo.echo("after")).isEqualTo("echo:after");
        }
    }

    /** The service of the RPC listener's test. */
    public interface Echo {
        String echo(String text);
    }

    private static final String ECHO_SERVICE = "providers:" + Echo.class.getName() + ":1.0.0:";

    /**
     * Fuzzes the listener from {@value #FUZZ_THREADS} threads while the well-behaved client calls through it, then
     * checks that nothing went wrong and nothing was left behind: {@code openAfter} connections of the well-behaved
     * client may stay open.
     */
    private void fuzz(
            String listenerName,
            String clusterName,
            Function<SplittableRandom, byte[]> inputs,
            Steady steady,
            int openAfter)
            throws Exception {
        InetSocketAddress address = sidecar.listenerAddress(listenerName);
        steady.start();
        steady.awaitCalls(5);

        AtomicLong fed = new AtomicLong();
        AtomicLong closedBySidecar = new AtomicLong();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FUZZ_MILLIS);
        ExecutorService fuzzers = Executors.newFixedThreadPool(FUZZ_THREADS);
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < FUZZ_THREADS; t++) {
            long seed = 7919L * (t + 1) + listenerName.hashCode();
            running.add(fuzzers.submit(() -> {
                SplittableRandom random = new SplittableRandom(seed);
                while (System.nanoTime() < deadline) {
                    byte[] input = inputs.apply(random);
                    fed.incrementAndGet();
                    if (send(address, input, random.nextBoolean())) {
                        closedBySidecar.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get(FUZZ_MILLIS + 60_000, TimeUnit.MILLISECONDS);
        }
        fuzzers.shutdownNow();
        steady.stop();
        System.out.println(listenerName + ": " + fed.get() + " fuzzed connections (" + closedBySidecar.get()
                + " closed by the sidecar), " + steady.ok.get() + " calls of the steady client");

        assertThat(fed.get()).as("fuzzed connections").isGreaterThan(50);
        assertThat(steady.failures).as("failures of the well-behaved client").isEmpty();
        assertThat(steady.ok.get()).as("calls of the well-behaved client").isGreaterThan(5);
        Awaitility.await("connections and requests of the fuzzing gone")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    String metrics = SidecarHealth.metrics(sidecar);
                    assertThat(SidecarHealth.value(
                                    metrics, "sidecar_downstream_cx_active", "listener=\"" + listenerName + "\""))
                            .as("open downstream connections of " + listenerName)
                            .isEqualTo(openAfter);
                    assertThat(SidecarHealth.value(
                                    metrics, "sidecar_upstream_rq_active", "cluster=\"" + clusterName + "\""))
                            .as("requests in flight to the backend")
                            .isZero();
                });
        String metrics = SidecarHealth.metrics(sidecar);
        double errors = clusterName.equals(ECHO_SERVICE)
                ? SidecarHealth.sum(metrics, "sidecar_protocol_frame_rejected_total", "protocol=\"dubbo,bolt\"")
                        + SidecarHealth.sum(
                                metrics, "sidecar_protocol_detect_unrecognised_total", "protocol=\"dubbo,bolt\"")
                : SidecarHealth.value(
                        metrics, "sidecar_downstream_protocol_error_total", "listener=\"" + listenerName + "\"");
        assertThat(errors).as("protocol errors counted on " + listenerName).isPositive();
        assertThat(health.problems()).as("leaks or unhandled errors logged").isEmpty();
    }

    /**
     * Sends {@code input} on a new connection and reads what comes back until the sidecar closes it or it is quiet for
     * a moment; {@code halfClose}: shut the sending side right after the input. Returns whether the sidecar closed it.
     */
    private static boolean send(InetSocketAddress address, byte[] input, boolean halfClose) {
        try (Socket socket = new Socket()) {
            socket.connect(address, 2_000);
            socket.setSoTimeout(halfClose ? 500 : 60);
            try {
                socket.getOutputStream().write(input);
                if (halfClose) {
                    socket.shutdownOutput();
                }
            } catch (IOException closedEarly) {
                return true;
            }
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[8192];
            int total = 0;
            while (total < 1 << 20) {
                int n = in.read(buf);
                if (n < 0) {
                    return true;
                }
                total += n;
            }
            return false;
        } catch (SocketTimeoutException quiet) {
            return false;
        } catch (IOException e) {
            return true; // reset by the sidecar
        }
    }

    // ---- HTTP/1.1 inputs ----

    private static final String[] HTTP1_SEEDS = {
        "GET /a HTTP/1.1\r\nHost: web\r\n\r\n",
        "POST /b HTTP/1.1\r\nHost: web\r\nContent-Length: 5\r\n\r\nhello",
        "POST /c HTTP/1.1\r\nHost: web\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n",
        "PUT /d HTTP/1.1\r\nHost: web\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
        "GET /e HTTP/1.1\r\nHost: web\r\n\r\nGET /f HTTP/1.1\r\nHost: web\r\nConnection: close\r\n\r\n",
        "GET /ws HTTP/1.1\r\nHost: web\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        "GET http://web/g HTTP/1.1\r\nHost: web\r\n\r\n",
        "GET /h HTTP/1.0\r\nHost: web\r\n\r\n",
        "GET /i HTTP/1.1\r\nHost: nobody\r\n\r\n",
        "DELETE /j?x=1&y=%20 HTTP/1.1\r\nHost: web\r\nX-Long: " + "v".repeat(1500) + "\r\n\r\n",
        "POST /k HTTP/1.1\r\nHost: web\r\nContent-Length: 5000\r\n\r\n" + "z".repeat(200),
    };
    private static final byte[] HTTP1_INSERTS = "\r\n:; \t\0\u00ff-0x9aAzZ".getBytes(StandardCharsets.ISO_8859_1);

    static byte[] http1Input(SplittableRandom random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int parts = 1 + random.nextInt(3);
        for (int i = 0; i < parts; i++) {
            byte[] seed = HTTP1_SEEDS[random.nextInt(HTTP1_SEEDS.length)].getBytes(StandardCharsets.ISO_8859_1);
            int choice = random.nextInt(10);
            byte[] part = choice < 2 ? seed : choice < 9 ? mutateText(seed, random) : randomBytes(random);
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] mutateText(byte[] seed, SplittableRandom random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(seed);
        byte[] bytes = out.toByteArray();
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations && bytes.length > 0; m++) {
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(6)) {
                case 0 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> bytes[at] = HTTP1_INSERTS[random.nextInt(HTTP1_INSERTS.length)];
                case 2 -> bytes = splice(bytes, at, Integer.toString(INTERESTING[random.nextInt(INTERESTING.length)]));
                case 3 -> bytes = java.util.Arrays.copyOf(bytes, at);
                case 4 -> {
                    int len = Math.min(bytes.length - at, 1 + random.nextInt(16));
                    ByteArrayOutputStream dup = new ByteArrayOutputStream();
                    dup.write(bytes, 0, at + len);
                    dup.write(bytes, at, bytes.length - at);
                    bytes = dup.toByteArray();
                }
                default -> {
                    int len = Math.min(bytes.length - at, 1 + random.nextInt(8));
                    ByteArrayOutputStream cut = new ByteArrayOutputStream();
                    cut.write(bytes, 0, at);
                    cut.write(bytes, at + len, bytes.length - at - len);
                    bytes = cut.toByteArray();
                }
            }
        }
        return bytes;
    }

    private static byte[] splice(byte[] bytes, int at, String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, at);
        out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes, at, bytes.length - at);
        return out.toByteArray();
    }

    private static byte[] randomBytes(SplittableRandom random) {
        byte[] bytes = new byte[random.nextInt(96)];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    // ---- RPC inputs ----

    private static final byte[][] RPC_SEEDS = {
        bytes(DubboBytes.call(7, Echo.class.getName(), "1.0.0", "echo")),
        bytes(DubboBytes.call(8, "no.Such", "1.0.0", "m")),
        bytes(DubboBytes.frame(DubboBytes.ONE_WAY_CALL, 0, 9, DubboBytes.body(Echo.class.getName(), "1.0.0", "echo"))),
        bytes(DubboBytes.frame(0xe2, 0, 10, Unpooled.buffer().writeByte('N'))), // heartbeat
        bytes(BoltBytes.request(Echo.class.getName() + ":1.0.0", "echo").build()),
        bytes(BoltBytes.request("a.A:1.0", "m").v2(2, 1).build()),
    };

    static byte[] rpcInput(SplittableRandom random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int parts = 1 + random.nextInt(3);
        for (int i = 0; i < parts; i++) {
            byte[] seed = RPC_SEEDS[random.nextInt(RPC_SEEDS.length)];
            int choice = random.nextInt(10);
            out.writeBytes(choice < 3 ? seed : choice < 9 ? mutateBinary(seed, random) : randomBytes(random));
        }
        return out.toByteArray();
    }

    private static byte[] mutateBinary(byte[] seed, SplittableRandom random) {
        byte[] bytes = seed.clone();
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations && bytes.length > 0; m++) {
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(4)) {
                case 0 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> bytes[at] = (byte) random.nextInt(256);
                case 2 -> {
                    int v = INTERESTING[random.nextInt(INTERESTING.length)];
                    for (int i = 0; i < 4 && at + i < bytes.length; i++) {
                        bytes[at + i] = (byte) (v >>> (24 - 8 * i));
                    }
                }
                default -> bytes = java.util.Arrays.copyOf(bytes, at);
            }
        }
        return bytes;
    }

    private static byte[] bytes(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        buf.release();
        return bytes;
    }

    // ---- HTTP/2 inputs ----

    private record H2Frame(int type, int flags, int stream, byte[] payload) {}

    static byte[] h2Input(SplittableRandom random) {
        List<H2Frame> frames = h2Frames(random);
        int mutations = random.nextInt(10) < 2 ? 0 : 1 + random.nextInt(3);
        for (int m = 0; m < mutations && !frames.isEmpty(); m++) {
            mutateFrames(frames, random);
        }
        ByteBuf out = Unpooled.buffer();
        out.writeBytes(random.nextInt(40) == 0 ? mutateText(PREFACE, random) : PREFACE);
        for (H2Frame f : frames) {
            out.writeMedium(f.payload().length)
                    .writeByte(f.type())
                    .writeByte(f.flags())
                    .writeInt(f.stream())
                    .writeBytes(f.payload());
        }
        if (random.nextInt(8) == 0) {
            out.writeBytes(randomBytes(random));
        }
        int length = random.nextInt(10) == 0 ? random.nextInt(out.readableBytes() + 1) : out.readableBytes();
        byte[] bytes = new byte[length];
        out.readBytes(bytes);
        out.release();
        return bytes;
    }

    /** A valid opening: SETTINGS, then one to three requests of various kinds, with extra frames between them. */
    private static List<H2Frame> h2Frames(SplittableRandom random) {
        DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
        List<H2Frame> frames = new ArrayList<>();
        frames.add(random.nextBoolean() ? new H2Frame(4, 0, 0, new byte[0]) : new H2Frame(4, 0, 0, settings(random)));
        int streams = 1 + random.nextInt(3);
        for (int i = 0; i < streams; i++) {
            int id = 1 + 2 * i;
            boolean body = random.nextBoolean();
            boolean grpc = random.nextInt(4) == 0;
            Http2Headers headers = new DefaultHttp2Headers()
                    .method(body ? "POST" : "GET")
                    .scheme("http")
                    .path("/s" + i + (random.nextBoolean() ? "?q=" + random.nextInt(1000) : ""))
                    .authority(random.nextInt(8) == 0 ? "nobody" : "web");
            if (grpc) {
                headers.set("content-type", "application/grpc").set("te", "trailers");
            }
            if (random.nextInt(4) == 0) {
                headers.set("x-fuzz", "v".repeat(random.nextInt(3000)));
            }
            byte[] block = hpack(encoder, id, headers);
            if (random.nextInt(4) == 0 && block.length > 2) {
                int split = 1 + random.nextInt(block.length - 1);
                frames.add(new H2Frame(1, body ? 0 : 1, id, java.util.Arrays.copyOf(block, split)));
                frames.add(new H2Frame(9, 4, id, java.util.Arrays.copyOfRange(block, split, block.length)));
            } else if (random.nextInt(6) == 0) {
                byte[] padded = new byte[1 + block.length + 4];
                padded[0] = 4;
                System.arraycopy(block, 0, padded, 1, block.length);
                frames.add(new H2Frame(1, 0x8 | 0x4 | (body ? 0 : 1), id, padded));
            } else {
                frames.add(new H2Frame(1, 0x4 | (body ? 0 : 1), id, block));
            }
            if (body) {
                int chunks = 1 + random.nextInt(3);
                for (int c = 0; c < chunks; c++) {
                    byte[] data = new byte[grpc ? 5 + random.nextInt(40) : random.nextInt(3000)];
                    if (grpc) {
                        data[4] = (byte) (data.length - 5);
                    }
                    frames.add(new H2Frame(0, c == chunks - 1 ? 1 : 0, id, data));
                }
            }
            frames.add(extraFrame(random, id));
        }
        return frames;
    }

    private static H2Frame extraFrame(SplittableRandom random, int stream) {
        return switch (random.nextInt(8)) {
            case 0 -> new H2Frame(6, 0, 0, new byte[8]); // PING
            case 1 -> new H2Frame(8, 0, random.nextBoolean() ? 0 : stream, int32(1 + random.nextInt(1 << 20)));
            case 2 -> new H2Frame(3, 0, stream, int32(random.nextInt(14))); // RST_STREAM
            case 3 -> new H2Frame(2, 0, stream, new byte[] {0, 0, 0, 0, 15}); // PRIORITY
            case 4 -> new H2Frame(7, 0, 0, new byte[8]); // GOAWAY
            case 5 -> new H2Frame(0x20 + random.nextInt(16), random.nextInt(256), stream, randomBytes(random));
            case 6 -> new H2Frame(4, 1, 0, new byte[0]); // SETTINGS ack
            default -> new H2Frame(4, 0, 0, settings(random));
        };
    }

    private static byte[] settings(SplittableRandom random) {
        ByteBuf b = Unpooled.buffer();
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            b.writeShort(1 + random.nextInt(8));
            b.writeInt(
                    random.nextBoolean() ? INTERESTING[random.nextInt(INTERESTING.length)] : random.nextInt(1 << 16));
        }
        byte[] bytes = new byte[b.readableBytes()];
        b.readBytes(bytes);
        b.release();
        return bytes;
    }

    private static void mutateFrames(List<H2Frame> frames, SplittableRandom random) {
        int at = random.nextInt(frames.size());
        H2Frame f = frames.get(at);
        switch (random.nextInt(8)) {
            case 0 -> frames.remove(at);
            case 1 -> frames.add(at, f);
            case 2 -> {
                int other = random.nextInt(frames.size());
                frames.set(at, frames.get(other));
                frames.set(other, f);
            }
            case 3 -> frames.set(at, new H2Frame(random.nextInt(12), f.flags(), f.stream(), f.payload()));
            case 4 -> frames.set(at, new H2Frame(f.type(), random.nextInt(256), f.stream(), f.payload()));
            case 5 ->
                frames.set(
                        at,
                        new H2Frame(
                                f.type(),
                                f.flags(),
                                random.nextBoolean()
                                        ? random.nextInt(8)
                                        : INTERESTING[random.nextInt(INTERESTING.length)],
                                f.payload()));
            case 6 -> frames.set(at, new H2Frame(f.type(), f.flags(), f.stream(), mutateText(f.payload(), random)));
            default -> {
                byte[] p = f.payload().clone();
                if (p.length > 0) {
                    p[random.nextInt(p.length)] ^= (byte) (1 << random.nextInt(8));
                }
                frames.set(at, new H2Frame(f.type(), f.flags(), f.stream(), p));
            }
        }
    }

    private static byte[] hpack(DefaultHttp2HeadersEncoder encoder, int stream, Http2Headers headers) {
        ByteBuf block = ByteBufAllocator.DEFAULT.heapBuffer();
        try {
            encoder.encodeHeaders(stream, headers, block);
            byte[] bytes = new byte[block.readableBytes()];
            block.readBytes(bytes);
            return bytes;
        } catch (Http2Exception e) {
            throw new IllegalStateException(e);
        } finally {
            block.release();
        }
    }

    private static byte[] int32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    // ---- the well-behaved client, the admin endpoint ----

    /** The well-behaved client of an HTTP listener: {@code GET /steady} on kept-alive connections. */
    private static Steady httpSteady(InetSocketAddress address, HttpProtocol protocol) {
        ConnectionProvider pool = ConnectionProvider.create("steady", 2);
        reactor.netty.http.client.HttpClient client = reactor.netty.http.client.HttpClient.create(pool)
                .protocol(protocol)
                .remoteAddress(() -> address)
                .headers(h -> h.set("Host", "web"))
                .responseTimeout(Duration.ofSeconds(10));
        return new Steady(
                () -> {
                    String answer = client.get()
                            .uri("/steady")
                            .responseSingle((r, b) -> b.asString()
                                    .defaultIfEmpty("")
                                    .map(s -> r.status().code() + " " + s))
                            .block(Duration.ofSeconds(15));
                    return "200 GET /steady 0".equals(answer) ? null : String.valueOf(answer);
                },
                () -> pool.disposeLater().block(Duration.ofSeconds(10)));
    }

    /** Runs one call after the other on its own thread until stopped, counting good answers and keeping failures. */
    private static final class Steady {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong ok = new AtomicLong();
        private final Queue<String> failures = new ConcurrentLinkedQueue<>();
        private final java.util.concurrent.Callable<String> call;
        private final Runnable close;
        private final Thread thread;

        /** {@code call}: null for a good answer, else what was wrong; {@code close}: closes the client's connections. */
        Steady(java.util.concurrent.Callable<String> call, Runnable close) {
            this.call = call;
            this.close = close;
            thread = new Thread(this::run, "steady-client");
        }

        void start() {
            thread.start();
        }

        private void run() {
            while (!stop.get()) {
                try {
                    String wrong = call.call();
                    if (wrong == null) {
                        ok.incrementAndGet();
                    } else {
                        failures.add(wrong);
                    }
                } catch (Exception e) {
                    failures.add(e.toString());
                }
            }
        }

        void awaitCalls(long n) {
            Awaitility.await("the steady client's first calls")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> ok.get() >= n || !failures.isEmpty());
        }

        void stop() throws InterruptedException {
            stop.set(true);
            thread.join(30_000);
            close.run();
        }
    }

    private static String call(InetSocketAddress address, HttpProtocol protocol, String path) {
        ConnectionProvider pool = ConnectionProvider.create("once", 1);
        try {
            return reactor.netty.http.client.HttpClient.create(pool)
                    .protocol(protocol)
                    .remoteAddress(() -> address)
                    .headers(h -> h.set("Host", "web"))
                    .get()
                    .uri(path)
                    .responseSingle((r, b) ->
                            b.asString().defaultIfEmpty("").map(s -> r.status().code() + " " + s))
                    .block(Duration.ofSeconds(15));
        } finally {
            pool.disposeLater().block(Duration.ofSeconds(10));
        }
    }
}
