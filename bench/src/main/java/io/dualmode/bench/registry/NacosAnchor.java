package io.dualmode.bench.registry;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.exception.NacosException;
import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.listener.NamingEvent;
import com.alibaba.nacos.api.naming.pojo.Instance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Real nacos-client {@link NamingService}s subscribed next to the lightweight clients, so the same changes are timed to
 * a real listener callback: the anchor showing the lightweight figure is not flattering.
 */
final class NacosAnchor implements AutoCloseable {

    private final String serverAddr;
    private final Layout layout;
    private final ChangeTracker tracker;
    private final Path snapshots;
    private final List<NamingService> clients = new ArrayList<>();

    NacosAnchor(String serverAddr, Layout layout, ChangeTracker tracker, Path snapshots) {
        this.serverAddr = serverAddr;
        this.layout = layout;
        this.tracker = tracker;
        this.snapshots = snapshots;
    }

    /** Starts every client and subscribes it, a few at a time. */
    void start() {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<NamingService>> started = new ArrayList<>();
            for (int n = 0; n < layout.nacosSubscribers(); n++) {
                int index = n;
                started.add(CompletableFuture.supplyAsync(() -> startClient(index), pool));
            }
            for (CompletableFuture<NamingService> f : started) {
                NamingService naming = f.join();
                if (naming != null) {
                    synchronized (clients) {
                        clients.add(naming);
                    }
                }
            }
        } finally {
            pool.shutdown();
        }
    }

    /** How many clients started and subscribed. */
    int started() {
        synchronized (clients) {
            return clients.size();
        }
    }

    /** A started and subscribed client, or null when it failed three times (its pushes then count as missing). */
    private NamingService startClient(int index) {
        for (int attempt = 1; ; attempt++) {
            try {
                return tryStartClient(index);
            } catch (NacosException | RuntimeException e) {
                if (attempt == 3) {
                    System.err.println("[bench] nacos-client " + index + " did not start: " + e);
                    return null;
                }
            }
        }
    }

    private NamingService tryStartClient(int index) throws NacosException {
        Properties p = new Properties();
        p.setProperty(PropertyKeyConst.SERVER_ADDR, serverAddr);
        p.setProperty("namingLoadCacheAtStart", "false");
        p.setProperty("JM.SNAPSHOT.PATH", snapshots.resolve("client-" + index).toString());
        NamingService naming = NacosFactory.createNamingService(p);
        try {
            Map<Integer, Integer> credited = new ConcurrentHashMap<>();
            for (int service : layout.nacosSubscriptionsOf(index)) {
                naming.subscribe(Layout.serviceName(service), event -> {
                    long now = System.nanoTime();
                    if (event instanceof NamingEvent e) {
                        tracker.observed(
                                ChangeTracker.Kind.NACOS, credited, service, changerVersion(e.getInstances()), now);
                    }
                });
            }
            return naming;
        } catch (NacosException | RuntimeException e) {
            naming.shutDown();
            throw e;
        }
    }

    private static int changerVersion(List<Instance> instances) {
        for (Instance i : instances) {
            if (Layout.CHANGER_IP.equals(i.getIp())) {
                return Integer.parseInt(i.getMetadata().getOrDefault("v", "-1"));
            }
        }
        return -1;
    }

    @Override
    public void close() {
        synchronized (clients) {
            for (NamingService naming : clients) {
                try {
                    naming.shutDown();
                } catch (NacosException | RuntimeException ignored) {
                    // shutting down anyway
                }
            }
        }
    }
}
