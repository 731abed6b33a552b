package io.dualmode.platform.console;

import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The console is a single-page application: a browser that opens or reloads one of its pages ({@code /rules},
 * {@code /audit}, ...) gets {@code index.html}, and the console's own router shows the page. The API, the actuator,
 * the OpenAPI document and files (a last path segment with a dot) are left alone, so an unknown API path still answers
 * the API's 404. Does nothing when the jar holds no console.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
final class ConsoleRoutes implements WebFilter {

    static final String INDEX = "/index.html";

    private static final List<String> NOT_CONSOLE = List.of("/api/", "/actuator", "/v3/", "/swagger-ui", "/webjars/");

    private final boolean present = new ClassPathResource("static" + INDEX).exists();

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        if (!present || !isConsolePage(request.getMethod(), request.getPath().value())) {
            return chain.filter(exchange);
        }
        exchange.getResponse().getHeaders().setCacheControl("no-cache");
        ServerHttpRequest toIndex = request.mutate().path(INDEX).build();
        return chain.filter(exchange.mutate().request(toIndex).build());
    }

    /** A GET of a path that is neither an API nor a file: one of the console's pages. */
    static boolean isConsolePage(HttpMethod method, String path) {
        if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
            return false;
        }
        if (path.equals("/")) {
            return true;
        }
        if (NOT_CONSOLE.stream().anyMatch(path::startsWith) || path.equals("/api")) {
            return false;
        }
        String last = path.substring(path.lastIndexOf('/') + 1);
        return !last.contains(".");
    }
}
