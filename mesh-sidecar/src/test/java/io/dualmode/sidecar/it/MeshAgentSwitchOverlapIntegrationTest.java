package io.dualmode.sidecar.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.listener.NamingEvent;
import com.alibaba.nacos.api.naming.pojo.Instance;
import io.dualmode.registry.RegistryServer;
import io.dualmode.sidecar.Mode;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.agent.MeshAgent;
import io.dualmode.sidecar.agent.SidecarDataPlane;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A mode switch is make-before-break: a real nacos-client subscribed through the agent is pushed the union of the old
 * and the new addresses first, both of which serve calls, and the new list alone once the overlap is over; a switch
 * back during the overlap replaces the pending push and leaves no union or stale list behind.
 */
@Timeout(90)
class MeshAgentSwitchOverlapIntegrationTest {

    private static final Duration OVERLAP = Duration.ofMillis(1500);

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<Pushed> pushes = new CopyOnWriteArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private RegistryServer registry;
    private Backend provider;
    private Sidecar sidecar;
    private MeshAgent agent;
    private String real;

    /** One list pushed to the application, as sorted {@code ip:port}s, and when. */
    private record Pushed(Set<String> addresses, long atNanos) {}

    @BeforeEach
    void start() throws Exception {
        registry = RegistryServer.builder().host("127.0.0.1").port(0).build().start();
        provider = new Backend("provider", "127.0.0.2");
        real = provider.host() + ":" + provider.port();
        NamingService providerApp = naming(registry.address());
        Instance self = new Instance();
        self.setIp(provider.host());
        self.setPort(provider.port());
        self.setMetadata(Map.of("dualmode.protocol", "http"));
        providerApp.registerInstance("orders", self);

        sidecar = Sidecar.create(SidecarFixture.config(List.of(), List.of()).build(), Mode.MESH)
                .start();
        closeables.add(sidecar);
        agent = MeshAgent.builder(registry.address(), new SidecarDataPlane(sidecar, "127.0.0.3"), sidecar.mode())
                .localPort(0)
                .switchOverlap(OVERLAP)
                .build()
                .start();
        closeables.add(agent);

        NamingService consumerApp = naming(agent.localAddress());
        consumerApp.subscribe("orders", e -> {
            Set<String> set = new TreeSet<>();
            ((NamingEvent) e).getInstances().forEach(i -> set.add(i.getIp() + ":" + i.getPort()));
            pushes.add(new Pushed(set, System.nanoTime()));
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> !pushes.isEmpty() && latest().size() == 1);
        assertThat(latest()).doesNotContain(real);
    }

    private NamingService naming(String serverAddr) throws Exception {
        return SidecarFixture.naming(serverAddr, closeables);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        provider.close();
        registry.close();
    }

    private Set<String> latest() {
        return pushes.get(pushes.size() - 1).addresses();
    }

    private void callsSucceedThrough(Set<String> addresses) throws Exception {
        for (String a : addresses) {
            HttpResponse<String> res = http.send(
                    HttpRequest.newBuilder(URI.create("http://" + a + "/orders/1"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).as(a + ": " + res.body()).isEqualTo(200);
            assertThat(res.body()).contains(" GET /orders/1");
        }
    }

    @Test
    void aSwitchPushesTheUnionFirstAndTheNewListAloneAfterTheOverlap() throws Exception {
        String egress = latest().iterator().next();
        int before = pushes.size();
        long switched = System.nanoTime();
        sidecar.mode().set(Mode.SDK);

        await().atMost(Duration.ofSeconds(10)).until(() -> latest().equals(Set.of(real)));
        List<Pushed> after = pushes.subList(before, pushes.size());
        // The union came first, with the egress the application is connected to still in it …
        assertThat(after.get(0).addresses()).containsExactlyInAnyOrder(egress, real);
        // … and the new list alone only once the overlap was over.
        Pushed last = after.get(after.size() - 1);
        assertThat(Duration.ofNanos(last.atNanos() - switched)).isGreaterThanOrEqualTo(OVERLAP.minusMillis(200));
        assertThat(after).extracting(Pushed::addresses).containsExactly(Set.of(egress, real), Set.of(real));
        assertThat(agent.switchOverlapping()).isFalse();
        callsSucceedThrough(Set.of(real));

        // And back to mesh: the union again, both paths serving during the overlap, then the egress alone.
        int back = pushes.size();
        sidecar.mode().set(Mode.MESH);
        await().atMost(Duration.ofSeconds(10)).until(() -> pushes.size() > back);
        assertThat(latest()).containsExactlyInAnyOrder(egress, real);
        assertThat(agent.switchOverlapping()).isTrue();
        callsSucceedThrough(latest());
        await().atMost(Duration.ofSeconds(10)).until(() -> latest().equals(Set.of(egress)));
        callsSucceedThrough(Set.of(egress));
    }

    @Test
    void aSwitchBackDuringTheOverlapReplacesThePendingPushAndLeavesNoUnion() throws Exception {
        String egress = latest().iterator().next();
        int before = pushes.size();
        sidecar.mode().set(Mode.SDK);
        await().atMost(Duration.ofSeconds(10)).until(() -> latest().equals(Set.of(egress, real)));
        assertThat(agent.switchOverlapping()).isTrue();

        long switchedBack = System.nanoTime();
        sidecar.mode().set(Mode.MESH);
        await().atMost(Duration.ofSeconds(10)).until(() -> latest().equals(Set.of(egress)));
        Pushed last = pushes.get(pushes.size() - 1);
        // The first switch's pending "real list alone" was cancelled: the application never lost the egress, and the
        // egress alone came one overlap after the switch back.
        assertThat(pushes.subList(before, pushes.size()))
                .extracting(Pushed::addresses)
                .allSatisfy(a -> assertThat(a).contains(egress));
        assertThat(Duration.ofNanos(last.atNanos() - switchedBack)).isGreaterThanOrEqualTo(OVERLAP.minusMillis(200));

        // Nothing stale follows: well after both overlaps, the application still holds the egress alone.
        int settled = pushes.size();
        Thread.sleep(OVERLAP.multipliedBy(2).toMillis());
        assertThat(pushes.size()).isEqualTo(settled);
        assertThat(latest()).containsExactly(egress);
        assertThat(agent.switchOverlapping()).isFalse();
        callsSucceedThrough(Set.of(egress));
    }

    @Test
    void aProviderSwitchPublishesBothAddressesFirstAndTheNewOneAloneAfterTheOverlap() throws Exception {
        Backend billing = new Backend("billing", "127.0.0.2");
        closeables.add(billing::close);
        NamingService providerApp = naming(agent.localAddress());
        Instance self = new Instance();
        self.setIp(billing.host());
        self.setPort(billing.port());
        self.setMetadata(Map.of("dualmode.protocol", "http"));
        providerApp.registerInstance("billing", self);
        String own = billing.host() + ":" + billing.port();
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream("billing").size() == 1);
        String ingress = upstream("billing").keySet().iterator().next();
        assertThat(ingress).isNotEqualTo(own);

        long switched = System.nanoTime();
        sidecar.mode().set(Mode.SDK);
        // Both are published during the overlap, each with its own mode …
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream("billing").size() == 2);
        assertThat(upstream("billing")).containsEntry(ingress, "mesh").containsEntry(own, "sdk");
        callsSucceedThrough(Set.of(ingress, own));
        // … the application's own address alone once it is over.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> upstream("billing").keySet().equals(Set.of(own)));
        assertThat(Duration.ofNanos(System.nanoTime() - switched)).isGreaterThanOrEqualTo(OVERLAP.minusMillis(200));
        assertThat(agent.published().values())
                .allSatisfy(list -> assertThat(list).hasSize(1));
    }

    /** The registry's instances of {@code service}, {@code ip:port} to {@code dualmode.mode}. */
    private Map<String, String> upstream(String service) {
        Map<String, String> out = new java.util.TreeMap<>();
        registry.naming()
                .instances(new io.dualmode.registry.naming.ServiceKey(null, null, service))
                .forEach(i -> out.put(i.ip() + ":" + i.port(), i.metadata().get("dualmode.mode")));
        return out;
    }
}
