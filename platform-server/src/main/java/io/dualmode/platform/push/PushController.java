package io.dualmode.platform.push;

import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code GET /api/v1/push/sidecars}: every connected sidecar, what it runs and whether it is up to date. */
@RestController
final class PushController {

    private final PushHub hub;

    PushController(PushHub hub) {
        this.hub = hub;
    }

    @GetMapping("/api/v1/push/sidecars")
    Mono<List<SidecarStatus>> sidecars() {
        return Mono.fromSupplier(hub::statuses);
    }
}
