package io.dualmode.starter.springcloud;

import io.dualmode.starter.core.DualmodeProperties;
import java.net.ConnectException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Mono;

/**
 * Mesh mode, for {@code @LoadBalanced WebClient.Builder}s: what {@link SidecarEgressInterceptor} does for
 * {@code RestTemplate}s — a refused connection went to the local sidecar, and the error says so.
 */
public class SidecarEgressFilter implements ExchangeFilterFunction {

    private final String adminUri;

    public SidecarEgressFilter(DualmodeProperties properties) {
        DualmodeProperties.Sidecar sidecar = properties.getSidecar();
        this.adminUri = "http://" + sidecar.getHost() + ":" + sidecar.getAdminPort() + "/ready";
    }

    @Override
    public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
        return next.exchange(request)
                .onErrorMap(
                        e -> e instanceof WebClientRequestException && e.getCause() instanceof ConnectException,
                        e -> new WebClientRequestException(
                                clear(request, (ConnectException) e.getCause()),
                                request.method(),
                                request.url(),
                                request.headers()));
    }

    private ConnectException clear(ClientRequest request, ConnectException refused) {
        ConnectException clear = new ConnectException("DUALMODE-0101 the local sidecar refused the call to "
                + request.url() + " (" + refused.getMessage() + "): in mesh mode every call goes through it; check"
                + " that it runs and is ready at " + adminUri);
        clear.initCause(refused);
        return clear;
    }

    /** Adds the filter to every {@code @LoadBalanced WebClient.Builder} bean. */
    static final class Installer implements BeanPostProcessor {

        private final BeanFactory beanFactory;
        private final ObjectProvider<DualmodeProperties> properties;

        Installer(BeanFactory beanFactory, ObjectProvider<DualmodeProperties> properties) {
            this.beanFactory = beanFactory;
            this.properties = properties;
        }

        @Override
        public Object postProcessBeforeInitialization(Object bean, String beanName) {
            if (bean instanceof WebClient.Builder builder
                    && beanFactory instanceof ConfigurableListableBeanFactory factory
                    && factory.containsBeanDefinition(beanName)
                    && factory.findAnnotationOnBean(beanName, LoadBalanced.class) != null) {
                builder.filter(new SidecarEgressFilter(properties.getObject()));
            }
            return bean;
        }
    }
}
