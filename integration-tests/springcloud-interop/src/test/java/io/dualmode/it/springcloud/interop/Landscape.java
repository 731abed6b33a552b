package io.dualmode.it.springcloud.interop;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.exception.NacosException;
import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.pojo.Instance;
import io.dualmode.it.support.LocalNetwork;
import io.dualmode.registry.RegistryServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * What a suite runs: the registry (in the test JVM), sidecars and example applications; closes them all, newest
 * first. Also a nacos-client of its own to read what the registry holds.
 */
final class Landscape implements AutoCloseable {

    static final Duration START = Duration.ofSeconds(120);

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Path home;
    final RegistryServer registry;
    private final NamingService observer;

    Landscape(Path home) throws NacosException {
        this.home = home;
        this.registry = RegistryServer.builder()
                .host(LocalNetwork.LOOPBACK)
                .port(0)
                .build()
                .start();
        Properties p = new Properties();
        p.setProperty(PropertyKeyConst.SERVER_ADDR, registry.address());
        p.setProperty(PropertyKeyConst.NAMING_LOAD_CACHE_AT_START, "false");
        this.observer = NacosFactory.createNamingService(p);
    }

    /** A sidecar with its ingress on {@code ingressHost}, started in {@code mode}. */
    TestSidecar sidecar(String name, String ingressHost, io.dualmode.sidecar.Mode mode) {
        TestSidecar s = new TestSidecar(name, ingressHost, registry.address()).start(mode);
        closeables.add(s);
        return s;
    }

    /** Starts the example {@code example} as {@code name} on {@code host} (not yet waited for). */
    ExampleApp app(String name, String example, String host, List<String> properties) {
        List<String> all = new ArrayList<>(List.of("--dualmode.registry.address=" + registry.address()));
        all.addAll(properties);
        ExampleApp app = ExampleApp.start(name, ExampleApp.jar(example), host, home.resolve(name), all);
        closeables.add(app);
        return app;
    }

    /** Waits for every app to start, all at once. */
    static void awaitStarted(ExampleApp... apps) {
        CompletableFuture.allOf(Stream.of(apps)
                        .map(a -> CompletableFuture.runAsync(() -> a.awaitStarted(START)))
                        .toArray(CompletableFuture[]::new))
                .join();
    }

    /** The instances the registry holds for {@code service}. */
    List<Instance> registered(String service) throws NacosException {
        return observer.getAllInstances(service, false);
    }

    /** Stops the registry (the failure case); it stays closed. */
    void stopRegistry() {
        registry.close();
    }

    static List<String> concat(List<String> a, String... b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(List.of(b));
        return out;
    }

    @Override
    public void close() throws Exception {
        try {
            io.dualmode.it.support.Teardown.closeAll(closeables);
        } catch (Exception e) {
            // the observer and the registry are closed all the same
        }
        observer.shutDown();
        registry.close();
    }
}
