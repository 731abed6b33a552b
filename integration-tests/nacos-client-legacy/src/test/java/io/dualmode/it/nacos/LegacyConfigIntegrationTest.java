package io.dualmode.it.nacos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.config.listener.AbstractListener;
import com.alibaba.nacos.api.exception.NacosException;
import io.dualmode.it.support.LocalNetwork;
import io.dualmode.it.support.Tokens;
import io.dualmode.registry.RegistryServer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Config key-value with nacos-client 2.0.3: publish, read, CAS and listen, between two separate clients. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
final class LegacyConfigIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String GROUP = "it-group";
    private static final long READ_TIMEOUT_MS = 5000;

    private static RegistryServer registry;
    private final List<ConfigService> clients = new ArrayList<>();

    @BeforeAll
    static void startRegistry() {
        registry = RegistryServer.builder()
                .host(LocalNetwork.LOOPBACK)
                .port(0)
                .build()
                .start();
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @AfterEach
    void shutDownClients() throws NacosException {
        for (ConfigService client : clients) {
            client.shutDown();
        }
    }

    @Test
    void publishedConfigIsReadByAnotherClientAndGoneAfterRemoval() throws Exception {
        String dataId = Tokens.fresh("it-data");
        ConfigService writer = client();
        ConfigService reader = client();

        assertThat(reader.getConfig(dataId, GROUP, READ_TIMEOUT_MS)).isNull();
        assertThat(writer.publishConfig(dataId, GROUP, "a=1")).isTrue();
        assertThat(reader.getConfig(dataId, GROUP, READ_TIMEOUT_MS)).isEqualTo("a=1");
        assertThat(reader.getConfig(dataId, "other-group", READ_TIMEOUT_MS)).isNull();

        assertThat(writer.removeConfig(dataId, GROUP)).isTrue();
        assertThat(reader.getConfig(dataId, GROUP, READ_TIMEOUT_MS)).isNull();
    }

    @Test
    void listenerIsPushedEveryNewContent() throws Exception {
        String dataId = Tokens.fresh("it-data");
        ConfigService writer = client();
        ConfigService listening = client();
        AtomicReference<String> received = new AtomicReference<>();
        listening.addListener(dataId, GROUP, new AbstractListener() {
            @Override
            public void receiveConfigInfo(String configInfo) {
                received.set(configInfo);
            }
        });

        writer.publishConfig(dataId, GROUP, "v1");
        await().atMost(WAIT).until(received::get, "v1"::equals);

        writer.publishConfig(dataId, GROUP, "v2");
        await().atMost(WAIT).until(received::get, "v2"::equals);
    }

    @Test
    void compareAndSetPublishSucceedsOnlyWithTheCurrentMd5() throws Exception {
        String dataId = Tokens.fresh("it-data");
        ConfigService first = client();
        ConfigService second = client();
        first.publishConfig(dataId, GROUP, "app1");

        assertThat(second.publishConfigCas(dataId, GROUP, "app1,app2", md5("app1")))
                .isTrue();
        // The first writer's ticket is stale now: its update must be refused, not lose the second writer's.
        assertThat(first.publishConfigCas(dataId, GROUP, "app1,app3", md5("app1")))
                .isFalse();

        assertThat(first.getConfig(dataId, GROUP, READ_TIMEOUT_MS)).isEqualTo("app1,app2");
    }

    private ConfigService client() throws NacosException {
        ConfigService client = LegacyClients.config(registry.address());
        clients.add(client);
        await().atMost(WAIT).until(client::getServerStatus, "UP"::equals);
        return client;
    }

    private static String md5(String content) throws NoSuchAlgorithmException {
        byte[] digest = MessageDigest.getInstance("MD5").digest(content.getBytes(StandardCharsets.UTF_8));
        return String.format("%032x", new BigInteger(1, digest));
    }
}
