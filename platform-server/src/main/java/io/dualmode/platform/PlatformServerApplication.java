package io.dualmode.platform;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Starts the platform: the REST API, the rule store and, unless disabled, the embedded registry. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class PlatformServerApplication {

    /** Runs the platform; with no arguments everything uses its defaults under {@code ./data}. */
    public static void main(String[] args) {
        SpringApplication.run(PlatformServerApplication.class, args);
    }
}
