/**
 * The Spring Cloud greeter consumer: {@link io.dualmode.examples.springcloud.consumer.GreeterConsumerApplication}
 * calls the provider by service name through a {@code @LoadBalanced} {@code RestTemplate} (or {@code WebClient}),
 * on request ({@code GET /call}) and, with {@code dualmode.example.interval} set, on its own.
 */
package io.dualmode.examples.springcloud.consumer;
