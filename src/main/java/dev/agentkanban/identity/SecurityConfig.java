package dev.agentkanban.identity;

import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Problems;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.HeadersConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * HTTP security: stateless bearer credentials (no cookies, so no CSRF tokens), health and the UI's
 * static files open, {@code /actuator/**} (but health) for system admins with an admin-scoped
 * credential, everything else authenticated; 401 and 403 as problem+json. What each API route needs
 * beyond that is declared in {@link RouteRules}.
 */
@Configuration
class SecurityConfig {

    /** Only in a web application: the CLI commands run without a web server, and without this chain. */
    @Bean
    @ConditionalOnWebApplication
    SecurityFilterChain api(
            HttpSecurity http,
            Credentials credentials,
            CallerAccess access,
            JsonMapper json,
            InvalidCredentialThrottle invalidCredentials)
            throws Exception {
        http.csrf(csrf -> csrf.disable())
                .cors(cors -> {})
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .logout(l -> l.disable())
                .requestCache(c -> c.disable())
                .headers(SecurityConfig::headers)
                .addFilterBefore(
                        new AuthenticationFilter(credentials, access, json, invalidCredentials),
                        AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(a -> a.requestMatchers(SecurityPaths.PUBLIC)
                        .permitAll()
                        // operator endpoints (metrics and whatever else is exposed), not health: system admins only
                        .requestMatchers("/actuator", "/actuator/**")
                        .hasAuthority(AuthenticationFilter.OPERATOR)
                        .requestMatchers("/api/**", "/ws/**", "/ws", "/mcp", "/mcp/**")
                        .authenticated()
                        .anyRequest()
                        .permitAll())
                .exceptionHandling(e -> e.authenticationEntryPoint((req, res, ex) -> problem(
                                json,
                                res,
                                new ApiException(
                                        HttpStatus.UNAUTHORIZED,
                                        "unauthorized",
                                        "Unauthorized",
                                        "authentication required: send Authorization: Bearer <token>",
                                        null)))
                        .accessDeniedHandler((req, res, ex) -> problem(json, res, Roles.forbidden("access denied"))));
        return http.build();
    }

    /** The response headers of every page and answer (the OIDC chain's too). */
    static void headers(HeadersConfigurer<HttpSecurity> h) {
        // written before the request is handled, not when the response commits: a HEAD of the welcome
        // page (a forward to index.html with no body) otherwise went out without them
        h.addObjectPostProcessor(new ObjectPostProcessor<HeaderWriterFilter>() {
            @Override
            public <O extends HeaderWriterFilter> O postProcess(O filter) {
                filter.setShouldWriteHeadersEagerly(true);
                return filter;
            }
        });
        h.contentTypeOptions(c -> {})
                .frameOptions(f -> f.deny())
                .referrerPolicy(
                        r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN))
                .contentSecurityPolicy(c -> c.policyDirectives("default-src 'self'; script-src 'self'; "
                        + "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; "
                        + "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"));
    }

    /**
     * No observations of the security filters and authorization decisions: wrapping each of the
     * chain's filters in an observation cost about a fifth of a simple request's CPU time under load
     * (JFR, docs/benchmarks.md). The request as a whole is still observed ({@code http.server.requests}).
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    /** bcrypt reads at most this many bytes of a password (and Spring's refuses longer ones). */
    static final int MAX_PASSWORD_BYTES = 72;

    /**
     * Passwords are hashed with bcrypt (Spring Security's delegating encoder, {@code {bcrypt}} prefix).
     * A password bcrypt cannot hash (over {@value #MAX_PASSWORD_BYTES} bytes in UTF-8) is refused with a
     * 422 naming {@code password} wherever one is set (a new user, a change, an admin's reset, an
     * invitation redeemed), before anything is written, instead of the 500 the encoder's exception was.
     */
    @Bean
    PasswordEncoder passwordEncoder() {
        PasswordEncoder bcrypt = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        return new PasswordEncoder() {
            @Override
            public String encode(CharSequence raw) {
                if (raw.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
                    throw ApiException.invalid(
                            "password",
                            "must be at most " + MAX_PASSWORD_BYTES + " bytes in UTF-8 (" + MAX_PASSWORD_BYTES
                                    + " plain letters, digits or symbols; fewer accented letters or other characters)");
                }
                return bcrypt.encode(raw);
            }

            @Override
            public boolean matches(CharSequence raw, String encoded) {
                return bcrypt.matches(raw, encoded);
            }

            @Override
            public boolean upgradeEncoding(String encoded) {
                return bcrypt.upgradeEncoding(encoded);
            }
        };
    }

    private static void problem(JsonMapper json, HttpServletResponse res, ApiException e) throws IOException {
        res.setStatus(e.status().value());
        res.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (e.status() == HttpStatus.UNAUTHORIZED) {
            res.setHeader("WWW-Authenticate", "Bearer");
        }
        json.writeValue(res.getOutputStream(), Problems.of(e));
    }
}
