package io.dualmode.platform.rules;

import io.dualmode.governance.rule.RuleKind;
import io.dualmode.platform.config.PlatformProperties;
import io.dualmode.platform.storage.Blocking;
import io.dualmode.platform.storage.DatabaseSync;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Committed rule changes, as a hot stream, and the current rules to start from. The push path subscribes before it
 * reads the current rules, so it misses nothing. A change committed through this instance is emitted at once; a
 * change committed through another platform instance sharing the database is emitted when this instance's poll sees
 * the rule revision counter move (every {@code dualmode.sync-interval}) and reads which rules are newer than
 * the versions it has emitted. The stream may repeat a version already emitted; subscribers ignore versions that are
 * not newer than what they have.
 */
@Component
public final class RuleChanges implements SmartInitializingSingleton, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RuleChanges.class);

    private final Sinks.Many<RuleChange> sink = Sinks.many().multicast().directBestEffort();
    private final Map<String, Long> emitted = new ConcurrentHashMap<>();
    private final RuleRepository repository;
    private final Blocking blocking;
    private final PlatformProperties properties;
    private long revision = -1;
    private DatabaseSync poller;

    RuleChanges(RuleRepository repository, Blocking blocking, PlatformProperties properties) {
        this.repository = repository;
        this.blocking = blocking;
        this.properties = properties;
    }

    /** Every change committed from now on. */
    public Flux<RuleChange> changes() {
        return sink.asFlux();
    }

    /** The current, not deleted rules. */
    public Mono<List<RuleChange>> current() {
        return blocking.call(() -> repository.currentRules(null, null).stream()
                .map(RuleChange::of)
                .peek(c -> emitted.merge(key(c), c.version(), Math::max))
                .toList());
    }

    @Override
    public void afterSingletonsInstantiated() {
        poller = DatabaseSync.every(
                properties.syncInterval(),
                "platform-rule-sync",
                this::poll,
                log,
                "PLATFORM-0801 rules: cannot poll the database for rule changes of other platform instances,"
                        + " retrying every " + properties.syncInterval(),
                "rules: polling the database for rule changes works again");
    }

    @Override
    public void destroy() {
        if (poller != null) {
            poller.close();
        }
    }

    void committed(StoredRule rule) {
        emit(RuleChange.of(rule));
    }

    private void emit(RuleChange change) {
        synchronized (sink) {
            emitted.merge(key(change), change.version(), Math::max);
            // no subscriber (the push hub not started or already stopped) is fine: the change is committed
            sink.tryEmitNext(change);
        }
    }

    /**
     * Emits the rules changed since the last poll that were not emitted yet (those changed through another platform
     * instance). Reads the revision before the rules: every change counted in it is committed, so it is seen now;
     * a change committed after the read moves the revision again and is seen by the next poll.
     */
    void poll() {
        long now = repository.revision();
        if (now == revision) {
            return;
        }
        int fed = 0;
        for (Map.Entry<String, Long> e : repository.currentVersions().entrySet()) {
            if (e.getValue() > emitted.getOrDefault(e.getKey(), 0L)) {
                int slash = e.getKey().indexOf('/');
                String kind = e.getKey().substring(0, slash);
                String service = e.getKey().substring(slash + 1);
                if (RuleKind.fromId(kind).isPresent()) {
                    repository.current(kind, service).map(RuleChange::of).ifPresent(this::emit);
                    fed++;
                }
            }
        }
        boolean first = revision < 0;
        revision = now;
        if (fed > 0 && !first) {
            log.info("rules: {} rule changes made through other platform instances, pushing them", fed);
        }
    }

    private static String key(RuleChange change) {
        return change.kind().id() + "/" + change.service();
    }
}
