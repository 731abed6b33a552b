package io.dualmode.examples.dubbo.consumer;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/** With {@code dualmode.example.interval} set, calls on its own and logs {@code CALL ok|failed …} per call. */
@Component
@ConditionalOnProperty(prefix = "dualmode.example", name = "interval")
class PeriodicCaller {

    private static final Logger log = LoggerFactory.getLogger(PeriodicCaller.class);

    PeriodicCaller(
            CallController calls,
            TaskScheduler scheduler,
            @org.springframework.beans.factory.annotation.Value("${dualmode.example.interval}") Duration interval) {
        scheduler.scheduleWithFixedDelay(() -> callOnce(calls), interval);
    }

    private static void callOnce(CallController calls) {
        try {
            log.info(
                    "CALL ok {} -> {}", calls.describe(), calls.call("periodic").get("reply"));
        } catch (RuntimeException e) {
            log.info("CALL failed {} -> {}", calls.describe(), e.getMessage());
        }
    }
}
