package io.dualmode.examples.sofa.consumer;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/** With {@code dualmode.example.interval} set, calls on its own and logs {@code CALL ok|failed consumer(mode) -> …}. */
@Component
@ConditionalOnProperty("dualmode.example.interval")
class IntervalCaller implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(IntervalCaller.class);

    private final GreeterClient client;
    private final Duration interval;
    private ScheduledExecutorService timer;
    private long count;

    IntervalCaller(GreeterClient client, @Value("${dualmode.example.interval}") Duration interval) {
        this.client = client;
        this.interval = interval;
    }

    private void callOnce() {
        count++;
        try {
            log.info(
                    "CALL ok {} -> {}",
                    client.who(),
                    client.call("call-" + count).get("reply"));
        } catch (RuntimeException e) {
            log.warn("CALL failed {} -> {}", client.who(), e.getMessage());
        }
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sofa-example-caller");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::callOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        timer.shutdownNow();
        timer = null;
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }
}
