package io.dualmode.sidecar.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualmode.sidecar.protocol.RoutingKey;
import org.junit.jupiter.api.Test;

class RouteTableTest {
    private final RouteTable routes = new RouteTable();

    @Test
    void dubboWithoutRegisteredGroupUsesTheEmptyGroup() {
        assertThat(routes.service("dubbo", new RoutingKey("com.acme.Echo", "1.0.0", "", "echo")))
                .isEqualTo("providers:com.acme.Echo:1.0.0:");
    }

    @Test
    void dubboTakesTheGroupFromTheRegistry() {
        routes.register("providers:com.acme.Echo:1.0.0:blue");
        RoutingKey key = new RoutingKey("com.acme.Echo", "1.0.0", "", "echo");
        assertThat(routes.service("dubbo", key)).isEqualTo("providers:com.acme.Echo:1.0.0:blue");
        routes.register("providers:com.acme.Echo:1.0.0:");
        assertThat(routes.service("dubbo", key)).isEqualTo("providers:com.acme.Echo:1.0.0:");
        routes.register("providers:com.acme.Echo:1.0.0:green");
        assertThat(routes.service("dubbo", key)).isEqualTo("providers:com.acme.Echo:1.0.0:");
        routes.unregister("providers:com.acme.Echo:1.0.0:");
        assertThat(routes.service("dubbo", key)).isEqualTo("providers:com.acme.Echo:1.0.0:");
    }

    @Test
    void dubboWithAGroupInTheKeyUsesIt() {
        assertThat(routes.service("dubbo", new RoutingKey("com.acme.Echo", "", "red", "echo")))
                .isEqualTo("providers:com.acme.Echo::red");
    }

    @Test
    void boltServiceHeaderMapsToTheSofaRegistryName() {
        assertThat(routes.service("bolt", new RoutingKey("com.acme.Echo", "1.0", "", "echo")))
                .isEqualTo("com.acme.Echo:DEFAULT");
        assertThat(routes.service("bolt", new RoutingKey("com.acme.Echo", "1.0", "u1", "echo")))
                .isEqualTo("com.acme.Echo:u1:DEFAULT");
    }

    @Test
    void otherProtocolsAndMissingServices() {
        assertThat(routes.service("example", new RoutingKey("svc", "", "", "m")))
                .isEqualTo("svc");
        assertThat(routes.service("dubbo", RoutingKey.NONE)).isNull();
        routes.register("com.acme.Echo:DEFAULT");
        assertThat(routes.service("bolt", new RoutingKey("com.acme.Echo", "1.0", "", "echo")))
                .isEqualTo("com.acme.Echo:DEFAULT");
    }
}
