package io.dualmode.it.sofarpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dualmode.it.sofarpc.app.SofaConsumerMain;
import io.dualmode.it.sofarpc.app.SofaProviderMain;
import io.dualmode.it.support.ChildJvm;
import io.dualmode.it.support.ChildJvmException;
import io.dualmode.it.support.Classpaths;
import io.dualmode.it.support.LocalNetwork;
import io.dualmode.it.support.Tokens;
import io.dualmode.registry.RegistryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An unmodified SOFARPC 5.13 provider and consumer, each in its own JVM on SOFARPC's own classpath (nacos-client
 * 2.0.3, the Jackson SOFARPC is built against), find each other through the registry with SOFARPC's Nacos registry
 * ({@code 127.0.0.1:PORT/sofa-rpc}) and call each other over Bolt on loopback. The registry runs in this JVM.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
final class SofaRpcIntegrationTest {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration CALL = Duration.ofSeconds(15);
    private static final String CLASSPATH =
            Classpaths.of(SofaProviderMain.class, "META-INF/dualmode/sofarpc-app.classpath");

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
    void consumerCallsProviderOverBoltOnLoopbackAndSeesItGo(String providerEnd, @TempDir Path home) throws Exception {
        String token = Tokens.fresh("it");
        String providerApp = token + "-provider";

        provider = sofa("sofa-provider", SofaProviderMain.class, home.resolve("provider"))
                .args(registry.address(), providerApp, token)
                .start();
        // Both start at once: the consumer needs no provider to start, and two cores start two JVMs faster.
        consumer = sofa("sofa-consumer", SofaConsumerMain.class, home.resolve("consumer"))
                .args(registry.address(), token + "-consumer", token)
                .start();
        int providerPort = Integer.parseInt(provider.awaitReady(START));
        consumer.awaitReady(START);

        String found = "127.0.0.1:" + providerPort;
        await().atMost(WAIT).until(() -> consumer.request("providers", CALL), found::equals);
        // SOFARPC connects to a newly pushed provider in the background; calls before that fail fast.
        String reply = "app=" + providerApp + " caller=127.0.0.1 message=hello";
        await().atMost(WAIT)
                .ignoreException(ChildJvmException.class)
                .until(() -> consumer.request("call hello", CALL), reply::equals);

        if (providerEnd.equals("stop")) {
            assertThat(provider.stop()).isZero();
        } else {
            provider.kill();
        }
        await().atMost(WAIT).until(() -> consumer.request("providers", CALL), String::isEmpty);
        assertThatThrownBy(() -> consumer.request("call again", CALL)).isInstanceOf(ChildJvmException.class);
    }

    private static ChildJvm.Builder sofa(String name, Class<?> main, Path home) throws Exception {
        return ChildJvm.builder(name, main.getName())
                .classpath(CLASSPATH)
                .userHome(Files.createDirectories(home))
                .jvmArgs(
                        "--add-opens",
                        "java.base/java.lang=ALL-UNNAMED",
                        "-Dlogging.path=" + home.resolve("logs"),
                        LocalNetwork.dubboIgnoreInterfacesFlag());
    }
}
