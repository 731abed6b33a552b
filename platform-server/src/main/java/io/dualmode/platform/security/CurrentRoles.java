package io.dualmode.platform.security;

import io.dualmode.platform.storage.Blocking;
import java.util.List;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import reactor.core.publisher.Mono;

/**
 * Turns a verified token into an authentication. A user's roles are read from the user table at every request, so
 * deleting a user or changing their role takes effect at once rather than when their token expires; a sidecar
 * token's role is the one it was issued with.
 */
final class CurrentRoles implements Converter<Jwt, Mono<AbstractAuthenticationToken>> {

    private final UserRepository users;
    private final Blocking blocking;

    CurrentRoles(UserRepository users, Blocking blocking) {
        this.users = users;
        this.blocking = blocking;
    }

    @Override
    public Mono<AbstractAuthenticationToken> convert(Jwt jwt) {
        List<String> tokenRoles = jwt.getClaimAsStringList(TokenService.ROLES_CLAIM);
        if (tokenRoles != null && tokenRoles.contains(Role.SIDECAR.name())) {
            return Mono.just(authentication(jwt, Role.SIDECAR.withImplied()));
        }
        return blocking.call(() -> users.find(jwt.getSubject()))
                .flatMap(user -> user.isPresent()
                        ? Mono.just(authentication(jwt, user.get().role().withImplied()))
                        : Mono.error(new BadJwtException("user '" + jwt.getSubject() + "' no longer exists")));
    }

    private static AbstractAuthenticationToken authentication(Jwt jwt, List<String> roles) {
        return new JwtAuthenticationToken(
                jwt,
                roles.stream().map(r -> new SimpleGrantedAuthority("ROLE_" + r)).toList(),
                jwt.getSubject());
    }
}
