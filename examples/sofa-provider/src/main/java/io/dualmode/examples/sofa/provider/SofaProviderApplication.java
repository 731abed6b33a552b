package io.dualmode.examples.sofa.provider;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Serves {@link io.dualmode.examples.sofa.api.Greeter} over Bolt; SDK or mesh mode by {@code dualmode.mode}. */
@SpringBootApplication
public class SofaProviderApplication {

    public static void main(String[] args) {
        SpringApplication.run(SofaProviderApplication.class, args);
    }
}
