package io.dualmode.examples.springcloud.consumer;

import io.dualmode.starter.core.DualmodeProperties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * With {@code dualmode.example.interval} set: calls the provider at that interval once the application is ready, and
 * logs {@code CALL ok consumer(mode) -> reply} or {@code CALL failed consumer(mode) -> error} for each call.
 */
@Component
@ConditionalOnProperty(prefix = "dualmode.example", name = "interval")
class CallLoop implements SmartLifecycle {

    private static final Log log = LogFactory.getLog(CallLoop.class);

    private final GreeterClient client;
    private final ExampleProperties properties;
    private final String who;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "greeter-call-loop");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean running;

    CallLoop(
            GreeterClient client,
            ExampleProperties properties,
            @Value("${spring.application.name}") String consumer,
            DualmodeProperties dualmode) {
        this.client = client;
        this.properties = properties;
        this.who = consumer + "(" + dualmode.getMode().metadataValue() + ")";
    }

    @EventListener(ApplicationReadyEvent.class)
    void begin() {
        long millis = properties.interval().toMillis();
        timer.scheduleWithFixedDelay(this::callOnce, 0, Math.max(1, millis), TimeUnit.MILLISECONDS);
    }

    private void callOnce() {
        try {
            log.info("CALL ok " + who + " -> " + client.greet("loop", false));
        } catch (RuntimeException e) {
            log.warn("CALL failed " + who + " -> " + e.getMessage());
        }
    }

    @Override
    public void start() {
        running = true;
    }

    /** Stops calling before the web server and discovery go away. */
    @Override
    public void stop() {
        running = false;
        timer.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
