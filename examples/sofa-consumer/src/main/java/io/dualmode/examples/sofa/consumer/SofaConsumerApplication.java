package io.dualmode.examples.sofa.consumer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Calls {@link io.dualmode.examples.sofa.api.Greeter} over Bolt on {@code GET /call?name=}, and on an interval. */
@SpringBootApplication
public class SofaConsumerApplication {

    public static void main(String[] args) {
        SpringApplication.run(SofaConsumerApplication.class, args);
    }
}
