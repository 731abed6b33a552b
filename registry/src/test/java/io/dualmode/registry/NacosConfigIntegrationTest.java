package io.dualmode.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.config.listener.AbstractListener;
import io.dualmode.registry.config.ConfigKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The config store against the real nacos-client: publish, get, CAS, listen and push, remove, restart. */
@Timeout(60)
class NacosConfigIntegrationTest {

    @TempDir
    Path dataDir;

    private RegistryServer registry;
    private final List<ConfigService> clients = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        registry = RegistryServer.builder()
                .host("127.0.0.1")
                .port(0)
                .dataDir(dataDir)
                .build()
                .start();
    }

    @AfterEach
    void stop() throws Exception {
        for (ConfigService c : clients) {
            c.shutDown();
        }
        registry.close();
    }

    private ConfigService client() throws Exception {
        ConfigService config = NacosClients.config(registry.address());
        clients.add(config);
        return config;
    }

    @Test
    void publishGetAndCompareAndSet() throws Exception {
        ConfigService config = client();
        assertThat(config.getConfig("app.yaml", "g", 3000)).isNull();
        assertThat(config.publishConfig("app.yaml", "g", "a=b")).isTrue();
        assertThat(config.getConfig("app.yaml", "g", 3000)).isEqualTo("a=b");

        String md5 = io.dualmode.registry.config.ConfigService.md5Hex("a=b".getBytes());
        assertThat(md5).isEqualTo("7acaac15494e6820b1ed6d8b539af089");
        assertThat(config.publishConfigCas("app.yaml", "g", "a=c", "not-the-md5"))
                .isFalse();
        assertThat(config.getConfig("app.yaml", "g", 3000)).isEqualTo("a=b");
        assertThat(config.publishConfigCas("app.yaml", "g", "a=c", md5)).isTrue();
        assertThat(config.getConfig("app.yaml", "g", 3000)).isEqualTo("a=c");

        assertThat(config.publishConfigCas("absent", "mapping", "app1", "0")).isTrue();
        assertThat(config.getConfig("absent", "mapping", 3000)).isEqualTo("app1");
    }

    @Test
    void listenersArePushedChangesAndRemovals() throws Exception {
        ConfigService writer = client();
        ConfigService reader = client();
        List<String> seen = new CopyOnWriteArrayList<>();
        reader.addListener("feature.flags", "g", new AbstractListener() {
            @Override
            public void receiveConfigInfo(String configInfo) {
                seen.add(configInfo == null ? "<null>" : configInfo);
            }
        });
        writer.publishConfig("feature.flags", "g", "on");
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("on"));
        writer.publishConfig("feature.flags", "g", "off");
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("off"));
        writer.removeConfig("feature.flags", "g");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> seen.get(seen.size() - 1).equals("<null>")
                        || seen.get(seen.size() - 1).isEmpty());
    }

    @Test
    void configSurvivesRestart() throws Exception {
        ConfigService config = client();
        config.publishConfig("durable", "g", "kept");
        int port = registry.port();
        registry.close();
        registry = RegistryServer.builder()
                .host("127.0.0.1")
                .port(port)
                .dataDir(dataDir)
                .build()
                .start();
        assertThat(registry.config().get(new ConfigKey("", "g", "durable")).content())
                .isEqualTo("kept");
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> "kept"
                .equals(config.getConfig("durable", "g", 3000)));
    }
}
