package io.dualmode.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final String YAML =
            """
            workers: 1
            drainTimeout: 3s
            admin: {port: 0}
            limits: {maxHeaderBytes: 4096, maxBodyBytes: 1000}
            listeners:
              - {name: out, protocol: http, port: 0}
              - {name: in, direction: ingress, protocol: h2, address: 127.0.0.9, port: 0}
              - {name: db, protocol: tcp, port: 0, cluster: orders}
            clusters:
              - name: orders
                lbPolicy: least_request
                connectTimeout: 250ms
                endpoints:
                  - {host: 127.0.0.2, port: 8080, weight: 2, metadata: {dualmode.mode: mesh}}
                healthCheck: {type: http, path: /health, interval: 1s}
            services:
              - {name: orders, port: 8080}
            """;

    @Test
    void readsEveryPart() {
        SidecarConfig c = ConfigLoader.parse(YAML, "test.yaml");
        assertThat(c.workers()).isEqualTo(1);
        assertThat(c.drainTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.limits().maxBodyBytes()).isEqualTo(1000);
        assertThat(c.listeners()).extracting(ListenerConfig::name).containsExactly("out", "in", "db");
        assertThat(c.listeners().get(1).direction()).isEqualTo(ListenerConfig.Direction.INGRESS);
        ClusterConfig orders = c.clusters().get(0);
        assertThat(orders.lbPolicy()).isEqualTo(ClusterConfig.LbPolicy.LEAST_REQUEST);
        assertThat(orders.connectTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(orders.endpoints().get(0).mode()).isEqualTo("mesh");
        assertThat(orders.healthCheck().type()).isEqualTo(HealthCheckConfig.Type.HTTP);
        assertThat(c.services().get(0).address()).isEqualTo("127.0.0.1");
    }

    @Test
    void overridesWinOverTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sidecar.yaml");
        Files.writeString(file, YAML);
        SidecarConfig c =
                ConfigLoader.load(file, new ConfigLoader.Overrides(2, null, 15999, "127.0.0.7", Duration.ofSeconds(1)));
        assertThat(c.workers()).isEqualTo(2);
        assertThat(c.admin().port()).isEqualTo(15999);
        assertThat(c.listeners().get(1).address()).isEqualTo("127.0.0.7");
        assertThat(c.listeners().get(0).address()).isEqualTo("127.0.0.1");
    }

    @Test
    void unreadableFileHasCode0001(@TempDir Path dir) {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("missing.yaml"), ConfigLoader.Overrides.none()))
                .hasMessageStartingWith("SIDECAR-0001");
    }

    @Test
    void unknownKeyHasCode0002WithTheLine() {
        assertThatThrownBy(() -> ConfigLoader.parse("workers: 1\nlistenrs: []\n", "x.yaml"))
                .hasMessageStartingWith("SIDECAR-0002")
                .hasMessageContaining("listenrs")
                .hasMessageContaining("line 2");
    }

    @Test
    void badPortHasCode0004() {
        assertThatThrownBy(() -> ConfigLoader.parse("listeners: [{name: a, port: 70000}]", "x"))
                .hasMessageStartingWith("SIDECAR-0004");
    }

    @Test
    void duplicateListenerHasCode0005() {
        assertThatThrownBy(() -> ConfigLoader.parse("listeners: [{name: a}, {name: a}]", "x"))
                .hasMessageStartingWith("SIDECAR-0005");
    }

    @Test
    void listenerNamingAnUnknownClusterHasCode0006() {
        assertThatThrownBy(() -> ConfigLoader.parse("listeners: [{name: a, protocol: tcp, cluster: nope}]", "x"))
                .hasMessageStartingWith("SIDECAR-0006")
                .hasMessageContaining("nope");
    }

    @Test
    void consistentHashWithoutHeaderHasCode0007() {
        assertThatThrownBy(() -> ConfigLoader.parse("clusters: [{name: a, lbPolicy: consistent_hash}]", "x"))
                .hasMessageStartingWith("SIDECAR-0007");
    }

    @Test
    void badDurationHasCode0009() {
        assertThatThrownBy(() -> ConfigLoader.parse("drainTimeout: soon", "x")).hasMessageStartingWith("SIDECAR-0009");
    }

    @Test
    void badEndpointHasCode0010() {
        assertThatThrownBy(() -> ConfigLoader.parse("clusters: [{name: a, endpoints: [{host: h, port: 0}]}]", "x"))
                .hasMessageStartingWith("SIDECAR-0010");
    }

    @Test
    void callerAddressesAndTheSourceAddressMustBeIpLiterals() {
        GovernanceConfig g = ConfigLoader.parse(
                        "governance: {sourceAddress: 127.0.0.23, callerAddresses: {127.0.0.23: web, \"::1\": ops}}",
                        "t")
                .governance();
        assertThat(g.sourceAddress()).isEqualTo("127.0.0.23");
        assertThat(g.callerAt(java.net.InetAddress.getLoopbackAddress())).isNull();
        assertThat(g.callerAddresses()).containsEntry("127.0.0.23", "web").containsEntry("0:0:0:0:0:0:0:1", "ops");

        assertThatThrownBy(() -> ConfigLoader.parse("governance: {sourceAddress: my-host}", "t"))
                .hasMessageStartingWith("SIDECAR-0230")
                .hasMessageContaining("governance.sourceAddress: 'my-host' is not an IP address literal");
        assertThatThrownBy(() -> ConfigLoader.parse("governance: {callerAddresses: {300.1.1.1: web}}", "t"))
                .hasMessageStartingWith("SIDECAR-0230")
                .hasMessageContaining("governance.callerAddresses: '300.1.1.1'");
    }
}
