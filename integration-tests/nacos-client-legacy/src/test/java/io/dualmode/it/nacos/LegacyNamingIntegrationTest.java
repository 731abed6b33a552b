package io.dualmode.it.nacos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.nacos.api.exception.NacosException;
import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.pojo.Instance;
import io.dualmode.it.support.ChildJvm;
import io.dualmode.it.support.LocalNetwork;
import io.dualmode.it.support.Tokens;
import io.dualmode.registry.RegistryServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Naming with nacos-client 2.0.3: every call here is the unmodified client talking to the registry over gRPC. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
final class LegacyNamingIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration RECONNECT = Duration.ofSeconds(40);
    private static final String GROUP = "it-group";

    private static RegistryServer registry;
    private final List<NamingService> clients = new ArrayList<>();

    @BeforeAll
    static void startSharedRegistry() {
        registry = startRegistry(0);
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @AfterEach
    void shutDownClients() throws NacosException {
        for (NamingService client : clients) {
            client.shutDown();
        }
    }

    @Test
    void registeredInstanceIsQueriedWithEveryFieldAndGoneAfterDeregistration() throws Exception {
        String service = Tokens.fresh("it-svc");
        NamingService provider = client();
        NamingService reader = client();
        int port = LocalNetwork.freePort();

        provider.registerInstance(service, GROUP, LegacyClients.instance("127.0.0.1", port, Map.of("k", "v")));

        await().atMost(WAIT).until(() -> reader.getAllInstances(service, GROUP, false), list -> list.size() == 1);
        Instance found = reader.getAllInstances(service, GROUP, false).get(0);
        assertThat(found.getIp()).isEqualTo("127.0.0.1");
        assertThat(found.getPort()).isEqualTo(port);
        assertThat(found.getWeight()).isEqualTo(2.0);
        assertThat(found.getMetadata()).containsEntry("k", "v");
        assertThat(found.getClusterName()).isEqualTo("DEFAULT");
        assertThat(found.getServiceName()).isEqualTo(GROUP + "@@" + service);
        assertThat(found.getInstanceId()).isEqualTo("127.0.0.1#" + port + "#DEFAULT#" + GROUP + "@@" + service);
        assertThat(found.isHealthy()).isTrue();
        assertThat(found.isEnabled()).isTrue();
        assertThat(found.isEphemeral()).isTrue();
        assertThat(reader.selectInstances(service, GROUP, true))
                .extracting(Instance::getPort)
                .containsExactly(port);
        assertThat(reader.getServicesOfServer(1, 100, GROUP).getData()).contains(service);
        assertThat(reader.getAllInstances(service, "other-group", false)).isEmpty();

        provider.deregisterInstance(service, GROUP, "127.0.0.1", port);

        await().atMost(WAIT).until(() -> reader.getAllInstances(service, GROUP, false), List::isEmpty);
    }

    @Test
    void subscriberIsPushedEveryChange() throws Exception {
        String service = Tokens.fresh("it-svc");
        NamingService first = client();
        NamingService second = client();
        NamingService subscriber = client();
        RecordingListener listener = new RecordingListener();
        int port1 = LocalNetwork.freePort();
        int port2 = port1 + 1;

        subscriber.subscribe(service, GROUP, listener);
        first.registerInstance(service, GROUP, LegacyClients.instance("127.0.0.1", port1, Map.of()));
        await().atMost(WAIT).until(listener::ports, Set.of(port1)::equals);

        second.registerInstance(service, GROUP, LegacyClients.instance("127.0.0.1", port2, Map.of()));
        await().atMost(WAIT).until(listener::ports, Set.of(port1, port2)::equals);

        first.deregisterInstance(service, GROUP, "127.0.0.1", port1);
        await().atMost(WAIT).until(listener::ports, Set.of(port2)::equals);

        second.deregisterInstance(service, GROUP, "127.0.0.1", port2);
        await().atMost(WAIT).until(listener::ports, Set::isEmpty);
    }

    @Test
    void shutDownClientsEphemeralInstanceIsRemovedAndPushed() throws Exception {
        String service = Tokens.fresh("it-svc");
        NamingService leaving = client();
        NamingService subscriber = client();
        RecordingListener listener = new RecordingListener();
        int port = LocalNetwork.freePort();
        subscriber.subscribe(service, listener);
        leaving.registerInstance(service, LegacyClients.instance("127.0.0.1", port, Map.of()));
        await().atMost(WAIT).until(listener::ports, Set.of(port)::equals);

        // No deregistration: closing the connection alone must remove the instance.
        clients.remove(leaving);
        leaving.shutDown();

        await().atMost(WAIT).until(listener::ports, Set::isEmpty);
        assertThat(subscriber.getAllInstances(service, false)).isEmpty();
    }

    @Test
    void killedClientsEphemeralInstanceIsRemovedAndPushed(@TempDir Path home) throws Exception {
        String service = Tokens.fresh("it-svc");
        NamingService subscriber = client();
        RecordingListener listener = new RecordingListener();
        int port = LocalNetwork.freePort();
        subscriber.subscribe(service, listener);

        try (ChildJvm child = ChildJvm.builder("nacos-203-client", LegacyClientMain.class.getName())
                .userHome(home)
                .args(registry.address(), service, Integer.toString(port))
                .start()) {
            assertThat(child.awaitReady(Duration.ofSeconds(40))).isEqualTo("UP");
            await().atMost(WAIT).until(listener::ports, Set.of(port)::equals);

            child.kill();

            await().atMost(WAIT).until(listener::ports, Set::isEmpty);
        }
    }

    @Test
    void persistentInstanceOutlivesItsClientUntilDeregistered() throws Exception {
        String service = Tokens.fresh("it-persistent");
        NamingService owner = client();
        NamingService reader = client();
        int port = LocalNetwork.freePort();
        Instance persistent = LegacyClients.instance("127.0.0.1", port, Map.of("kind", "persistent"));
        persistent.setEphemeral(false);

        String marker = Tokens.fresh("it-marker");
        owner.registerInstance(service, GROUP, persistent);
        owner.registerInstance(marker, GROUP, LegacyClients.instance("127.0.0.1", port, Map.of()));
        await().atMost(WAIT).until(() -> reader.getAllInstances(service, GROUP, false), list -> list.size() == 1);
        await().atMost(WAIT).until(() -> reader.getAllInstances(marker, GROUP, false), list -> list.size() == 1);
        clients.remove(owner);
        owner.shutDown();
        // The ephemeral marker going proves the registry has handled the closed connection.
        await().atMost(WAIT).until(() -> reader.getAllInstances(marker, GROUP, false), List::isEmpty);

        Instance found = reader.getAllInstances(service, GROUP, false).get(0);
        assertThat(found.isEphemeral()).isFalse();
        assertThat(found.getMetadata()).containsEntry("kind", "persistent");

        reader.deregisterInstance(service, GROUP, persistent);
        await().atMost(WAIT).until(() -> reader.getAllInstances(service, GROUP, false), List::isEmpty);
    }

    @Test
    void clientsRegisterAndSubscribeAgainOnTheirOwnAfterARegistryRestart() throws Exception {
        String service = Tokens.fresh("it-restart");
        int port1 = LocalNetwork.freePort();
        int port2 = port1 + 1;
        RegistryServer first = startRegistry(0);
        RegistryServer second = null;
        try {
            NamingService provider = client(first);
            NamingService subscriber = client(first);
            RecordingListener listener = new RecordingListener();
            subscriber.subscribe(service, listener);
            provider.registerInstance(service, LegacyClients.instance("127.0.0.1", port1, Map.of()));
            await().atMost(WAIT).until(listener::ports, Set.of(port1)::equals);

            // In-memory registry: the restarted one knows nothing until the clients come back by themselves.
            first.close();
            second = startRegistry(first.port());
            NamingService reader = client(second);
            await().atMost(RECONNECT).until(() -> reader.getAllInstances(service, false), list -> list.size() == 1);

            // A change on the new server reaches the old subscriber: it subscribed again.
            reader.registerInstance(service, LegacyClients.instance("127.0.0.1", port2, Map.of()));
            await().atMost(RECONNECT).until(listener::ports, Set.of(port1, port2)::equals);
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    private static RegistryServer startRegistry(int port) {
        return RegistryServer.builder()
                .host(LocalNetwork.LOOPBACK)
                .port(port)
                .build()
                .start();
    }

    private NamingService client() throws NacosException {
        return client(registry);
    }

    private NamingService client(RegistryServer server) throws NacosException {
        NamingService client = LegacyClients.naming(server.address());
        clients.add(client);
        await().atMost(WAIT).until(client::getServerStatus, "UP"::equals);
        return client;
    }
}
