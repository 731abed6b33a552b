package io.dualmode.sidecar.internal.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualmode.sidecar.config.ConfigLoader;
import io.dualmode.sidecar.config.ListenerConfig;
import io.dualmode.sidecar.config.SidecarConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class RpcListenerConfigTest {
    @Test
    void rpcListenersAreReadFromYaml() {
        SidecarConfig config = ConfigLoader.parse(
                """
                listeners:
                  - {name: egress-bolt, protocol: bolt, port: 0}
                  - {name: egress-dubbo, protocol: dubbo, address: 0.0.0.0, port: 0}
                  - {name: ingress-rpc, direction: ingress, protocol: rpc, protocols: [dubbo, bolt], port: 0}
                """,
                "test");
        List<ListenerConfig> l = config.listeners();
        assertThat(l)
                .extracting(ListenerConfig::protocol)
                .containsExactly(
                        ListenerConfig.Protocol.BOLT, ListenerConfig.Protocol.DUBBO, ListenerConfig.Protocol.RPC);
        assertThat(l.get(2).protocols()).containsExactly("dubbo", "bolt");
        assertThat(l.get(0).protocols()).isEmpty();
    }
}
