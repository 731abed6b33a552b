package io.dualmode.it.springcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dualmode.it.springcloud.consumer.ConsumerApplication;
import io.dualmode.it.springcloud.provider.ProviderApplication;
import io.dualmode.it.support.ChildJvm;
import io.dualmode.it.support.ChildJvmException;
import io.dualmode.it.support.LocalNetwork;
import io.dualmode.it.support.Tokens;
import io.dualmode.registry.RegistryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An unmodified Spring Cloud Alibaba Nacos Discovery web application registers in the registry; another finds it
 * through {@code DiscoveryClient} and calls it by service name through a {@code @LoadBalanced RestTemplate}, on
 * loopback, each in its own JVM. When the provider leaves, the consumer's discovery no longer lists it.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
final class SpringCloudAlibabaIntegrationTest {

    private static final Duration START = Duration.ofSeconds(90);
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

    @ParameterizedTest(name = "provider {0}")
    @ValueSource(strings = {"stop", "kill"})
    void consumerFindsProviderByNameAndCallsItOnLoopback(String providerEnd, @TempDir Path home) throws Exception {
        String service = Tokens.fresh("it-sca-provider");

        provider = spring("sca-provider", ProviderApplication.class, home.resolve("provider"))
                .args(registry.address(), service)
                .start();
        // Both start at once: the consumer needs no provider to start, and two cores start two JVMs faster.
        consumer = spring("sca-consumer", ConsumerApplication.class, home.resolve("consumer"))
                .args(registry.address())
                .start();
        int providerPort = Integer.parseInt(provider.awaitReady(START));
        consumer.awaitReady(START);

        String found = "127.0.0.1:" + providerPort;
        await().atMost(WAIT).until(() -> consumer.request("instances " + service, CALL), found::equals);
        assertThat(List.of(consumer.request("services", CALL).split(","))).contains(service);
        // What Spring Cloud Alibaba registers and reads back: its source marker, and the fields it copies from Nacos.
        List<String> metadata =
                List.of(consumer.request("metadata " + service, CALL).split(","));
        assertThat(metadata)
                .contains("preserved.register.source=SPRING_CLOUD", "nacos.cluster=DEFAULT", "nacos.ephemeral=true");
        assertThat(metadata)
                .filteredOn(entry -> entry.startsWith("nacos.instanceId="))
                .singleElement()
                .asString()
                .isEqualTo("nacos.instanceId=127.0.0.1#" + providerPort + "#DEFAULT#DEFAULT_GROUP@@" + service);
        assertThat(consumer.request("call " + service, CALL))
                .isEqualTo("app=" + service + " caller=127.0.0.1 message=hello");

        if (providerEnd.equals("stop")) {
            assertThat(provider.stop()).isZero();
        } else {
            provider.kill();
        }
        await().atMost(WAIT).until(() -> consumer.request("instances " + service, CALL), String::isEmpty);
        assertThatThrownBy(() -> consumer.request("call " + service, CALL))
                .isInstanceOf(ChildJvmException.class)
                .hasMessageContaining("No instances available for " + service);
    }

    private static ChildJvm.Builder spring(String name, Class<?> main, Path home) throws Exception {
        return ChildJvm.builder(name, main.getName()).userHome(Files.createDirectories(home));
    }
}
