package io.dualmode.platform.migration;

import io.dualmode.platform.storage.Blocking;
import java.security.Principal;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code /api/v1/migrations}: create a plan, list and read plans, and start, pause, resume or roll one back. Reads
 * need the viewer role, the rest operator; every write is audited.
 */
@RestController
@RequestMapping("/api/v1/migrations")
final class MigrationController {

    private final MigrationService migrations;
    private final Blocking blocking;

    MigrationController(MigrationService migrations, Blocking blocking) {
        this.migrations = migrations;
        this.blocking = blocking;
    }

    @GetMapping
    Mono<List<MigrationPlan>> list() {
        return blocking.call(migrations::list);
    }

    @GetMapping("/{id}")
    Mono<MigrationPlan> get(@PathVariable String id) {
        return blocking.call(() -> migrations.get(id));
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<MigrationPlan>> create(@RequestBody PlanRequest request, Principal principal) {
        return blocking.call(() -> migrations.create(request, principal.getName()))
                .map(plan -> ResponseEntity.status(HttpStatus.CREATED).body(plan));
    }

    @PostMapping("/{id}/{action:start|pause|resume|rollback}")
    Mono<MigrationPlan> act(@PathVariable String id, @PathVariable String action, Principal principal) {
        return blocking.call(() -> migrations.act(id, action, principal.getName()));
    }
}
