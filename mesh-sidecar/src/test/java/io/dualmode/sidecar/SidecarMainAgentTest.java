package io.dualmode.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.naming.NamingService;
import io.dualmode.registry.RegistryServer;
import io.dualmode.registry.naming.ServiceKey;
import io.dualmode.sidecar.agent.MeshAgent;
import io.dualmode.sidecar.config.ConfigLoader;
import io.dualmode.sidecar.config.SidecarConfig;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The command line's {@code --registry} starts the agent: an instance registered through it shows in the registry. */
@Timeout(60)
class SidecarMainAgentTest {

    @Test
    void registryFlagStartsTheAgentAndNoFlagLeavesItOff() throws Exception {
        try (RegistryServer registry =
                RegistryServer.builder().host("127.0.0.1").port(0).build().start()) {
            SidecarConfig cfg = ConfigLoader.parse("admin: {address: 127.0.0.1, port: -1}", "test");
            Sidecar sidecar = Sidecar.create(cfg, Mode.SDK).start();
            SidecarMain main = new SidecarMain();
            main.ingressAddress = "127.0.0.4";
            main.registryLocalPort = 0;
            assertThat(main.startAgent(sidecar, cfg)).isNull();

            // nacos-client fills static caches (its service loader's) on a JVM's first client without locking, and
            // the agent creates its own upstream client on a background thread as it starts: this test's client,
            // created at that moment, once found a half-filled cache ("No server list provider found"). One client
            // created and dropped first fills them.
            Properties warm = new Properties();
            warm.setProperty(PropertyKeyConst.SERVER_ADDR, registry.address());
            warm.setProperty("JM.SNAPSHOT.PATH", System.getProperty("java.io.tmpdir") + "/dm-" + System.nanoTime());
            NacosFactory.createNamingService(warm).shutDown();

            main.registry = registry.address();
            MeshAgent agent = main.startAgent(sidecar, cfg);
            Properties p = new Properties();
            p.setProperty(PropertyKeyConst.SERVER_ADDR, agent.localAddress());
            // the app through the agent waits for the agent's own upstream call: 3 s (the default) is short on a loaded
            // CI machine
            p.setProperty("namingRequestTimeout", "10000");
            p.setProperty("JM.SNAPSHOT.PATH", System.getProperty("java.io.tmpdir") + "/dm-" + System.nanoTime());
            NamingService app = NacosFactory.createNamingService(p);
            try {
                app.registerInstance("billing", "127.0.0.4", 8080);
                Awaitility.await()
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> registry.naming()
                                        .instances(new ServiceKey(null, null, "billing"))
                                        .size()
                                == 1);
                assertThat(registry.naming().instances(new ServiceKey(null, null, "billing")))
                        .extracting(i -> i.metadata().get("dualmode.mode"))
                        .isEqualTo(List.of("sdk"));
            } finally {
                app.shutDown();
                agent.close();
                sidecar.close();
            }
        }
    }
}
