package dev.agentkanban.identity;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.NullSecurityContextRepository;
import org.springframework.web.util.HtmlUtils;

/**
 * OIDC single sign-on with Spring Security's OAuth 2.0 client, present only when
 * {@code OIDC_ISSUER_URI} is set: the provider's metadata is read at start (discovery; a provider that
 * cannot be read stops the start with the reason), the authorization code flow always uses PKCE (S256)
 * and a nonce, and the filter chain of {@code /oauth2/authorization/oidc} and
 * {@code /login/oauth2/code/oidc} keeps no HTTP session: the started request waits in the database
 * ({@link OidcRequests}) and the sign-in ends with a redirect to the web page carrying a single-use code
 * ({@link SingleSignOn}). Tokens the provider issued are not kept, except the ID token as logout hint.
 */
@Configuration
@Conditional(OidcSettings.Configured.class)
@ConditionalOnWebApplication
class OidcConfig {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(OidcConfig.class);

    @Bean
    ClientRegistrationRepository oidcClientRegistrations(OidcSettings settings) {
        ClientRegistration.Builder builder;
        try {
            builder = ClientRegistrations.fromIssuerLocation(settings.issuer());
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "OIDC configuration: cannot read the provider's metadata from OIDC_ISSUER_URI=" + settings.issuer()
                            + " (" + settings.issuer().replaceAll("/+$", "")
                            + "/.well-known/openid-configuration): " + e.getMessage(),
                    e);
        }
        ClientRegistration registration = builder.registrationId(OidcSettings.REGISTRATION)
                .clientName(settings.providerName())
                .clientId(settings.clientId())
                .clientSecret(settings.clientSecret())
                .clientAuthenticationMethod(
                        settings.clientSecret().isEmpty()
                                ? ClientAuthenticationMethod.NONE
                                : ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .scope(settings.scopes())
                .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
                .clientSettings(ClientRegistration.ClientSettings.builder()
                        .requireProofKey(true)
                        .build())
                .build();
        return new InMemoryClientRegistrationRepository(registration);
    }

    /** The sign-in keeps none of the provider's tokens (no in-memory store growing with every sign-in). */
    @Bean
    OAuth2AuthorizedClientRepository oidcAuthorizedClients() {
        return new OAuth2AuthorizedClientRepository() {
            @Override
            public <T extends org.springframework.security.oauth2.client.OAuth2AuthorizedClient> T loadAuthorizedClient(
                    String registrationId,
                    org.springframework.security.core.Authentication principal,
                    jakarta.servlet.http.HttpServletRequest request) {
                return null;
            }

            @Override
            public void saveAuthorizedClient(
                    org.springframework.security.oauth2.client.OAuth2AuthorizedClient client,
                    org.springframework.security.core.Authentication principal,
                    jakarta.servlet.http.HttpServletRequest request,
                    HttpServletResponse response) {}

            @Override
            public void removeAuthorizedClient(
                    String registrationId,
                    org.springframework.security.core.Authentication principal,
                    jakarta.servlet.http.HttpServletRequest request,
                    HttpServletResponse response) {}
        };
    }

    /** Before the API's chain: only the two paths of the redirect flow. */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 10)
    SecurityFilterChain oidcSignIn(
            HttpSecurity http,
            ClientRegistrationRepository registrations,
            OAuth2AuthorizedClientRepository authorizedClients,
            OidcRepository repo,
            SingleSignOn sso)
            throws Exception {
        var resolver = new org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver(
                registrations, "/oauth2/authorization");
        resolver.setAuthorizationRequestCustomizer(
                org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers.withPkce());
        http.securityMatcher("/oauth2/authorization/**", "/login/oauth2/code/**")
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .securityContext(c -> c.securityContextRepository(new NullSecurityContextRepository()))
                .requestCache(c -> c.disable())
                .headers(SecurityConfig::headers)
                .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .oauth2Login(o -> o.clientRegistrationRepository(registrations)
                        .authorizedClientRepository(authorizedClients)
                        .authorizationEndpoint(a -> a.authorizationRequestRepository(new OidcRequests(repo))
                                .authorizationRequestResolver(resolver))
                        .successHandler((request, response, authentication) -> {
                            if (!(authentication.getPrincipal() instanceof OidcUser person)) {
                                page(response, "The provider did not answer with an OpenID Connect sign-in.");
                                return;
                            }
                            try {
                                response.sendRedirect("/#sso=" + sso.signedIn(person));
                            } catch (SingleSignOn.Refused refused) {
                                page(response, refused.getMessage());
                            }
                        })
                        .failureHandler((request, response, exception) -> {
                            String code = exception instanceof OAuth2AuthenticationException failed
                                    ? failed.getError().getErrorCode()
                                    : "error";
                            // the operator's clue (the provider's answer, a clock skew, a wrong secret)
                            log.warn("OIDC sign-in failed: {}", exception.getMessage());
                            sso.recordFailure("", null, "oidc_" + code);
                            page(
                                    response,
                                    "access_denied".equals(code)
                                            ? "The sign-in was cancelled or refused at the provider."
                                            : "The sign-in could not be completed (" + code
                                                    + "). Start again from the sign-in page.");
                        }));
        return http.build();
    }

    /** The page a refused or failed sign-in ends on: what happened, and the way back. */
    private static void page(HttpServletResponse response, String message) throws IOException {
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("text/html;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        String html = """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <meta name="color-scheme" content="light dark">
                <title>Sign-in refused · Agent Kanban</title><link rel="stylesheet" href="/css/app.css"></head>
                <body><main class="login"><div class="login-box">
                <h1>Sign-in refused</h1>
                <p id="sso-refused" role="alert">%s</p>
                <p><a href="/">Back to sign-in</a></p>
                </div></main></body></html>
                """.formatted(HtmlUtils.htmlEscape(message));
        response.getOutputStream().write(html.getBytes(StandardCharsets.UTF_8));
    }
}
