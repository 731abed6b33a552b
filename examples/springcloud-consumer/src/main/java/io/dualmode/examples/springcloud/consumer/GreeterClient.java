package io.dualmode.examples.springcloud.consumer;

import java.time.Duration;
import java.util.Map;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;

/** One call to the provider, by service name, through Spring Cloud LoadBalancer. */
@Component
class GreeterClient {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {};
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final RestTemplate rest;
    private final WebClient web;
    private final String provider;

    GreeterClient(RestTemplate rest, WebClient.Builder web, ExampleProperties properties) {
        this.rest = rest;
        this.web = web.build();
        this.provider = properties.provider();
    }

    /** Calls {@code GET http://<provider>/greet?name=} with the RestTemplate, or the WebClient when asked. */
    Map<String, Object> greet(String name, boolean webClient) {
        if (webClient) {
            return web.get()
                    .uri("http://{provider}/greet?name={name}", provider, name)
                    .retrieve()
                    .bodyToMono(JSON)
                    .block(TIMEOUT);
        }
        return rest.exchange(
                        "http://{provider}/greet?name={name}",
                        org.springframework.http.HttpMethod.GET,
                        null,
                        JSON,
                        provider,
                        name)
                .getBody();
    }
}
