package io.dualmode.sidecar.it;

import static io.dualmode.sidecar.it.SidecarFixture.cluster;
import static io.dualmode.sidecar.it.SidecarFixture.config;
import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.remoting.AsyncContext;
import com.alipay.remoting.BizContext;
import com.alipay.remoting.ConnectionEventType;
import com.alipay.remoting.rpc.RpcClient;
import com.alipay.remoting.rpc.RpcResponseFuture;
import com.alipay.remoting.rpc.RpcServer;
import com.alipay.remoting.rpc.protocol.AsyncUserProcessor;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.cluster.Endpoint;
import io.dualmode.sidecar.config.ListenerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
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
    private final List<AsyncContext> held = new ArrayList<>();
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

    private int heldCount() {
        synchronized (held) {
            return held.size();
        }
    }

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
                        held.add(ctx);
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
