package io.dualmode.starter.springcloud;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Spring Cloud's {@link ReactiveDiscoveryClient}: the blocking client's answers, looked up on the bounded-elastic
 * scheduler so no event loop waits on nacos-client.
 */
public class DualmodeReactiveDiscoveryClient implements ReactiveDiscoveryClient {

    private final DualmodeDiscoveryClient delegate;

    public DualmodeReactiveDiscoveryClient(DualmodeDiscoveryClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public String description() {
        return "Dualmode reactive discovery client (nacos-client)";
    }

    @Override
    public Flux<ServiceInstance> getInstances(String serviceId) {
        return Mono.fromCallable(() -> delegate.getInstances(serviceId))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMapIterable(list -> list);
    }

    @Override
    public Flux<String> getServices() {
        return Mono.fromCallable(delegate::getServices)
                .subscribeOn(Schedulers.boundedElastic())
                .flatMapIterable(list -> list);
    }

    @Override
    public Mono<Void> reactiveProbe() {
        return Mono.<Void>fromRunnable(delegate::probe).subscribeOn(Schedulers.boundedElastic());
    }
}
