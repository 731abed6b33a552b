package io.dualmode.examples.dubbo.consumer;

import org.apache.dubbo.config.spring.context.annotation.EnableDubbo;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/** A Dubbo consumer of {@link io.dualmode.examples.dubbo.api.Greeter}: {@code GET /call?name=x}. */
@SpringBootApplication
@EnableDubbo
@EnableScheduling
public class DubboConsumerApplication {

    public static void main(String[] args) {
        SpringApplication.run(DubboConsumerApplication.class, args);
    }
}
