package io.dualmode.platform.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import io.dualmode.platform.config.SecurityProperties;
import io.dualmode.platform.storage.Blocking;
import javax.crypto.SecretKey;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;

/**
 * Who may call what. Viewers read; operators also change rules; admins also manage users, issue sidecar tokens and
 * see the actuator; sidecars read rules and open the push stream. Login, health, Prometheus metrics and the OpenAPI document are open.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    SecurityWebFilterChain securityFilterChain(
            ServerHttpSecurity http, ObjectMapper json, UserRepository users, Blocking blocking) {
        SecurityErrors errors = new SecurityErrors(json);
        return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .authorizeExchange(ex -> ex.pathMatchers(HttpMethod.POST, "/api/v1/auth/login")
                        .permitAll()
                        .pathMatchers("/actuator/health", "/actuator/health/**", "/actuator/prometheus")
                        .permitAll()
                        .pathMatchers(
                                "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**", "/webjars/**")
                        .permitAll()
                        .pathMatchers("/api/v1/auth/me")
                        .authenticated()
                        .pathMatchers("/api/v1/push")
                        .hasRole("SIDECAR")
                        .pathMatchers(HttpMethod.GET, "/api/v1/rules", "/api/v1/rules/**")
                        .hasAnyRole("VIEWER", "SIDECAR")
                        .pathMatchers("/api/v1/users", "/api/v1/users/**", "/api/v1/sidecar-tokens", "/actuator/**")
                        .hasRole("ADMIN")
                        .pathMatchers(HttpMethod.GET, "/api/**")
                        .hasRole("VIEWER")
                        .pathMatchers("/api/**")
                        .hasRole("OPERATOR")
                        .anyExchange()
                        .permitAll())
                .oauth2ResourceServer(
                        rs -> rs.jwt(jwt -> jwt.jwtAuthenticationConverter(new CurrentRoles(users, blocking)))
                                .authenticationEntryPoint(errors.entryPoint())
                                .accessDeniedHandler(errors.accessDenied()))
                .exceptionHandling(
                        e -> e.authenticationEntryPoint(errors.entryPoint()).accessDeniedHandler(errors.accessDenied()))
                .build();
    }

    @Bean
    SecretKey tokenKey(SecurityProperties properties, JdbcClient jdbc) {
        return TokenKey.load(properties, jdbc);
    }

    @Bean
    ReactiveJwtDecoder jwtDecoder(SecretKey tokenKey) {
        return NimbusReactiveJwtDecoder.withSecretKey(tokenKey)
                .macAlgorithm(MacAlgorithm.HS256)
                .build();
    }

    @Bean
    JwtEncoder jwtEncoder(SecretKey tokenKey) {
        return new NimbusJwtEncoder(new ImmutableSecret<>(tokenKey));
    }

    @Bean
    TokenService tokenService(JwtEncoder encoder) {
        return new TokenService(encoder);
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }
}
