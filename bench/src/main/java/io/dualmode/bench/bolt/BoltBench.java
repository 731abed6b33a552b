package io.dualmode.bench.bolt;

import com.alipay.remoting.BizContext;
import com.alipay.remoting.rpc.RpcClient;
import com.alipay.remoting.rpc.RpcServer;
import com.alipay.remoting.rpc.protocol.SyncUserProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * A Bolt echo backend and a closed-loop Bolt load generator on the real SOFA Bolt remoting ({@code com.alipay.sofa:bolt},
 * the one SOFARPC 5.13 uses), for {@code bench/sidecar-bolt-bench.sh}. Every client thread shares the one connection
 * Bolt keeps per address, as SOFARPC does.
 *
 * <pre>
 *   BoltBench server PORT                                  # echo byte[] requests until killed
 *   BoltBench client HOST:PORT THREADS WARMUP_S MEASURE_S   # prints: RESULT requests rps p50_us p99_us errors
 * </pre>
 */
public final class BoltBench {

    private static final int PAYLOAD = 1024;
    private static final int TIMEOUT_MS = 5000;

    private BoltBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("server")) {
            server(Integer.parseInt(args[1]));
        } else if (args.length == 5 && args[0].equals("client")) {
            client(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
        } else {
            System.err.println("usage: BoltBench server PORT | client HOST:PORT THREADS WARMUP_S MEASURE_S");
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
        byte[] payload = new byte[PAYLOAD];
        AtomicLong errors = new AtomicLong();
        long warmEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
        long end = warmEnd + measureSeconds * 1_000_000_000L;
        List<Histogram> histograms = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Histogram h = new Histogram(60_000_000_000L, 3);
            histograms.add(h);
            Thread worker =
                    new Thread(() -> loop(client, address, payload, warmEnd, end, h, errors), "bolt-bench-" + t);
            workers.add(worker);
            worker.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        client.shutdown();
        Histogram all = new Histogram(60_000_000_000L, 3);
        histograms.forEach(all::add);
        System.out.printf(
                "RESULT %d %.0f %.1f %.1f %d%n",
                all.getTotalCount(),
                all.getTotalCount() / (double) measureSeconds,
                all.getValueAtPercentile(50) / 1000.0,
                all.getValueAtPercentile(99) / 1000.0,
                errors.get());
    }

    private static void loop(
            RpcClient client, String address, byte[] payload, long warmEnd, long end, Histogram h, AtomicLong errors) {
        for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
            try {
                byte[] reply = (byte[]) client.invokeSync(address, payload, TIMEOUT_MS);
                long done = System.nanoTime();
                if (reply.length != payload.length) {
                    errors.incrementAndGet();
                } else if (now >= warmEnd && done <= end) {
                    h.recordValue(done - now);
                }
            } catch (Exception e) {
                errors.incrementAndGet();
            }
        }
    }
}
