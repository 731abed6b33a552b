package io.dualmode.platform;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Settings the platform refuses (a first-admin password, a sync interval) stop the start-up with the reason. */
@Timeout(120)
class AdminBootstrapIntegrationTest {

    @TempDir
    Path dataDir;

    @Test
    void aRefusedAdminPasswordFailsTheFirstStartWithTheReason() {
        Map<String, Object> properties = RunningPlatform.baseProperties(dataDir);
        properties.put("dualmode.security.admin-password", "short");
        assertThatThrownBy(() -> RunningPlatform.start(properties).close())
                .hasStackTraceContaining("cannot create the first admin user")
                .hasStackTraceContaining("password must have");
    }

    @Test
    void aSyncIntervalThatIsNotPositiveFailsTheStartWithTheReason() {
        Map<String, Object> properties = RunningPlatform.baseProperties(dataDir);
        properties.put("dualmode.sync-interval", "0s");
        assertThatThrownBy(() -> RunningPlatform.start(properties).close())
                .hasStackTraceContaining("dualmode.sync-interval must be positive, was PT0S");
    }
}
