package io.dualmode.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualmode.sidecar.agent.DataPlane;
import io.dualmode.sidecar.agent.MeshAgent;
import io.dualmode.sidecar.config.SidecarException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code --mesh-api-liveness-interval} and {@code MeshAgent.Builder#meshApiLivenessInterval}: default, parsing, bounds. */
class MeshApiLivenessSettingTest {

    @Test
    void theFlagDefaultsToFiveSecondsAndParsesDurations() {
        SidecarMain main = new SidecarMain();
        assertThat(main.meshApiLivenessInterval()).isEqualTo(Duration.ofSeconds(5));
        main.meshApiLivenessInterval = "750ms";
        assertThat(main.meshApiLivenessInterval()).isEqualTo(Duration.ofMillis(750));
        main.meshApiLivenessInterval = "0s";
        assertThat(main.meshApiLivenessInterval()).isZero();
    }

    @Test
    void theFlagRejectsNegativeAndUnreadableValues() {
        SidecarMain main = new SidecarMain();
        main.meshApiLivenessInterval = "-1s";
        assertThatThrownBy(main::meshApiLivenessInterval)
                .isInstanceOf(SidecarException.class)
                .hasMessageContaining("SIDECAR-0003")
                .hasMessageContaining("--mesh-api-liveness-interval");
        main.meshApiLivenessInterval = "often";
        assertThatThrownBy(main::meshApiLivenessInterval).isInstanceOf(SidecarException.class);
    }

    @Test
    void theBuilderRejectsANegativeInterval() {
        DataPlane none = (DataPlane) java.lang.reflect.Proxy.newProxyInstance(
                DataPlane.class.getClassLoader(), new Class<?>[] {DataPlane.class}, (proxy, method, args) -> null);
        MeshAgent.Builder b = MeshAgent.builder("127.0.0.1:8848", none, new ModeSwitch(Mode.MESH));
        assertThatThrownBy(() -> b.meshApiLivenessInterval(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SIDECAR-0003");
        assertThat(b.meshApiLivenessInterval(Duration.ZERO)).isSameAs(b);
    }
}
