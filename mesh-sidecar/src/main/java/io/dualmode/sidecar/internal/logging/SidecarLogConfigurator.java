package io.dualmode.sidecar.internal.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Configures logback in code: one console appender, root level from {@code DUALMODE_SIDECAR_LOG_LEVEL} (default INFO).
 * Logback's XML configurator loads some 600 classes (Joran and a SAX parser) at start-up, a fifth of the sidecar's
 * metaspace; this loads a few dozen. A {@code logback.xml} or {@code logback-test.xml} on the class path, or
 * {@code -Dlogback.configurationFile}, still wins: this steps aside for them.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class SidecarLogConfigurator extends ContextAwareBase implements Configurator {

    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n";

    private final ClassLoader resources;

    /** The configurator logback finds through {@code ServiceLoader}. */
    public SidecarLogConfigurator() {
        this(SidecarLogConfigurator.class.getClassLoader());
    }

    SidecarLogConfigurator(ClassLoader resources) {
        this.resources = resources;
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (userConfigurationPresent()) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("STDOUT");
        console.setEncoder(encoder);
        console.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getenv("DUALMODE_SIDECAR_LOG_LEVEL"), Level.INFO));
        root.addAppender(console);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private boolean userConfigurationPresent() {
        return System.getProperty("logback.configurationFile") != null
                || resources.getResource("logback-test.xml") != null
                || resources.getResource("logback.xml") != null;
    }
}
