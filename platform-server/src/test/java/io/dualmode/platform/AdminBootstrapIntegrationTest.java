package io.dualmode.platform;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A first-admin password the password rules refuse stops the start-up with the reason, instead of passing silently. */
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
}
