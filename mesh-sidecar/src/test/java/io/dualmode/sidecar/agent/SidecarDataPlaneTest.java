package io.dualmode.sidecar.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.config.ConfigLoader;
import io.dualmode.sidecar.config.SidecarConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which listener the agent opens for a registry entry's protocol, and on which address. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SidecarDataPlaneTest {

    private static final String HOST = "127.0.0.7";
    private Sidecar sidecar;
    private SidecarDataPlane dataPlane;

    @BeforeEach
    void start() {
        sidecar = Sidecar.create(SidecarConfig.builder()
                        .workers(1)
                        .admin(ConfigLoader.parse("admin: {address: 127.0.0.1, port: 0}", "test")
                                .admin())
                        .build())
                .start();
        dataPlane = new SidecarDataPlane(sidecar, HOST);
    }

    @AfterEach
    void stop() {
        sidecar.stop(Duration.ZERO);
    }

    @Test
    void dubboTripleServicesGetHttp2ListenersOfTheirOwnWithTheEgressOnTheHostAddress() {
        String service = "providers:demo.Greeter:1.0.0:g";
        InetSocketAddress egress = dataPlane.egress("tri", service);
        InetSocketAddress ingress = dataPlane.ingress("tri", service);

        // Dubbo's Triple client dials the host's address in place of a loopback one, as its dubbo client does
        assertThat(egress.getAddress().getHostAddress()).isEqualTo(HOST);
        assertThat(ingress.getAddress().getHostAddress()).isEqualTo(HOST);
        assertThat(sidecar.listenerAddress("egress-h2-" + service)).isEqualTo(egress);
        assertThat(sidecar.listenerAddress("ingress-h2-" + service)).isEqualTo(ingress);
        assertThat(sidecar.listenerAddress("egress-dubbo")).isNull();
    }

    @Test
    void otherHttp2ServicesKeepTheirEgressOnLoopbackAndDubboSharesItsListeners() {
        assertThat(dataPlane.egress("grpc", "greeter").getAddress().getHostAddress())
                .isEqualTo("127.0.0.1");
        assertThat(sidecar.listenerAddress("egress-h2-greeter")).isNotNull();

        InetSocketAddress dubbo = dataPlane.egress("dubbo", "providers:demo.Greeter:1.0.0:");
        assertThat(dubbo.getAddress().getHostAddress()).isEqualTo(HOST);
        assertThat(dataPlane.egress("dubbo", "providers:demo.Other:1.0.0:")).isEqualTo(dubbo);
        assertThat(sidecar.listenerAddress("egress-dubbo")).isEqualTo(dubbo);
    }
}
