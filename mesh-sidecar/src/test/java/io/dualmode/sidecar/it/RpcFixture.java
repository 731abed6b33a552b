package io.dualmode.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dualmode.governance.push.Resource;
import io.dualmode.governance.push.ResourceKey;
import io.dualmode.governance.rule.RuleKind;
import io.dualmode.governance.validation.GovernanceJson;
import io.dualmode.sidecar.Sidecar;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.model.FrameworkModel;

/**
 * Scaffolding shared by the Dubbo and Bolt proxy and governance tests: real Dubbo applications (each in a framework
 * model of its own, so they never share state), free loopback ports for the frameworks that cannot bind port 0, and
 * governance rules applied to a sidecar. {@link #close()} destroys every application it started.
 */
final class RpcFixture implements AutoCloseable {
    /** Ports {@link #freePort()} has handed out in this JVM. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final List<DubboBootstrap> bootstraps = new ArrayList<>();
    private final List<FrameworkModel> models = new ArrayList<>();
    private long version;

    /** A Dubbo application without registry, destroyed by {@link #close()}. */
    DubboBootstrap dubbo(String application) {
        FrameworkModel model = new FrameworkModel();
        models.add(model);
        ApplicationConfig app = new ApplicationConfig(application);
        app.setQosEnable(false);
        DubboBootstrap b = DubboBootstrap.newInstance(model).application(app).registry(new RegistryConfig("N/A"));
        bootstraps.add(b);
        return b;
    }

    /** Exports {@code ref} as {@code type} version 1.0.0 over dubbo on 127.0.0.1 at a free port; returns the port. */
    <T> int dubboProvider(String application, Class<T> type, T ref) throws IOException {
        int port = freePort();
        ProtocolConfig protocol = new ProtocolConfig("dubbo", port);
        protocol.setHost("127.0.0.1");
        ServiceConfig<T> service = new ServiceConfig<>();
        service.setInterface(type);
        service.setVersion("1.0.0");
        service.setRef(ref);
        dubbo(application).protocol(protocol).service(service).start();
        return port;
    }

    /** A consumer of {@code type} 1.0.0 dialling the sidecar listener at {@code sidecarPort}, without Dubbo retries. */
    <T> T dubboConsumer(String application, Class<T> type, int sidecarPort) {
        ReferenceConfig<T> reference = new ReferenceConfig<>();
        reference.setInterface(type);
        reference.setVersion("1.0.0");
        reference.setUrl("dubbo://127.0.0.1:" + sidecarPort);
        reference.setTimeout(20_000);
        reference.setCheck(false);
        reference.setRetries(0);
        dubbo(application).reference(reference).start();
        return reference.get();
    }

    /** Applies one rule of {@code kind} for {@code service} to the sidecar, which must accept it. */
    void apply(Sidecar sidecar, RuleKind kind, String service, String json) {
        try {
            JsonNode body = GovernanceJson.mapper().readTree(json);
            Resource rule = new Resource(new ResourceKey(kind, service), ++version, body);
            assertThat(sidecar.governance().apply(List.of(rule), List.of())).isNull();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * A TCP port free on 127.0.0.1 right now, for servers that cannot be told to bind port 0 (Dubbo, SOFABolt): below
     * the kernel's ephemeral range (32768 and up), so no outgoing connection is given it as its local port before the
     * test binds it (a port the kernel hands out from port 0 is in that range; seen taken so under load), and never
     * handed out twice in this JVM.
     */
    static int freePort() throws IOException {
        for (int i = 0; i < 500; i++) {
            int port = 20_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(11_000);
            if (HANDED_OUT.contains(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port in 20000..30999 on loopback");
    }

    @Override
    public void close() {
        bootstraps.forEach(DubboBootstrap::destroy);
        models.forEach(FrameworkModel::destroy);
        bootstraps.clear();
        models.clear();
    }
}
