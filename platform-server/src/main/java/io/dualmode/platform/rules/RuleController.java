package io.dualmode.platform.rules;

import io.dualmode.governance.rule.RuleKind;
import jakarta.validation.Valid;
import java.security.Principal;
import java.util.List;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code /api/v1/rules}: one rule document per kind and service. Reads answer an ETag with the version; changes of
 * an existing rule need that version in If-Match (or {@code ?version=}) and answer 409 when it is stale.
 */
@RestController
@RequestMapping("/api/v1/rules")
final class RuleController {

    private final RuleService rules;
    private final RuleDocuments documents;

    RuleController(RuleService rules, RuleDocuments documents) {
        this.rules = rules;
        this.documents = documents;
    }

    @GetMapping
    Mono<List<RuleView>> list(
            @RequestParam(required = false) String kind, @RequestParam(required = false) String service) {
        return rules.list(kind == null ? null : RuleDocuments.kind(kind).id(), service);
    }

    @GetMapping("/{kind}/{service}")
    Mono<ResponseEntity<RuleView>> get(@PathVariable String kind, @PathVariable String service) {
        return rules.get(kind(kind, service), service).map(RuleController::withEtag);
    }

    @PutMapping(path = "/{kind}/{service}", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<RuleView>> put(
            @PathVariable String kind,
            @PathVariable String service,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            @RequestParam(required = false) Long version,
            @RequestHeader HttpHeaders headers,
            @RequestBody Flux<DataBuffer> body,
            Principal principal) {
        RuleKind ruleKind = kind(kind, service);
        Long expected = Versions.expected(ifMatch, version);
        return RequestBodies.read(headers, body, documents.maxBytes())
                .flatMap(bytes -> rules.put(principal.getName(), ruleKind, service, bytes, expected))
                .map(RuleController::withEtag);
    }

    @DeleteMapping("/{kind}/{service}")
    Mono<ResponseEntity<Void>> delete(
            @PathVariable String kind,
            @PathVariable String service,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            @RequestParam(required = false) Long version,
            Principal principal) {
        RuleKind ruleKind = kind(kind, service);
        Long expected = Versions.expected(ifMatch, version);
        return rules.delete(principal.getName(), ruleKind, service, expected)
                .thenReturn(ResponseEntity.noContent().build());
    }

    @GetMapping("/{kind}/{service}/versions")
    Mono<List<RuleView>> history(@PathVariable String kind, @PathVariable String service) {
        return rules.history(kind(kind, service), service);
    }

    @GetMapping("/{kind}/{service}/versions/{version}")
    Mono<RuleView> version(@PathVariable String kind, @PathVariable String service, @PathVariable long version) {
        return rules.version(kind(kind, service), service, version);
    }

    @PostMapping("/{kind}/{service}/rollback")
    Mono<ResponseEntity<RuleView>> rollback(
            @PathVariable String kind,
            @PathVariable String service,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            @Valid @RequestBody RollbackRequest request,
            Principal principal) {
        RuleKind ruleKind = kind(kind, service);
        Long expected = Versions.expected(ifMatch, null);
        return rules.rollback(principal.getName(), ruleKind, service, request.toVersion(), expected)
                .map(RuleController::withEtag);
    }

    private static RuleKind kind(String kind, String service) {
        RuleKind ruleKind = RuleDocuments.kind(kind);
        RuleDocuments.checkService(service);
        return ruleKind;
    }

    private static <T extends RuleView> ResponseEntity<RuleView> withEtag(T view) {
        return ResponseEntity.ok().eTag(Versions.etag(view.version())).body(view);
    }
}
