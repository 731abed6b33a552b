package io.dualmode.platform.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.Instant;

/**
 * One audited change.
 *
 * @param id a unique id
 * @param at when the change was committed
 * @param actor the user (or sidecar token) that made it
 * @param action what was done, e.g. {@code rule.update}, {@code user.create}, {@code auth.login-failed}
 * @param resource what it was done to, e.g. {@code rule:routing/orders}, {@code user:alice}
 * @param before the value before the change as JSON, absent when there was none
 * @param after the value after the change as JSON, absent when there is none
 * @param detail a short human-readable note, e.g. the versions involved
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditEntry(
        String id,
        Instant at,
        String actor,
        String action,
        String resource,
        @JsonRawValue String before,
        @JsonRawValue String after,
        String detail) {}
