package io.dualmode.sidecar.it;

import static io.dualmode.sidecar.it.SidecarFixture.cluster;
import static io.dualmode.sidecar.it.SidecarFixture.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alipay.remoting.AsyncContext;
import com.alipay.remoting.BizContext;
import com.alipay.remoting.ConnectionEventType;
import com.alipay.remoting.rpc.RpcClient;
import com.alipay.remoting.rpc.RpcResponseFuture;
import com.alipay.remoting.rpc.RpcServer;
import com.alipay.remoting.rpc.exception.InvokeTimeoutException;
import com.alipay.remoting.rpc.protocol.AsyncUserProcessor;
import io.dualmode.governance.rule.RuleKind;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.cluster.Endpoint;
import io.dualmode.sidecar.config.ListenerConfig;
import io.dualmode.sidecar.internal.metrics.SidecarMetrics.ClusterMetrics;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A real Bolt client calling a real Bolt server through a {@code BOLT} listener on loopback. */
@Timeout(120)
class BoltRpcProxyIntegrationTest {
    private final ScheduledExecutorService latency = Executors.newScheduledThreadPool(2);
    private final AtomicInteger upstreamConnections = new AtomicInteger();
    private final List<Held> held = new ArrayList<>();
    private final RpcFixture rpc = new RpcFixture();
    private final List<com.alipay.remoting.Connection> connections =
            java.util.Collections.synchronizedList(new ArrayList<>());
    private RpcServer server;
    private RpcClient client;
    private Sidecar sidecar;

    @AfterEach
    void stop() {
        if (client != null) {
            client.shutdown();
        }
        if (sidecar != null) {
            sidecar.close();
        }
        if (server != null) {
            server.shutdown();
        }
        latency.shutdownNow();
        rpc.close();
    }

    @Test
    void concurrentCallsShareOneUpstreamConnectionAndGetTheirOwnResponses() throws Exception {
        startServer(false);
        String address = startSidecar(Endpoint.of("127.0.0.1", server.port()));
        int calls = 10_000;
        List<RpcResponseFuture> futures = new ArrayList<>(calls);
        int window = 1_000; // the Bolt client refuses to queue more than its write buffer holds
        for (int start = 0; start < calls; start += window) {
            for (int i = start; i < start + window; i++) {
                futures.add(client.invokeWithFuture(address, "call-" + i, 60_000));
            }
            for (int i = start; i < start + window; i++) {
                assertThat(futures.get(i).get(60_000)).isEqualTo("echo:call-" + i);
            }
        }
        assertThat(upstreamConnections.get()).isBetween(1, 2);
    }

    @Test
    void largePayloadsAreForwardedWhole() throws Exception {
        startServer(false);
        String address = startSidecar(Endpoint.of("127.0.0.1", server.port()));
        String big = "p".repeat(4 * 1024 * 1024);
        assertThat(client.invokeSync(address, big, 30_000)).isEqualTo("echo:" + big);
    }

    @Test
    void noUpstreamIsAProtocolErrorReply() throws Exception {
        String address = startSidecar();
        // the reply is SOFARPC's error response (a SofaResponse carrying the message), which plain Bolt hands over as
        // the result
        assertThat(String.valueOf(client.invokeSync(address, "x", 10_000))).contains("no healthy upstream");
    }

    @Test
    void upstreamLossFailsTheCallsInFlight() throws Exception {
        startServer(true);
        String address = startSidecar(Endpoint.of("127.0.0.1", server.port()));
        List<RpcResponseFuture> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            futures.add(client.invokeWithFuture(address, "held-" + i, 60_000));
        }
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(20))
                .until(() -> heldCount() == 20);
        connections.forEach(com.alipay.remoting.Connection::close);
        for (RpcResponseFuture f : futures) {
            assertThat(String.valueOf(f.get(20_000))).contains("closed before the response");
        }
    }

    @Test
    void aCallTheServerDoesNotAnswerWithinTheRuleTimeoutIsABoltTimeoutAndItsLateResponseReachesNobody()
            throws Exception {
        startServer(true);
        String address = startSidecar(Endpoint.of("127.0.0.1", server.port()));
        rpc.apply(sidecar, RuleKind.TIMEOUT_RETRY, "echo", "{\"requestTimeoutMillis\": 500}");

        // the client's own timeout is 20 s: the sidecar's TIMEOUT status is what ends the call
        long start = System.nanoTime();
        assertThatThrownBy(() -> client.invokeSync(address, "late", 20_000))
                .isInstanceOf(InvokeTimeoutException.class)
                .hasMessageContaining("responseCommand TIMEOUT");
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofMillis(450), Duration.ofSeconds(10));
        assertThat(metrics().timeout.count()).isEqualTo(1);
        assertThat(metrics().rqActive.get())
                .as("the timed-out call is no longer pending")
                .isZero();
        assertThat(heldCount()).isEqualTo(1);
        assertThat(held(0).clientTimeout())
                .as("the server is told the rule's 500 ms, not the client's 20 s")
                .isBetween(1, 500);

        // the next call, on the same connections, is in flight when the late answer comes: it gets its own
        rpc.apply(sidecar, RuleKind.TIMEOUT_RETRY, "echo", "{\"requestTimeoutMillis\": 20000}");
        RpcResponseFuture next = client.invokeWithFuture(address, "next", 20_000);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> heldCount() == 2);
        assertThat(held(0).request()).isEqualTo("late");
        held(0).ctx().sendResponse("echo:late");
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> metrics().lateResponse.count() == 1);
        assertThat(next.isDone()).as("the late answer went to nobody").isFalse();
        held(1).ctx().sendResponse("echo:" + held(1).request());
        assertThat(next.get(20_000)).isEqualTo("echo:next");
        assertThat(metrics().rqActive.get()).isZero();
        assertThat(upstreamConnections.get())
                .as("the timeout closed no connection")
                .isBetween(1, 2);
    }

    @Test
    void theTimeoutInTheBoltHeaderBoundsTheCallAndTheServerIsToldWhatIsLeftOfIt() throws Exception {
        startServer(true);
        startSidecar(Endpoint.of("127.0.0.1", server.port()));
        InetSocketAddress egress = sidecar.listenerAddress("egress-bolt");

        // a raw Bolt call (no client-side timer) with 300 ms in its header; the cluster's request timeout is 15 s
        try (Socket socket = new Socket(egress.getAddress(), egress.getPort())) {
            socket.setSoTimeout(10_000);
            long start = System.nanoTime();
            writeStringCall(socket, 41, 300, "raw");
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] fixed = new byte[20];
            in.readFully(fixed);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            java.nio.ByteBuffer reply = java.nio.ByteBuffer.wrap(fixed);
            assertThat(reply.get(1)).as("a response").isZero();
            assertThat(reply.getInt(5)).as("the caller's request id").isEqualTo(41);
            assertThat(reply.getShort(10)).as("Bolt's TIMEOUT status").isEqualTo((short) 0x07);
            assertThat(took).isBetween(Duration.ofMillis(250), Duration.ofSeconds(5));
        }
        assertThat(heldCount()).isEqualTo(1);
        assertThat(held(0).request()).isEqualTo("raw");
        assertThat(held(0).clientTimeout())
                .as("the server sees what is left of 300 ms")
                .isBetween(1, 300);
        assertThat(metrics().timeout.count()).isEqualTo(1);
        assertThat(metrics().rqActive.get()).isZero();
    }

    /**
     * Writes a Bolt v1 request as the Bolt client frames {@code invokeSync(address, text, timeout)}: class {@code
     * java.lang.String}, no header, the text as a Hessian 2 compact string (under 32 ASCII characters).
     */
    private static void writeStringCall(Socket socket, int id, int timeoutMillis, String text) throws IOException {
        byte[] clazz = String.class.getName().getBytes(StandardCharsets.US_ASCII);
        byte[] content = new byte[text.length() + 1];
        content[0] = (byte) text.length();
        System.arraycopy(text.getBytes(StandardCharsets.US_ASCII), 0, content, 1, text.length());
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeByte(1); // proto v1
        out.writeByte(1); // request
        out.writeShort(1); // RPC request
        out.writeByte(1); // ver2
        out.writeInt(id);
        out.writeByte(1); // hessian2
        out.writeInt(timeoutMillis);
        out.writeShort(clazz.length);
        out.writeShort(0);
        out.writeInt(content.length);
        out.write(clazz);
        out.write(content);
        out.flush();
    }

    private ClusterMetrics metrics() {
        return sidecar.clusters().cluster("echo").metrics();
    }

    private Held held(int i) {
        synchronized (held) {
            return held.get(i);
        }
    }

    private int heldCount() {
        synchronized (held) {
            return held.size();
        }
    }

    /** A request the server keeps unanswered, with the timeout its header carried when it arrived. */
    private record Held(String request, int clientTimeout, AsyncContext ctx) {}

    private void startServer(boolean hold) throws IOException {
        server = new RpcServer("127.0.0.1", RpcFixture.freePort(), false);
        server.addConnectionEventProcessor(ConnectionEventType.CONNECT, (remote, conn) -> {
            upstreamConnections.incrementAndGet();
            connections.add(conn);
        });
        server.registerUserProcessor(new AsyncUserProcessor<String>() {
            @Override
            public void handleRequest(BizContext biz, AsyncContext ctx, String request) {
                if (hold) {
                    synchronized (held) {
                        held.add(new Held(request, biz.getClientTimeout(), ctx));
                    }
                    return;
                }
                latency.schedule(
                        () -> ctx.sendResponse("echo:" + request),
                        ThreadLocalRandom.current().nextInt(20),
                        TimeUnit.MILLISECONDS);
            }

            @Override
            public String interest() {
                return String.class.getName();
            }
        });
        server.startup();
    }

    private String startSidecar(Endpoint... upstream) {
        ListenerConfig bolt = ListenerConfig.builder()
                .name("egress-bolt")
                .protocol(ListenerConfig.Protocol.BOLT)
                .port(0)
                .cluster("echo")
                .build();
        sidecar = Sidecar.create(
                        config(List.of(bolt), List.of(cluster("echo", upstream).build()))
                                .build())
                .start();
        client = new RpcClient();
        client.startup();
        InetSocketAddress a = sidecar.listenerAddress("egress-bolt");
        return "127.0.0.1:" + a.getPort();
    }
}
