package io.dualmode.bench.push;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * Opens {@code --connections} simulated sidecars on a running platform's push stream; each subscribes to the shared
 * service {@code bench-all} and to one of {@code --services} own services. Then times {@code --writes} rule writes
 * to {@code bench-all} from the start of the PUT to the moment the last sidecar held (and ACKed) the new version,
 * one write to a single service ({@code bench-svc-0}, only its subscribers concerned), and one write to a service
 * nobody subscribes to, which must push nothing. Prints {@code [bench]} lines.
 */
@Command(name = "push-bench", mixinStandardHelpOptions = true)
public final class PushBench implements Callable<Integer> {

    @Option(names = "--platform", defaultValue = "http://127.0.0.1:18080")
    String platform;

    @Option(names = "--admin-password", required = true)
    String adminPassword;

    @Option(names = "--connections", defaultValue = "2000")
    int connections;

    @Option(names = "--services", defaultValue = "100")
    int services;

    @Option(names = "--writes", defaultValue = "20")
    int writes;

    private final java.net.http.HttpClient rest = java.net.http.HttpClient.newHttpClient();
    private String adminToken;

    public static void main(String[] args) {
        System.exit(new CommandLine(new PushBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        adminToken = field(
                post("/api/v1/auth/login", "{\"username\":\"admin\",\"password\":\"" + adminPassword + "\"}", null),
                "token");
        String sidecarToken = field(post("/api/v1/sidecar-tokens", "{\"name\":\"bench\"}", adminToken), "token");
        LoopResources loops = LoopResources.create("push-bench", 2, true);
        HttpClient http = HttpClient.create(ConnectionProvider.newConnection())
                .runOn(loops)
                .headers(h -> h.set("Authorization", "Bearer " + sidecarToken));
        String ws = platform.replaceFirst("^http", "ws") + "/api/v1/push";
        List<FakeSidecar> sidecars = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            sidecars.add(new FakeSidecar(i, List.of("bench-all", "bench-svc-" + (i % services))));
        }
        long t0 = System.nanoTime();
        // each stream stays open until the end, so every one is subscribed on its own (no concurrency cap)
        for (FakeSidecar s : sidecars) {
            s.connect(http, ws).subscribe(null, e -> System.err.println("connection failed: " + e));
        }
        await(() -> sidecars.stream().allMatch(FakeSidecar::ready), Duration.ofMinutes(3));
        System.out.printf(
                "[bench] connected %d sidecars in %d ms%n", connections, (System.nanoTime() - t0) / 1_000_000);

        long[] ackAll = new long[writes];
        for (int w = 0; w < writes; w++) {
            long version = put("bench-all", w + 1);
            long start = System.nanoTime() - putNanos;
            String key = "timeout-retry/bench-all@" + version;
            await(() -> FakeSidecar.ACKED.getOrDefault(key, Map.of()).size() == connections, Duration.ofMinutes(1));
            long last = FakeSidecar.ACKED.get(key).values().stream()
                    .mapToLong(Long::longValue)
                    .max()
                    .orElseThrow();
            ackAll[w] = (last - start) / 1_000;
        }
        Arrays.sort(ackAll);
        System.out.printf(
                "[bench] write->ACK by all %d sidecars over %d writes: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                connections, writes, pct(ackAll, 50), pct(ackAll, 99), ackAll[writes - 1] / 1000.0);

        long before = FakeSidecar.RESPONSES.get();
        long v = put("bench-svc-0", 1);
        String key = "timeout-retry/bench-svc-0@" + v;
        int expected = (connections + services - 1) / services;
        await(() -> FakeSidecar.ACKED.getOrDefault(key, Map.of()).size() == expected, Duration.ofMinutes(1));
        Thread.sleep(1000); // let any stray push arrive before counting; this is a measurement, not a synchronisation
        System.out.printf(
                "[bench] write to bench-svc-0: %d responses pushed (subscribers: %d of %d)%n",
                FakeSidecar.RESPONSES.get() - before, expected, connections);

        before = FakeSidecar.RESPONSES.get();
        put("bench-unrelated", 1);
        Thread.sleep(2000); // as above: a window in which an unrelated push would have arrived
        System.out.printf(
                "[bench] write to bench-unrelated (no subscriber): %d responses pushed%n",
                FakeSidecar.RESPONSES.get() - before);
        loops.disposeLater().block(Duration.ofSeconds(10));
        return 0;
    }

    private long putNanos;

    private long put(String service, int timeout) throws Exception {
        String path = "/api/v1/rules/timeout-retry/" + service;
        HttpResponse<String> current = rest.send(
                HttpRequest.newBuilder(URI.create(platform + path))
                        .header("Authorization", "Bearer " + adminToken)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(platform + path))
                .header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"requestTimeoutMillis\": " + (1000 + timeout) + "}"));
        if (current.statusCode() == 200) {
            req.header("If-Match", "\"" + field(current.body(), "version") + "\"");
        }
        long start = System.nanoTime();
        HttpResponse<String> res = rest.send(req.build(), HttpResponse.BodyHandlers.ofString());
        putNanos = System.nanoTime() - start;
        if (res.statusCode() != 200) {
            throw new IllegalStateException("PUT " + path + " -> " + res.statusCode() + " " + res.body());
        }
        return Long.parseLong(field(res.body(), "version"));
    }

    private String post(String path, String body, String token) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(platform + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> res = rest.send(req.build(), HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST " + path + " -> " + res.statusCode() + " " + res.body());
        }
        return res.body();
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"?([^\",}]+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return m.group(1);
    }

    private static double pct(long[] sortedMicros, int p) {
        int i = (int) Math.ceil(p / 100.0 * sortedMicros.length) - 1;
        return sortedMicros[Math.max(0, i)] / 1000.0;
    }

    private static void await(java.util.function.BooleanSupplier done, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + max);
            }
            Thread.sleep(5);
        }
    }
}
