package io.dualmode.platform.rules;

import io.dualmode.platform.storage.Blocking;
import java.util.List;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Committed rule changes of this platform instance, as a hot stream, and the current rules to start from. The push
 * path subscribes before it reads the current rules, so it misses nothing.
 */
@Component
public final class RuleChanges {

    private final Sinks.Many<RuleChange> sink = Sinks.many().multicast().directBestEffort();
    private final RuleRepository repository;
    private final Blocking blocking;

    RuleChanges(RuleRepository repository, Blocking blocking) {
        this.repository = repository;
        this.blocking = blocking;
    }

    /** Every change committed from now on. */
    public Flux<RuleChange> changes() {
        return sink.asFlux();
    }

    /** The current, not deleted rules. */
    public Mono<List<RuleChange>> current() {
        return blocking.call(() ->
                repository.currentRules(null, null).stream().map(RuleChange::of).toList());
    }

    void committed(StoredRule rule) {
        synchronized (sink) {
            // no subscriber (the push hub not started or already stopped) is fine: the change is committed
            sink.tryEmitNext(RuleChange.of(rule));
        }
    }
}
