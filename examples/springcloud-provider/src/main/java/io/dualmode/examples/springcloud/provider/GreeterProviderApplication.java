package io.dualmode.examples.springcloud.provider;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A plain Spring Boot web application; the dual-mode starter registers it as {@code spring.application.name}. */
@SpringBootApplication
public class GreeterProviderApplication {

    public static void main(String[] args) {
        SpringApplication.run(GreeterProviderApplication.class, args);
    }
}
