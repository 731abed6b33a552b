package io.dualmode.sidecar.internal.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.ConsoleAppender;
import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

class SidecarLogConfiguratorTest {

    @Test
    void configuresAConsoleAppenderWhenNoXmlConfigurationIsPresent() throws Exception {
        LoggerContext context = new LoggerContext();
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            SidecarLogConfigurator configurator = new SidecarLogConfigurator(empty);
            configurator.setContext(context);
            assertThat(configurator.configure(context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getAppender("STDOUT")).isInstanceOf(ConsoleAppender.class);
        assertThat(root.getAppender("STDOUT").isStarted()).isTrue();
        assertThat(root.getLevel()).isEqualTo(Level.toLevel(System.getenv("DUALMODE_SIDECAR_LOG_LEVEL"), Level.INFO));
        context.stop();
    }

    @Test
    void stepsAsideForAnXmlConfigurationOnTheClassPath() {
        LoggerContext context = new LoggerContext();
        SidecarLogConfigurator configurator =
                new SidecarLogConfigurator(getClass().getClassLoader());
        configurator.setContext(context);
        // the test class path carries logback-test.xml
        assertThat(configurator.configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT"))
                .isNull();
    }
}
