package io.dualmode.platform.rules;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.Instant;

/**
 * A rule, or one version of it, as the API shows it.
 *
 * <pre>{@code
 * {"kind": "routing", "service": "orders", "version": 3, "deleted": false, "change": "update",
 *  "updatedAt": "2026-11-22T04:00:00Z", "updatedBy": "alice", "rule": {...}}
 * }</pre>
 *
 * @param kind the rule kind
 * @param service the service
 * @param version the version; send it back in If-Match to change the rule
 * @param deleted whether this version is a deletion
 * @param change how this version came about (create, update, delete, rollback); absent for the current rule
 * @param updatedAt when this version was written
 * @param updatedBy who wrote it
 * @param rule the rule document; absent when deleted
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuleView(
        String kind,
        String service,
        long version,
        boolean deleted,
        String change,
        Instant updatedAt,
        String updatedBy,
        @JsonRawValue String rule) {

    static RuleView of(StoredRule rule) {
        String change = "current".equals(rule.changeKind()) ? null : rule.changeKind();
        return new RuleView(
                rule.kind(),
                rule.service(),
                rule.version(),
                rule.deleted(),
                change,
                rule.at(),
                rule.by(),
                rule.document());
    }
}
