package io.dualmode.platform.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;

/** Issues signed tokens (HS256 JWT) carrying the subject and its roles. */
final class TokenService {

    static final String ISSUER = "dualmode-platform";
    static final String ROLES_CLAIM = "roles";

    private final JwtEncoder encoder;
    private final Clock clock = Clock.systemUTC();

    TokenService(JwtEncoder encoder) {
        this.encoder = encoder;
    }

    IssuedToken issue(String subject, Role role, Duration ttl) {
        Instant now = Instant.now(clock);
        Instant expires = now.plus(ttl);
        JwtClaimsSet claims = JwtClaimsSet.builder()
                .issuer(ISSUER)
                .subject(subject)
                .issuedAt(now)
                .expiresAt(expires)
                .claim(ROLES_CLAIM, role.withImplied())
                .build();
        String token = encoder.encode(JwtEncoderParameters.from(
                        JwsHeader.with(MacAlgorithm.HS256).build(), claims))
                .getTokenValue();
        return new IssuedToken(token, "Bearer", expires, subject, role);
    }

    /**
     * A token handed to a client.
     *
     * @param token the token, sent as {@code Authorization: Bearer <token>}
     * @param tokenType always {@code Bearer}
     * @param expiresAt when it stops being accepted
     * @param subject the user name or sidecar name it identifies
     * @param role its role
     */
    record IssuedToken(String token, String tokenType, Instant expiresAt, String subject, Role role) {}
}
