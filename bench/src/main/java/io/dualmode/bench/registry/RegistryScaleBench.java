package io.dualmode.bench.registry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The registry scale benchmark: against a running registry, registers the instances through provider connections
 * (phase 1), connects and subscribes the subscribers, measures the registry's memory, then applies changes at a steady
 * rate and times each to every subscriber's push callback (phase 2). See {@code bench/registry-bench.sh}.
 */
@Command(
        name = "registry-scale-bench",
        mixinStandardHelpOptions = true,
        description = "Registration throughput and change-to-push latency of a Nacos-protocol registry.")
public final class RegistryScaleBench implements Callable<Integer> {

    @Option(names = "--registry", required = true, description = "The registry's serverAddr, host:port (HTTP).")
    String registry;

    @Option(names = "--registry-pid", description = "The registry's process id, for its CPU time, heap and RSS.")
    Long registryPid;

    @Option(names = "--services", defaultValue = "5000", description = "Services (default ${DEFAULT-VALUE}).")
    int services;

    @Option(names = "--instances", defaultValue = "50000", description = "Instances (default ${DEFAULT-VALUE}).")
    int instances;

    @Option(
            names = "--providers",
            defaultValue = "100",
            description = "Connections registering the instances (default ${DEFAULT-VALUE}).")
    int providers;

    @Option(
            names = "--window",
            defaultValue = "2",
            description = "Registrations in flight per provider connection (default ${DEFAULT-VALUE}).")
    int window;

    @Option(
            names = "--subscribers",
            defaultValue = "1000",
            description = "Lightweight subscribing connections (default ${DEFAULT-VALUE}).")
    int subscribers;

    @Option(
            names = "--subscriptions",
            defaultValue = "10",
            description = "Hot services each subscriber follows, besides the broadcast one (default ${DEFAULT-VALUE}).")
    int subscriptions;

    @Option(
            names = "--hot-services",
            defaultValue = "100",
            description = "Services the subscriptions and changes spread over (default ${DEFAULT-VALUE}).")
    int hotServices;

    @Option(
            names = "--nacos-subscribers",
            defaultValue = "20",
            description = "Real nacos-client NamingService subscribers (default ${DEFAULT-VALUE}).")
    int nacosSubscribers;

    @Option(
            names = "--metadata-bytes",
            defaultValue = "512",
            description = "Padding in every instance's metadata (default ${DEFAULT-VALUE}).")
    int metadataBytes;

    @Option(
            names = "--change-rate",
            defaultValue = "20",
            description = "Changes per second (default ${DEFAULT-VALUE}).")
    double changeRate;

    @Option(
            names = "--warmup-changes",
            defaultValue = "200",
            description = "Changes applied before measuring (default ${DEFAULT-VALUE}).")
    int warmupChanges;

    @Option(names = "--changes", defaultValue = "600", description = "Changes measured (default ${DEFAULT-VALUE}).")
    int changes;

    @Option(
            names = "--broadcast-every",
            defaultValue = "20",
            description = "Every n-th change goes to the service all subscribers follow (default ${DEFAULT-VALUE}).")
    int broadcastEvery;

    @Option(
            names = "--drain-seconds",
            defaultValue = "10",
            description = "How long to wait for the last pushes (default ${DEFAULT-VALUE}).")
    int drainSeconds;

    @Option(
            names = "--client-threads",
            defaultValue = "2",
            description = "Event loop threads shared by all lightweight clients (default ${DEFAULT-VALUE}).")
    int clientThreads;

    @Option(
            names = "--connect-parallelism",
            defaultValue = "64",
            description = "Handshakes in flight while connecting (default ${DEFAULT-VALUE}).")
    int connectParallelism;

    @Option(names = "--out", description = "Also write the results as key=value lines to this file.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Results results = run();
        results.print(System.out);
        if (out != null) {
            results.write(out);
        }
        return 0;
    }

    /** Runs every phase and returns the figures. */
    Results run() throws Exception {
        Layout layout = new Layout(
                services,
                instances,
                providers,
                subscribers,
                subscriptions,
                hotServices,
                nacosSubscribers,
                metadataBytes);
        Results results = new Results();
        ProcessProbe probe = registryPid == null ? null : new ProcessProbe(registryPid);
        ProcessProbe self = new ProcessProbe(ProcessHandle.current().pid());
        results.put("setup.cpus", Runtime.getRuntime().availableProcessors());
        String host = registry.substring(0, registry.lastIndexOf(':'));
        int grpcPort = Integer.parseInt(registry.substring(registry.lastIndexOf(':') + 1)) + 1000;
        ChangeTracker tracker = new ChangeTracker(services);
        Path snapshots = Files.createTempDirectory("dualmode-bench-nacos");
        try (ClientGroup group = new ClientGroup(host, grpcPort, clientThreads);
                NacosAnchor anchor = new NacosAnchor(registry, layout, tracker, snapshots)) {
            results.put("setup.instances", instances).put("setup.services", services);
            results.put("setup.providers", providers).put("setup.subscribers", subscribers);
            results.put("setup.nacos_subscribers", nacosSubscribers);
            List<LightClient> providerClients = group.connect(providers, connectParallelism, (c, s, t) -> {});
            LightClient changer = group.connect(1, 1, (c, s, t) -> {}).get(0);
            log("phase 1: registering " + instances + " instances of " + services + " services");
            Contention contention = new Contention(probe, self);
            new RegistrationPhase(providerClients, layout, window).run(results, probe);
            contention.report(results, "phase1");
            log("phase 1: " + Results.format(results.get("phase1.registrations_per_s")) + " registrations/s");
            PushPhase push = new PushPhase(layout, tracker);
            log("phase 2: connecting " + subscribers + " subscribers and " + nacosSubscribers + " nacos-clients");
            push.subscribe(group, connectParallelism, results);
            anchor.start();
            results.put("phase2.nacos_subscribers_started", anchor.started());
            scrape(results, "after_load");
            memory(results, probe, "after_load");
            log("phase 2: " + (warmupChanges + changes) + " changes at " + changeRate + "/s");
            contention = new Contention(probe, self);
            push.change(
                    changer,
                    new PushPhase.Pacing(changeRate, warmupChanges, changes, broadcastEvery, drainSeconds),
                    results,
                    probe);
            contention.report(results, "phase2");
            scrape(results, "end");
            if (probe != null) {
                results.put("memory.end.rss_mb", probe.statusKb("VmRSS") / 1024.0);
                results.put("memory.peak_rss_mb", probe.statusKb("VmHWM") / 1024.0);
            }
        }
        return results;
    }

    private static void memory(Results results, ProcessProbe probe, String when) throws Exception {
        if (probe == null) {
            return;
        }
        long[] before = probe.heapKb(false);
        results.put("memory." + when + ".heap_used_mb", before[0] / 1024.0);
        long[] live = probe.heapKb(true);
        results.put("memory." + when + ".heap_live_mb", live[0] / 1024.0);
        results.put("memory." + when + ".heap_committed_mb", live[1] / 1024.0);
        results.put("memory." + when + ".rss_mb", probe.statusKb("VmRSS") / 1024.0);
        Thread.sleep(1000);
    }

    /** A few of the registry's own gauges and counters from its Prometheus endpoint. */
    private void scrape(Results results, String when) throws IOException, InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String text = http.send(
                        HttpRequest.newBuilder(URI.create("http://" + registry + "/metrics"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        for (String name : List.of(
                "registry_instances",
                "registry_services",
                "registry_connections",
                "registry_subscribers",
                "registry_push_total{kind=\"naming\",result=\"success\"",
                "registry_push_total{kind=\"naming\",result=\"retry\"",
                "registry_push_total{kind=\"naming\",result=\"failure\"")) {
            double sum = 0;
            for (String line : text.split("\n")) {
                if (line.startsWith(name) && " {,}".indexOf(line.charAt(name.length())) >= 0) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            String key = name.replaceAll("\\{kind=\"naming\",result=\"(\\w+)\"", "_$1");
            results.put("registry." + when + "." + key, sum);
        }
    }

    private static void log(String message) {
        System.err.println("[bench " + LocalTime.now().withNano(0) + "] " + message);
    }

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "dualmode-bench-logback.xml");
        }
        System.exit(new CommandLine(new RegistryScaleBench()).execute(args));
    }
}
