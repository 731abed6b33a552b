package io.dualmode.platform.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualmode.platform.web.ApiException;
import io.dualmode.platform.web.PlatformError;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import reactor.core.publisher.Mono;

/** Writes 401 and 403 answers with the platform's error body. */
final class SecurityErrors {

    private final ObjectMapper json;

    SecurityErrors(ObjectMapper json) {
        this.json = json;
    }

    ServerAuthenticationEntryPoint entryPoint() {
        return (exchange, e) -> {
            exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            return write(
                    exchange.getResponse(),
                    new ApiException(
                            PlatformError.UNAUTHENTICATED,
                            "a valid token is required (" + e.getMessage()
                                    + "); log in at POST /api/v1/auth/login and send Authorization: Bearer <token>"));
        };
    }

    ServerAccessDeniedHandler accessDenied() {
        return (exchange, e) -> write(
                exchange.getResponse(),
                new ApiException(
                        PlatformError.FORBIDDEN,
                        "your role does not allow " + exchange.getRequest().getMethod() + " "
                                + exchange.getRequest().getPath() + "; ask an admin for a role that does"));
    }

    private Mono<Void> write(ServerHttpResponse response, ApiException error) {
        response.setStatusCode(error.error().status());
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        try {
            byte[] body = json.writeValueAsBytes(error.body());
            return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
        } catch (JsonProcessingException e) {
            return Mono.error(e);
        }
    }
}
