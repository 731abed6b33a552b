package io.dualmode.sidecar.it;

import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.cluster.Endpoint;
import io.dualmode.sidecar.config.AdminConfig;
import io.dualmode.sidecar.config.ClusterConfig;
import io.dualmode.sidecar.config.ConfigLoader;
import io.dualmode.sidecar.config.ListenerConfig;
import io.dualmode.sidecar.config.SidecarConfig;
import java.util.Arrays;
import java.util.List;

/** Small helpers to configure sidecars in tests: everything on loopback, every port 0. */
final class SidecarFixture {
    private SidecarFixture() {}

    static ListenerConfig listener(String name, ListenerConfig.Protocol protocol, String address) {
        return ListenerConfig.builder()
                .name(name)
                .protocol(protocol)
                .address(address)
                .port(0)
                .build();
    }

    static ClusterConfig.Builder cluster(String name, Endpoint... endpoints) {
        return ClusterConfig.builder().name(name).endpoints(Arrays.asList(endpoints));
    }

    static SidecarConfig.Builder config(List<ListenerConfig> listeners, List<ClusterConfig> clusters) {
        return SidecarConfig.builder()
                .workers(2)
                .admin(ConfigLoader.parse("admin: {address: 127.0.0.1, port: 0}", "test")
                        .admin())
                .listeners(listeners)
                .clusters(clusters);
    }

    static Endpoint endpoint(Backend b) {
        return Endpoint.of(b.host(), b.port());
    }

    static Sidecar start(SidecarConfig config) {
        return Sidecar.create(config).start();
    }

    static AdminConfig admin() {
        return ConfigLoader.parse("admin: {address: 127.0.0.1, port: 0}", "test")
                .admin();
    }
}
