package io.dualmode.examples.springcloud.consumer;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code dualmode.example.*}: which service to call and how often to call it unasked.
 *
 * @param provider the provider's service name
 * @param interval when set, call the provider at this interval and log each result
 */
@ConfigurationProperties("dualmode.example")
record ExampleProperties(String provider, Duration interval) {

    ExampleProperties {
        provider = provider == null || provider.isBlank() ? "greeter-provider" : provider;
    }
}
