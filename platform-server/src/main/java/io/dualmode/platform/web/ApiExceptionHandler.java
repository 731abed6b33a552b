package io.dualmode.platform.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;

/** Maps exceptions from the controllers to {@link ErrorBody} answers. */
@RestControllerAdvice
final class ApiExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ErrorBody> api(ApiException e) {
        return answer(e);
    }

    @ExceptionHandler(DataBufferLimitException.class)
    ResponseEntity<ErrorBody> tooLarge(DataBufferLimitException e) {
        return answer(
                new ApiException(PlatformError.DOCUMENT_TOO_LARGE, "the request body is too large: " + e.getMessage()));
    }

    /** Lock timeouts, deadlock victims and optimistic failures the database reports: the change lost a race. */
    @ExceptionHandler(ConcurrencyFailureException.class)
    ResponseEntity<ErrorBody> conflict(ConcurrencyFailureException e) {
        return answer(new ApiException(
                PlatformError.VERSION_CONFLICT,
                "the change collided with a concurrent one and was not applied; read again and retry"));
    }

    /**
     * The database cannot be reached (no connection within the pool's timeout, a connection lost mid-way, a
     * transaction that cannot begin): the request changed nothing; the sidecars keep serving the rules they hold.
     */
    @ExceptionHandler({
        org.springframework.dao.DataAccessResourceFailureException.class,
        org.springframework.dao.TransientDataAccessResourceException.class,
        org.springframework.transaction.CannotCreateTransactionException.class
    })
    ResponseEntity<ErrorBody> databaseUnavailable(RuntimeException e) {
        return answer(DatabaseDownHandler.unavailable(e));
    }

    @ExceptionHandler(ServerWebInputException.class)
    ResponseEntity<ErrorBody> input(ServerWebInputException e) {
        if (e.getCause() instanceof DataBufferLimitException limit) {
            return tooLarge(limit);
        }
        return answer(new ApiException(PlatformError.BAD_REQUEST, "the request cannot be read: " + e.getReason()));
    }

    @ExceptionHandler(ResponseStatusException.class)
    ResponseEntity<ErrorBody> status(ResponseStatusException e) {
        PlatformError error = e.getStatusCode().value() == 404 ? PlatformError.NOT_FOUND : PlatformError.BAD_REQUEST;
        return ResponseEntity.status(e.getStatusCode())
                .body(new ErrorBody(error.code(), e.getStatusCode().value(), String.valueOf(e.getReason()), null));
    }

    @ExceptionHandler(RuntimeException.class)
    ResponseEntity<ErrorBody> unexpected(RuntimeException e) {
        log.error("{} unexpected failure", PlatformError.INTERNAL.code(), e);
        return answer(new ApiException(PlatformError.INTERNAL, "internal error; see the platform log"));
    }

    private static ResponseEntity<ErrorBody> answer(ApiException e) {
        return ResponseEntity.status(e.error().status()).body(e.body());
    }
}
