package io.dualmode.sidecar.it;

import static io.dualmode.sidecar.it.SidecarFixture.cluster;
import static io.dualmode.sidecar.it.SidecarFixture.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.cluster.Endpoint;
import io.dualmode.sidecar.config.ListenerConfig;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.apache.dubbo.rpc.RpcContext;
import org.apache.dubbo.rpc.RpcException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A real Dubbo 3.3 consumer calling a real Dubbo provider through a {@code DUBBO} listener, all on 127.0.0.1. */
@Timeout(120)
class DubboRpcProxyIntegrationTest {
    private static final String SERVICE = "providers:" + Echo.class.getName() + ":1.0.0:";
    private final RpcFixture rpc = new RpcFixture();
    private final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    private java.time.Duration requestTimeout = java.time.Duration.ofSeconds(15);
    private Sidecar sidecar;

    /** The service called through the sidecar. */
    public interface Echo {
        String echo(String text);
    }

    @BeforeAll
    static void loopbackOnly() {
        String[] nics = new File("/sys/class/net").list();
        String ignored = Arrays.stream(nics == null ? new String[0] : nics)
                .filter(n -> !n.equals("lo"))
                .collect(Collectors.joining(","));
        System.setProperty("dubbo.network.interface.ignored", ignored);
    }

    @AfterEach
    void stop() {
        release.countDown();
        rpc.close();
        if (sidecar != null) {
            sidecar.close();
        }
    }

    @Test
    void concurrentCallsReachTheProviderThroughTheSidecar() throws Exception {
        int port = startProvider();
        Echo echo = consumer(startSidecar(Endpoint.of("127.0.0.1", port)));
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<String>> calls = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                String text = "call-" + i;
                calls.add(CompletableFuture.supplyAsync(() -> echo.echo(text), callers));
            }
            for (int i = 0; i < calls.size(); i++) {
                assertThat(calls.get(i).get()).startsWith("echo:call-" + i + " from 127.0.0.1:");
            }
        } finally {
            callers.shutdownNow();
        }
        String big = "b".repeat(3 * 1024 * 1024);
        assertThat(echo.echo(big)).startsWith("echo:" + big);
    }

    @Test
    void noProviderIsAnRpcExceptionWithTheSidecarsMessage() {
        Echo echo = consumer(startSidecar());
        assertThatThrownBy(() -> echo.echo("x"))
                .isInstanceOf(RpcException.class)
                .hasMessageContaining("no healthy upstream");
    }

    @Test
    void aCallTheProviderDoesNotAnswerWithinTheClusterTimeoutIsADubboTimeoutAndTheConnectionStaysUsable()
            throws Exception {
        requestTimeout = java.time.Duration.ofMillis(500);
        int port = rpc.dubboProvider("dm-slow-provider", Echo.class, this::answer);
        Echo echo = consumer(startSidecar(Endpoint.of("127.0.0.1", port)));

        // the consumer's own timeout is 20 s: the sidecar's timeout reply is what ends the call, with its message
        assertThatThrownBy(() -> echo.echo("slow"))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.isTimeout())
                        .as("a Dubbo timeout: %s", e)
                        .isTrue())
                .hasMessageContaining("dualmode sidecar: no response from 127.0.0.1:" + port + " within the timeout");
        release.countDown();
        assertThat(echo.echo("after")).startsWith("echo:after from 127.0.0.1:");
    }

    private String answer(String text) {
        if (text.equals("slow")) {
            try {
                release.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("provider thread interrupted", e);
            }
        }
        return "echo:" + text + " from " + RpcContext.getServiceContext().getRemoteAddressString();
    }

    private int startSidecar(Endpoint... provider) {
        ListenerConfig dubbo = ListenerConfig.builder()
                .name("egress-dubbo")
                .protocol(ListenerConfig.Protocol.DUBBO)
                .address("127.0.0.1")
                .port(0)
                .build();
        sidecar = Sidecar.create(config(
                                List.of(dubbo),
                                List.of(cluster(SERVICE, provider)
                                        .requestTimeout(requestTimeout)
                                        .build()))
                        .build())
                .start();
        return sidecar.listenerAddress("egress-dubbo").getPort();
    }

    private int startProvider() throws IOException {
        return rpc.dubboProvider(
                "dm-echo-provider",
                Echo.class,
                text -> "echo:" + text + " from "
                        + RpcContext.getServiceContext().getRemoteAddressString());
    }

    private Echo consumer(int sidecarPort) {
        return rpc.dubboConsumer("dm-echo-consumer", Echo.class, sidecarPort);
    }
}
