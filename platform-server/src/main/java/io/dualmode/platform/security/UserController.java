package io.dualmode.platform.security;

import io.dualmode.platform.audit.AuditLog;
import io.dualmode.platform.config.SecurityProperties;
import io.dualmode.platform.storage.Blocking;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import java.security.Principal;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Admin only: {@code /api/v1/users} (list, create, change, delete) and {@code POST /api/v1/sidecar-tokens}. */
@RestController
final class UserController {

    private final Users users;
    private final UserRepository repository;
    private final TokenService tokens;
    private final SecurityProperties properties;
    private final AuditLog audit;
    private final Blocking blocking;

    UserController(
            Users users,
            UserRepository repository,
            TokenService tokens,
            SecurityProperties properties,
            AuditLog audit,
            Blocking blocking) {
        this.users = users;
        this.repository = repository;
        this.tokens = tokens;
        this.properties = properties;
        this.audit = audit;
        this.blocking = blocking;
    }

    @GetMapping("/api/v1/users")
    Mono<List<UserAccount>> list() {
        return blocking.call(repository::all);
    }

    @PostMapping("/api/v1/users")
    @ResponseStatus(HttpStatus.CREATED)
    Mono<UserAccount> create(@RequestBody NewUser user, Principal principal) {
        return blocking.inTransaction(
                () -> users.create(principal.getName(), user.username(), user.password(), user.role()));
    }

    @PutMapping("/api/v1/users/{username}")
    Mono<UserAccount> update(@PathVariable String username, @RequestBody UserChange change, Principal principal) {
        return blocking.inTransaction(
                () -> users.update(principal.getName(), username, change.password(), change.role()));
    }

    @DeleteMapping("/api/v1/users/{username}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> delete(@PathVariable String username, Principal principal) {
        return blocking.inTransaction(() -> {
                    users.delete(principal.getName(), username);
                    return Boolean.TRUE;
                })
                .then();
    }

    @PostMapping("/api/v1/sidecar-tokens")
    @ResponseStatus(HttpStatus.CREATED)
    Mono<TokenService.IssuedToken> sidecarToken(@Valid @RequestBody SidecarTokenRequest request, Principal principal) {
        return blocking.inTransaction(() -> {
            audit.record(principal.getName(), "sidecar-token.issue", "sidecar:" + request.name(), null, null, null);
            return tokens.issue("sidecar:" + request.name(), Role.SIDECAR, properties.sidecarTokenTtl());
        });
    }

    /**
     * A user to create.
     *
     * @param username the login name
     * @param password the password, 8 to 72 characters
     * @param role admin, operator or viewer
     */
    record NewUser(String username, String password, String role) {}

    /**
     * A change of a user; absent fields stay as they are.
     *
     * @param password a new password
     * @param role a new role
     */
    record UserChange(String password, String role) {}

    /**
     * A sidecar token to issue.
     *
     * @param name what the token is for, e.g. a cluster or application name; shown in the audit log
     */
    record SidecarTokenRequest(@NotBlank String name) {}
}
