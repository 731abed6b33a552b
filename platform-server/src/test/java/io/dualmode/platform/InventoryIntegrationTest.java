package io.dualmode.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.pojo.Instance;
import io.dualmode.registry.RegistryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class InventoryIntegrationTest extends PlatformTestBase {

    @Autowired
    RegistryServer registry;

    @Test
    void instancesRegisteredByARealNacosClientAppearWithTheirMode() throws Exception {
        Path cache = Files.createTempDirectory("dualmode-nacos-cache");
        Properties p = new Properties();
        p.setProperty(PropertyKeyConst.SERVER_ADDR, registry.address());
        p.setProperty("namingLoadCacheAtStart", "false");
        p.setProperty("JM.SNAPSHOT.PATH", cache.toString());
        NamingService naming = NacosFactory.createNamingService(p);
        try {
            // One nacos-client connection holds one registration per service (Nacos 2.x), so both go in one batch.
            naming.batchRegisterInstance(
                    "inventory-orders", "DEFAULT_GROUP", List.of(instance(20880, "mesh"), instance(20881, "sdk")));
            Api viewer = admin();

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(orders(viewer))
                    .extracting(i -> i.get("port"), i -> i.get("mode"))
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple(20880, "mesh"),
                            org.assertj.core.groups.Tuple.tuple(20881, "sdk")));
            assertThat(viewer.getList("/api/v1/inventory/services?mode=mesh"))
                    .filteredOn(s -> s.get("name").equals("inventory-orders"))
                    .singleElement()
                    .satisfies(s -> assertThat(s.get("meshInstances")).isEqualTo(1));
        } finally {
            naming.shutDown();
            RunningPlatform.deleteTree(cache);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> orders(Api api) {
        return api.getList("/api/v1/inventory/services").stream()
                .filter(s -> s.get("name").equals("inventory-orders"))
                .flatMap(s -> ((List<Map<String, Object>>) s.get("instances")).stream())
                .toList();
    }

    private static Instance instance(int port, String mode) {
        Instance instance = new Instance();
        instance.setIp("127.0.0.1");
        instance.setPort(port);
        instance.setMetadata(Map.of("dualmode.mode", mode, "dualmode.protocol", "dubbo"));
        return instance;
    }
}
