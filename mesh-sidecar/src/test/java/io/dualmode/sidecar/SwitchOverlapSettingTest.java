package io.dualmode.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualmode.sidecar.agent.DataPlane;
import io.dualmode.sidecar.agent.MeshAgent;
import io.dualmode.sidecar.config.SidecarException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code --registry-switch-overlap} and {@code MeshAgent.Builder#switchOverlap}: default, parsing and bounds. */
class SwitchOverlapSettingTest {

    @Test
    void theFlagDefaultsToTwoSecondsAndParsesDurations() {
        SidecarMain main = new SidecarMain();
        assertThat(main.switchOverlap()).isEqualTo(Duration.ofSeconds(2));
        main.registrySwitchOverlap = "500ms";
        assertThat(main.switchOverlap()).isEqualTo(Duration.ofMillis(500));
        main.registrySwitchOverlap = "0s";
        assertThat(main.switchOverlap()).isZero();
        main.registrySwitchOverlap = "60s";
        assertThat(main.switchOverlap()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void theFlagRejectsBadAndOutOfRangeValues() {
        SidecarMain main = new SidecarMain();
        main.registrySwitchOverlap = "61s";
        assertThatThrownBy(main::switchOverlap)
                .isInstanceOf(SidecarException.class)
                .hasMessageContaining("SIDECAR-0003")
                .hasMessageContaining("--registry-switch-overlap");
        main.registrySwitchOverlap = "soon";
        assertThatThrownBy(main::switchOverlap).isInstanceOf(SidecarException.class);
    }

    @Test
    void theBuilderRejectsNegativeAndTooLongOverlaps() {
        DataPlane none = (DataPlane) java.lang.reflect.Proxy.newProxyInstance(
                DataPlane.class.getClassLoader(), new Class<?>[] {DataPlane.class}, (proxy, method, args) -> null);
        MeshAgent.Builder b = MeshAgent.builder("127.0.0.1:8848", none, new ModeSwitch(Mode.MESH));
        assertThatThrownBy(() -> b.switchOverlap(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SIDECAR-0205");
        assertThatThrownBy(() -> b.switchOverlap(Duration.ofSeconds(61))).isInstanceOf(IllegalArgumentException.class);
        assertThat(b.switchOverlap(Duration.ZERO)).isSameAs(b);
    }
}
