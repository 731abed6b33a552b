package io.dualmode.platform.rules;

import io.dualmode.governance.rule.GovernanceRule;
import io.dualmode.governance.rule.RoutingRule;
import io.dualmode.governance.rule.RuleKind;
import io.dualmode.platform.audit.AuditLog;
import io.dualmode.platform.storage.Blocking;
import io.dualmode.platform.web.ApiException;
import io.dualmode.platform.web.PlatformError;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Reads and changes rules. Every change runs in one transaction that checks the expected version, writes the new
 * current row, appends the version to the history and records the audit entry: all of it, or nothing.
 */
@Service
public final class RuleService {

    private final RuleRepository repository;
    private final RuleDocuments documents;
    private final AuditLog audit;
    private final Blocking blocking;
    private final RuleChanges changes;
    private final Clock clock = Clock.systemUTC();

    RuleService(
            RuleRepository repository,
            RuleDocuments documents,
            AuditLog audit,
            Blocking blocking,
            RuleChanges changes) {
        this.repository = repository;
        this.documents = documents;
        this.audit = audit;
        this.blocking = blocking;
        this.changes = changes;
    }

    /** The current, not deleted rules, optionally of one kind and/or service. */
    public Mono<List<RuleView>> list(String kind, String service) {
        return blocking.call(() -> repository.currentRules(kind, service).stream()
                .map(RuleView::of)
                .toList());
    }

    /** The current rule; 404 when there is none or it is deleted. */
    public Mono<RuleView> get(RuleKind kind, String service) {
        return blocking.call(() -> existing(kind, service)).map(RuleView::of);
    }

    /** Every version of a rule, newest first; 404 when the rule never existed. */
    public Mono<List<RuleView>> history(RuleKind kind, String service) {
        return blocking.call(() -> {
            List<StoredRule> versions = repository.versions(kind.id(), service);
            if (versions.isEmpty()) {
                throw notFound(kind, service);
            }
            return versions.stream().map(RuleView::of).toList();
        });
    }

    /** One version of a rule. */
    public Mono<RuleView> version(RuleKind kind, String service, long version) {
        return blocking.call(() -> RuleView.of(storedVersion(kind, service, version)));
    }

    /** Creates or replaces a rule with a validated document. */
    public Mono<RuleView> put(String actor, RuleKind kind, String service, byte[] body, Long expectedVersion) {
        return Mono.fromCallable(() -> documents.parse(kind, body))
                .flatMap(rule -> blocking.inTransaction(
                        () -> write(actor, kind, service, Optional.of(rule), expectedVersion, null)))
                .doOnNext(changes::committed)
                .map(RuleView::of);
    }

    /** Deletes a rule (a new version marked deleted). */
    public Mono<Void> delete(String actor, RuleKind kind, String service, Long expectedVersion) {
        return blocking.inTransaction(() -> write(actor, kind, service, Optional.empty(), expectedVersion, null))
                .doOnNext(changes::committed)
                .then();
    }

    /** Makes a new version equal to an old one (which may be a deletion). */
    public Mono<RuleView> rollback(String actor, RuleKind kind, String service, long toVersion, Long expectedVersion) {
        return blocking.inTransaction(() -> {
                    StoredRule target = storedVersion(kind, service, toVersion);
                    Optional<GovernanceRule> rule =
                            target.deleted() ? Optional.empty() : Optional.of(documents.parse(kind, target.document()));
                    return write(actor, kind, service, rule, expectedVersion, toVersion);
                })
                .doOnNext(changes::committed)
                .map(RuleView::of);
    }

    private StoredRule write(
            String actor,
            RuleKind kind,
            String service,
            Optional<GovernanceRule> rule,
            Long expectedVersion,
            Long rollbackTo) {
        Optional<StoredRule> current = repository.current(kind.id(), service);
        boolean exists = current.isPresent() && !current.get().deleted();
        checkExpected(kind, service, current, exists, expectedVersion);
        if (rule.isEmpty() && !exists) {
            throw notFound(kind, service);
        }
        if (rule.isPresent() && rule.get() instanceof RoutingRule routing) {
            checkLoops(service, routing);
        }
        long version = current.map(c -> c.version() + 1).orElse(1L);
        String change = rollbackTo != null ? "rollback" : rule.isEmpty() ? "delete" : exists ? "update" : "create";
        StoredRule next = new StoredRule(
                kind.id(),
                service,
                version,
                rule.isEmpty(),
                rule.map(RuleDocuments::canonical).orElse(null),
                change,
                Instant.now(clock),
                actor);
        store(next, current);
        String detail =
                "version " + current.map(c -> Long.toString(c.version())).orElse("none") + " -> " + version
                        + (rollbackTo != null ? " (rollback to version " + rollbackTo + ")" : "");
        audit.record(
                actor,
                "rule." + change,
                next.resourceName(),
                exists ? current.get().document() : null,
                next.document(),
                detail);
        return next;
    }

    private void checkExpected(
            RuleKind kind, String service, Optional<StoredRule> current, boolean exists, Long expectedVersion) {
        if (expectedVersion == null) {
            if (exists) {
                throw new ApiException(
                        PlatformError.VERSION_REQUIRED,
                        kind.id() + "/" + service + " exists at version "
                                + current.get().version() + "; send that version in If-Match to change it");
            }
            return;
        }
        long actual = current.map(StoredRule::version).orElse(0L);
        if (expectedVersion != actual) {
            throw conflict(kind, service, expectedVersion, actual);
        }
    }

    private void store(StoredRule next, Optional<StoredRule> current) {
        try {
            if (current.isEmpty()) {
                repository.insert(next);
            } else if (!repository.update(next, current.get().version())) {
                throw conflict(next.kind(), next.service(), current.get().version(), -1);
            }
            repository.insertVersion(next);
            repository.bumpRevision();
        } catch (DuplicateKeyException e) {
            throw conflict(next.kind(), next.service(), next.version() - 1, -1);
        }
    }

    private void checkLoops(String service, RoutingRule routing) {
        Map<String, RoutingRule> all = new HashMap<>();
        for (StoredRule other : repository.currentRules(RuleKind.ROUTING.id(), null)) {
            all.put(other.service(), (RoutingRule) documents.parse(RuleKind.ROUTING, other.document()));
        }
        all.put(service, routing);
        RuleDocuments.checkLoops(service, all);
    }

    private StoredRule existing(RuleKind kind, String service) {
        return repository
                .current(kind.id(), service)
                .filter(r -> !r.deleted())
                .orElseThrow(() -> notFound(kind, service));
    }

    private StoredRule storedVersion(RuleKind kind, String service, long version) {
        return repository
                .version(kind.id(), service, version)
                .orElseThrow(() -> new ApiException(
                        PlatformError.RULE_VERSION_NOT_FOUND,
                        kind.id() + "/" + service + " has no version " + version + "; see its history"));
    }

    private static ApiException notFound(RuleKind kind, String service) {
        return new ApiException(PlatformError.RULE_NOT_FOUND, "there is no " + kind.id() + " rule for " + service);
    }

    private static ApiException conflict(RuleKind kind, String service, long expected, long actual) {
        return conflict(kind.id(), service, expected, actual);
    }

    private static ApiException conflict(String kindId, String service, long expected, long actual) {
        String now = actual < 0 ? "it was changed concurrently" : "it is at version " + actual;
        return new ApiException(
                PlatformError.VERSION_CONFLICT,
                "version " + expected + " of " + kindId + "/" + service + " is stale: " + now
                        + "; read it again and retry with the current version");
    }
}
