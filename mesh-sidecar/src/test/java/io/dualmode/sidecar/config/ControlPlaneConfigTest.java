package io.dualmode.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ControlPlaneConfigTest {

    @Test
    void readsTheControlPlaneAndGovernanceKeys() {
        SidecarConfig c = ConfigLoader.parse(
                """
                controlPlane:
                  url: ws://platform:8080/api/v1/push
                  token: t0ken
                  stateDir: /var/lib/dualmode-sidecar
                  nodeId: orders-1
                  subscribe: [payments]
                  reconnectDelay: 250ms
                  reportInterval: 2s
                governance: {rateLimit: false, callerHeader: X-Caller}
                """,
                "test");
        assertThat(c.controlPlane().url()).hasToString("ws://platform:8080/api/v1/push");
        assertThat(c.controlPlane().token()).isEqualTo("t0ken");
        assertThat(c.controlPlane().stateDir()).isEqualTo(Path.of("/var/lib/dualmode-sidecar"));
        assertThat(c.controlPlane().subscribe()).containsExactly("payments");
        assertThat(c.controlPlane().reconnectDelay()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.controlPlane().reportInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.governance().rateLimit()).isFalse();
        assertThat(c.governance().routing()).isTrue();
        assertThat(c.governance().callerHeader()).isEqualTo("x-caller");
    }

    @Test
    void withoutTheKeysThereIsNoControlPlaneAndEveryFilterIsOn() {
        SidecarConfig c = ConfigLoader.parse("workers: 1", "test");
        assertThat(c.controlPlane().enabled()).isFalse();
        assertThat(c.controlPlane().reportInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.governance()).isEqualTo(GovernanceConfig.defaults());
    }

    @Test
    void rejectsAUrlThatIsNotAWebSocket() {
        assertThatThrownBy(() -> ConfigLoader.parse("controlPlane: {url: http://platform/push, token: t}", "test"))
                .hasMessageStartingWith("SIDECAR-0040");
    }

    @Test
    void rejectsAReportIntervalThatIsNotPositive() {
        assertThatThrownBy(() -> ConfigLoader.parse("controlPlane: {reportInterval: 0s}", "test"))
                .hasMessageStartingWith("SIDECAR-")
                .hasMessageContaining("controlPlane.reportInterval must be a positive duration");
    }

    @Test
    void rejectsAUrlWithoutAToken() {
        assertThatThrownBy(() -> ConfigLoader.parse("controlPlane: {url: ws://platform/api/v1/push}", "test"))
                .hasMessageStartingWith("SIDECAR-0041");
    }

    @Test
    void rejectsAStateDirThatIsAFile() throws Exception {
        Path file = Files.createTempFile("state", ".txt");
        try {
            assertThatThrownBy(() -> ConfigLoader.parse("controlPlane: {stateDir: " + file + "}", "test"))
                    .hasMessageStartingWith("SIDECAR-0042");
        } finally {
            Files.delete(file);
        }
    }
}
