package io.dualmode.platform.audit;

import io.dualmode.platform.storage.Blocking;
import io.dualmode.platform.web.ApiException;
import io.dualmode.platform.web.PlatformError;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code GET /api/v1/audit}: the audit log, filtered by actor, resource, action and time range, newest first. */
@RestController
@RequestMapping("/api/v1/audit")
final class AuditController {

    private static final int MAX_LIMIT = 1000;

    private final AuditLog audit;
    private final Blocking blocking;

    AuditController(AuditLog audit, Blocking blocking) {
        this.audit = audit;
        this.blocking = blocking;
    }

    @GetMapping
    Mono<List<AuditEntry>> find(
            @RequestParam(required = false) String actor,
            @RequestParam(required = false) String resource,
            @RequestParam(required = false) String action,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ApiException(PlatformError.INVALID_QUERY, "limit is " + limit + "; use 1 to " + MAX_LIMIT);
        }
        AuditQuery query = new AuditQuery(actor, resource, action, instant("from", from), instant("to", to), limit);
        return blocking.call(() -> audit.find(query));
    }

    private static Instant instant(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new ApiException(
                    PlatformError.INVALID_QUERY,
                    name + " is '" + value + "'; use an ISO-8601 instant such as 2026-11-22T05:00:00Z");
        }
    }
}
