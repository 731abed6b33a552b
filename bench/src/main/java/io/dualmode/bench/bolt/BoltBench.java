package io.dualmode.bench.bolt;

import com.alipay.remoting.BizContext;
import com.alipay.remoting.InvokeCallback;
import com.alipay.remoting.config.Configs;
import com.alipay.remoting.rpc.RpcClient;
import com.alipay.remoting.rpc.RpcServer;
import com.alipay.remoting.rpc.protocol.SyncUserProcessor;
import io.dualmode.bench.rpc.RpcLoad;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;

/**
 * A Bolt echo backend and a closed-loop and an open-loop (fixed-rate) Bolt load generator on the real SOFA Bolt
 * remoting ({@code com.alipay.sofa:bolt}, the one SOFARPC 5.13 uses), for {@code bench/sidecar-bolt-bench.sh}. Every
 * client thread shares the one connection Bolt keeps per address, as SOFARPC does.
 *
 * <pre>
 *   BoltBench server PORT                                  # echo byte[] requests until killed
 *   BoltBench client HOST:PORT THREADS WARMUP_S MEASURE_S   # prints: RESULT requests rps p50_us p99_us errors
 *   BoltBench rate HOST:PORT[,...] RPS WARMUP_S MEASURE_S   # prints: RESULT requests rps p50_us p99_us errors
 *                                                          #         p999_us max_us lag_p50_us lag_max_us
 *                                                          #         (a line per address, interleaved)
 * </pre>
 *
 * <p>The loops and their output: {@link RpcLoad}.
 */
public final class BoltBench {

    private BoltBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("server")) {
            server(Integer.parseInt(args[1]));
        } else if (args.length == 5 && args[0].equals("client")) {
            client(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
        } else if (args.length == 5 && args[0].equals("rate")) {
            rate(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
        } else {
            System.err.println("usage: BoltBench server PORT | client HOST:PORT THREADS WARMUP_S MEASURE_S"
                    + " | rate HOST:PORT[,HOST:PORT...] RPS WARMUP_S MEASURE_S");
            System.exit(2);
        }
    }

    private static void server(int port) throws InterruptedException {
        RpcServer server = new RpcServer("127.0.0.1", port, false);
        server.registerUserProcessor(new SyncUserProcessor<byte[]>() {
            @Override
            public Object handleRequest(BizContext context, byte[] request) {
                return request;
            }

            @Override
            public String interest() {
                return byte[].class.getName();
            }
        });
        server.startup(); // throws when it cannot listen
        System.out.println("ready " + port);
        new CountDownLatch(1).await();
    }

    private static void client(String address, int threads, int warmupSeconds, int measureSeconds)
            throws InterruptedException {
        RpcClient client = new RpcClient();
        client.startup();
        String result = RpcLoad.closedLoop(
                payload -> (byte[]) client.invokeSync(address, payload, RpcLoad.TIMEOUT_MS),
                "bolt-bench",
                threads,
                warmupSeconds,
                measureSeconds);
        client.shutdown();
        System.out.println(result);
    }

    /**
     * {@link RpcLoad#openLoop} with Bolt's callback API over one or more comma-separated addresses (paths run together,
     * their calls interleaved), the callback run on Bolt's own thread (no hand-off).
     */
    private static void rate(String addresses, int rps, int warmupSeconds, int measureSeconds)
            throws InterruptedException {
        // Bolt refuses a call outright ("maybe write overflow") while the connection's outbound buffer is above its
        // high watermark, 64 KiB by default: 64 calls. After a stall the pacing thread sends all the late calls at
        // once, and refusing them would drop exactly the slowest calls from the latencies: let them queue instead
        // (16 MiB, over 3 s of calls at 5000/s). Bolt reads these when the client starts.
        System.setProperty(Configs.NETTY_BUFFER_LOW_WATERMARK, Integer.toString(8 << 20));
        System.setProperty(Configs.NETTY_BUFFER_HIGH_WATERMARK, Integer.toString(16 << 20));
        RpcClient client = new RpcClient();
        client.startup();
        List<RpcLoad.AsyncCall> calls = new ArrayList<>();
        for (String address : addresses.split(",")) {
            calls.add(payload -> callback(client, address, payload));
        }
        String result = RpcLoad.openLoop(calls, rps, warmupSeconds, measureSeconds);
        client.shutdown();
        System.out.println(result);
    }

    private static CompletableFuture<byte[]> callback(RpcClient client, String address, byte[] payload) {
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        try {
            client.invokeWithCallback(
                    address,
                    payload,
                    new InvokeCallback() {
                        @Override
                        public void onResponse(Object result) {
                            if (result instanceof byte[] bytes) {
                                reply.complete(bytes);
                            } else {
                                reply.completeExceptionally(new IllegalStateException("a reply of " + result));
                            }
                        }

                        @Override
                        public void onException(Throwable e) {
                            reply.completeExceptionally(e);
                        }

                        @Override
                        public Executor getExecutor() {
                            return null;
                        }
                    },
                    RpcLoad.TIMEOUT_MS);
        } catch (Exception e) {
            reply.completeExceptionally(e);
        }
        return reply;
    }
}
