package io.dualmode.platform.audit;

import java.time.Instant;

/**
 * A filter over the audit log; absent parts do not filter.
 *
 * @param actor only entries by this actor
 * @param resource only entries about this resource; a trailing {@code *} matches by prefix
 * @param action only entries with this action
 * @param from only entries at or after this time
 * @param to only entries before this time
 * @param limit the most entries returned, newest first
 */
public record AuditQuery(String actor, String resource, String action, Instant from, Instant to, int limit) {}
