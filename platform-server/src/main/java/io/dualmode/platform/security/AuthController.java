package io.dualmode.platform.security;

import io.dualmode.platform.audit.AuditLog;
import io.dualmode.platform.config.SecurityProperties;
import io.dualmode.platform.storage.Blocking;
import io.dualmode.platform.web.ApiException;
import io.dualmode.platform.web.PlatformError;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.util.List;
import java.util.Map;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code POST /api/v1/auth/login} issues a token for a user name and password; {@code GET /me} tells who you are. */
@RestController
@RequestMapping("/api/v1/auth")
final class AuthController {

    /** A hash to compare against when the user does not exist, so both cases take the same time. */
    private final String decoyHash;

    private final UserRepository users;
    private final PasswordEncoder passwords;
    private final TokenService tokens;
    private final SecurityProperties properties;
    private final AuditLog audit;
    private final Blocking blocking;

    AuthController(
            UserRepository users,
            PasswordEncoder passwords,
            TokenService tokens,
            SecurityProperties properties,
            AuditLog audit,
            Blocking blocking) {
        this.users = users;
        this.passwords = passwords;
        this.tokens = tokens;
        this.properties = properties;
        this.audit = audit;
        this.blocking = blocking;
        this.decoyHash = passwords.encode("decoy-password-never-used");
    }

    @PostMapping("/login")
    Mono<TokenService.IssuedToken> login(@Valid @RequestBody LoginRequest request) {
        return blocking.inTransaction(() -> {
                    var user = users.find(request.username());
                    boolean matches = passwords.matches(
                            request.password(),
                            user.map(UserAccount::passwordHash).orElse(decoyHash));
                    String actor = truncate(request.username());
                    if (user.isEmpty() || !matches) {
                        audit.record(actor, "auth.login-failed", "user:" + actor, null, null, null);
                        return null;
                    }
                    audit.record(actor, "auth.login", "user:" + actor, null, null, null);
                    return tokens.issue(user.get().username(), user.get().role(), properties.tokenTtl());
                })
                .switchIfEmpty(Mono.error(
                        () -> new ApiException(PlatformError.BAD_CREDENTIALS, "wrong user name or password")));
    }

    @GetMapping("/me")
    Map<String, Object> me(Authentication authentication) {
        List<String> roles = authentication.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .map(a -> a.substring("ROLE_".length()))
                .toList();
        return Map.of("subject", authentication.getName(), "roles", roles);
    }

    private static String truncate(String name) {
        return name.length() <= 64 ? name : name.substring(0, 64);
    }

    /**
     * Login credentials.
     *
     * @param username the user name
     * @param password the password
     */
    record LoginRequest(@NotNull String username, @NotNull String password) {}
}
