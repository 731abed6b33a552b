package io.dualmode.platform.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Answers 503 {@code PLATFORM-0502} for a request that failed because the database cannot be reached outside a
 * controller (checking a token's user in the security filters), where the controllers' exception handlers do not
 * apply; anything else goes on to the default handling.
 */
@Component
@Order(-2)
final class DatabaseDownHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(DatabaseDownHandler.class);

    private final ObjectMapper json;

    DatabaseDownHandler(ObjectMapper json) {
        this.json = json;
    }

    /** Whether {@code e} or one of its causes says the database cannot be reached. */
    public static boolean databaseDown(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DataAccessResourceFailureException
                    || t instanceof TransientDataAccessResourceException
                    || t instanceof CannotCreateTransactionException) {
                return true;
            }
        }
        return false;
    }

    /** The answer to a request that failed because the database cannot be reached; logs it once. */
    static ApiException unavailable(Throwable e) {
        log.warn("{} the database cannot be reached: {}", PlatformError.DATABASE_UNAVAILABLE.code(), e.toString());
        return new ApiException(
                PlatformError.DATABASE_UNAVAILABLE,
                "the platform's database cannot be reached, so nothing was read or changed; the sidecars keep serving"
                        + " the rules they hold; retry when it is back");
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable e) {
        ServerHttpResponse response = exchange.getResponse();
        if (!databaseDown(e) || response.isCommitted()) {
            return Mono.error(e);
        }
        ApiException error = unavailable(e);
        response.setStatusCode(error.error().status());
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        try {
            byte[] body = json.writeValueAsBytes(error.body());
            return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
        } catch (JsonProcessingException ex) {
            return Mono.error(ex);
        }
    }
}
