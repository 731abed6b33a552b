package io.dualmode.it.springcloud.consumer;

import io.dualmode.it.support.ChildChannel;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestTemplate;

/**
 * Finds services through Spring Cloud's {@link DiscoveryClient} (Nacos Discovery underneath) and calls them with a
 * {@code @LoadBalanced} {@link RestTemplate}. Argument: registry address. Commands: {@code services}, {@code instances
 * <service>} ({@code host:port,...}, sorted), {@code metadata <service>} ({@code key=value,...} of the
 * first instance, sorted) and {@code call <service>} (the reply of {@code GET
 * http://<service>/echo?message=hello}).
 */
@SpringBootApplication
public class ConsumerApplication {

    /**
     * The client-side load-balanced template: resolves a service name in the URL through discovery.
     *
     * @return the template
     */
    @Bean
    @LoadBalanced
    public RestTemplate restTemplate() {
        return new RestTemplate();
    }

    public static void main(String[] args) {
        ConfigurableApplicationContext context = SpringApplication.run(
                ConsumerApplication.class,
                "--spring.application.name=it-consumer",
                "--spring.main.web-application-type=none",
                "--spring.cloud.nacos.discovery.server-addr=" + args[0],
                // Every call asks discovery afresh, so a provider that left is never served from a cache.
                "--spring.cloud.loadbalancer.cache.enabled=false");
        DiscoveryClient discovery = context.getBean(DiscoveryClient.class);
        RestTemplate rest = context.getBean(RestTemplate.class);
        ChildChannel.ready("");
        ChildChannel.serve(Map.of(
                "services", ignored -> String.join(",", discovery.getServices()),
                "instances", service -> instances(discovery, service),
                "metadata", service -> metadata(discovery, service),
                "call", service -> rest.getForObject("http://" + service + "/echo?message=hello", String.class)));
        context.close();
        System.exit(0);
    }

    private static String metadata(DiscoveryClient discovery, String service) {
        return discovery.getInstances(service).get(0).getMetadata().entrySet().stream()
                .map(entry -> entry.getKey() + "=" + entry.getValue())
                .sorted()
                .collect(Collectors.joining(","));
    }

    private static String instances(DiscoveryClient discovery, String service) {
        return discovery.getInstances(service).stream()
                .map(instance -> instance.getHost() + ":" + instance.getPort())
                .sorted()
                .collect(Collectors.joining(","));
    }
}
