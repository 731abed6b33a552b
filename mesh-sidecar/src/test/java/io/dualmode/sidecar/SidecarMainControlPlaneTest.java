package io.dualmode.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualmode.sidecar.config.ConfigLoader;
import io.dualmode.sidecar.config.SidecarConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SidecarMainControlPlaneTest {

    @Test
    void flagsWinOverTheYaml() {
        SidecarMain main = new SidecarMain();
        new CommandLine(main)
                .parseArgs(
                        "--control-plane",
                        "ws://127.0.0.1:9/api/v1/push",
                        "--control-plane-token",
                        "flag-token",
                        "--state-dir",
                        "/tmp/dualmode-state",
                        "--control-plane-report-interval",
                        "750ms");
        SidecarConfig yaml = ConfigLoader.parse(
                "controlPlane: {url: ws://yaml/api/v1/push, token: yaml-token, subscribe: [a]}", "test");
        SidecarConfig c = main.withControlPlane(yaml);
        assertThat(c.controlPlane().url()).hasToString("ws://127.0.0.1:9/api/v1/push");
        assertThat(c.controlPlane().token()).isEqualTo("flag-token");
        assertThat(c.controlPlane().stateDir()).isEqualTo(Path.of("/tmp/dualmode-state"));
        assertThat(c.controlPlane().subscribe()).containsExactly("a");
        assertThat(c.controlPlane().reportInterval()).isEqualTo(java.time.Duration.ofMillis(750));
    }
}
