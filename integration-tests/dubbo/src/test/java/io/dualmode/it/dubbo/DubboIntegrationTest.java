package io.dualmode.it.dubbo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.exception.NacosException;
import io.dualmode.it.support.ChildJvm;
import io.dualmode.it.support.ChildJvmException;
import io.dualmode.it.support.LocalNetwork;
import io.dualmode.it.support.Tokens;
import io.dualmode.registry.RegistryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An unmodified Dubbo 3.3 provider and consumer, each in its own JVM, find each other through the registry (their
 * {@code nacos://} registry, which Dubbo by default also uses as config centre and metadata report) and call each
 * other on loopback. The consumer is pinned to one discovery model per run with Dubbo's migration step, so each path
 * is proven on its own: interface-level (one Nacos service per interface) and application-level (one per application,
 * found through the interface-to-application mapping Dubbo publishes with a CAS config write).
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
final class DubboIntegrationTest {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration CALL = Duration.ofSeconds(15);

    private RegistryServer registry;
    private ChildJvm provider;
    private ChildJvm consumer;

    @BeforeEach
    void startRegistry() {
        registry = RegistryServer.builder()
                .host(LocalNetwork.LOOPBACK)
                .port(0)
                .build()
                .start();
    }

    @AfterEach
    void stopEverything() {
        try (RegistryServer r = registry;
                ChildJvm c = consumer;
                ChildJvm p = provider) {
            // closed in reverse order: provider, consumer, registry
        }
    }

    @ParameterizedTest(name = "{0}, provider {1}")
    @CsvSource({"FORCE_INTERFACE, stop, false", "FORCE_APPLICATION, kill, true"})
    void consumerCallsProviderOnLoopbackAndSeesItGo(
            String migrationStep, String providerEnd, boolean serviceDiscovery, @TempDir Path home) throws Exception {
        String token = Tokens.fresh("it");
        String providerApp = token + "-provider";

        provider = dubbo("dubbo-provider", DubboProviderMain.class, home.resolve("provider"), migrationStep)
                .args(registry.address(), providerApp, token)
                .start();
        // Both start at once: the consumer needs no provider to start, and two cores start two JVMs faster.
        consumer = dubbo("dubbo-consumer", DubboConsumerMain.class, home.resolve("consumer"), migrationStep)
                .args(registry.address(), token + "-consumer", token)
                .start();
        int providerPort = Integer.parseInt(provider.awaitReady(START));
        consumer.awaitReady(START);

        String found = "service-discovery=" + serviceDiscovery + " 127.0.0.1:" + providerPort;
        await().atMost(WAIT).until(() -> consumer.request("providers", CALL), found::equals);

        String reply = consumer.request("call hello", CALL);
        assertThat(reply)
                .isEqualTo(
                        "app=" + providerApp + " caller=127.0.0.1 local=127.0.0.1:" + providerPort + " message=hello");

        // Dubbo's default metadata behaviour: the interface-to-application mapping, CAS-published in group "mapping".
        await().atMost(WAIT)
                .until(() -> mapping(EchoService.class.getName()), m -> m != null && m.contains(providerApp));

        if (providerEnd.equals("stop")) {
            assertThat(provider.stop()).isZero();
        } else {
            provider.kill();
        }
        String gone = "service-discovery=" + serviceDiscovery + " ";
        await().atMost(WAIT).until(() -> consumer.request("providers", CALL), gone::equals);
        assertThatThrownBy(() -> consumer.request("call again", CALL))
                .isInstanceOf(ChildJvmException.class)
                .hasMessageContaining("No provider available");
    }

    private String mapping(String serviceInterface) throws NacosException {
        Properties properties = new Properties();
        properties.setProperty(PropertyKeyConst.SERVER_ADDR, registry.address());
        ConfigService config = NacosFactory.createConfigService(properties);
        try {
            return config.getConfig(serviceInterface, "mapping", CALL.toMillis());
        } finally {
            config.shutDown();
        }
    }

    private static ChildJvm.Builder dubbo(String name, Class<?> main, Path home, String migrationStep)
            throws Exception {
        return ChildJvm.builder(name, main.getName())
                .userHome(Files.createDirectories(home))
                .jvmArgs(
                        LocalNetwork.dubboIgnoreInterfacesFlag(),
                        "-Ddubbo.application.service-discovery.migration=" + migrationStep);
    }
}
