package dev.agentkanban.web;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;

/**
 * A real OpenID Connect provider for the single sign-on tests: Spring Authorization Server in its own
 * Spring context (not the app's), on a loopback port, with a form login, discovery, JWKS, token,
 * userinfo and RP-initiated logout endpoints. One confidential client ({@link #CLIENT_ID}) that must
 * use PKCE; its redirect and post-logout addresses follow the app's port (known once the app runs).
 * People are {@link Person}s whose claims (e-mail, groups) go into their ID tokens.
 */
final class OidcProvider implements AutoCloseable {

    static final String CLIENT_ID = "agent-kanban";
    static final String CLIENT_SECRET = "provider-test-secret-0123456789";

    record Person(String username, String password, String name, String email, List<String> groups) {}

    /** The people who can sign in at the provider. */
    static final List<Person> PEOPLE = List.of(
            new Person("ada", "ada-password", "Ada Admin", "ada@example.org", List.of("kanban-admins", "staff")),
            new Person("max", "max-password", "Max Member", "max@example.org", List.of("developers")),
            new Person("eve", "eve-password", "Eve Outsider", "eve@elsewhere.test", List.of("kanban-admins")));

    /** The app's port, which the registered client's addresses name (set before a browser signs in). */
    static volatile int appPort;

    private final ConfigurableApplicationContext context;

    private OidcProvider(ConfigurableApplicationContext context) {
        this.context = context;
    }

    static OidcProvider start() {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(Provider.class)
                .web(WebApplicationType.SERVLET)
                // none of the app's configuration: its own port, its own cookie name, no application.yml
                .run(
                        "--spring.config.name=oidc-test-provider",
                        "--server.port=0",
                        "--server.servlet.session.cookie.name=PROVIDER_SESSION",
                        "--spring.main.banner-mode=off",
                        "--logging.level.root=WARN");
        return new OidcProvider(context);
    }

    int port() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /** The issuer URL: {@code localhost}, a different host from the app's {@code 127.0.0.1}, so the two keep apart cookies. */
    String issuer() {
        return "http://localhost:" + port();
    }

    @Override
    public void close() {
        context.close();
    }

    // a test configuration: the app's component scan of dev.agentkanban leaves it out
    @TestConfiguration(proxyBeanMethods = false)
    @EnableWebSecurity
    @ImportAutoConfiguration({
        org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration.class,
        org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration.class,
        org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration.class,
        org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration.class,
        org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration.class,
        org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration.class,
        org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration.class
    })
    static class Provider {

        @Bean
        @Order(1)
        SecurityFilterChain authorizationServer(HttpSecurity http) throws Exception {
            http.oauth2AuthorizationServer(as -> {
                        http.securityMatcher(as.getEndpointsMatcher());
                        as.oidc(Customizer.withDefaults());
                    })
                    .authorizeHttpRequests(a -> a.anyRequest().authenticated())
                    .exceptionHandling(e -> e.defaultAuthenticationEntryPointFor(
                            new LoginUrlAuthenticationEntryPoint("/login"),
                            new MediaTypeRequestMatcher(MediaType.TEXT_HTML)))
                    // the userinfo endpoint takes the access token it issued
                    .oauth2ResourceServer(rs -> rs.jwt(Customizer.withDefaults()));
            return http.build();
        }

        @Bean
        @Order(2)
        SecurityFilterChain login(HttpSecurity http) throws Exception {
            http.authorizeHttpRequests(a -> a.anyRequest().authenticated()).formLogin(Customizer.withDefaults());
            return http.build();
        }

        @Bean
        UserDetailsService people() {
            return new InMemoryUserDetailsManager(PEOPLE.stream()
                    .map(p -> User.withUsername(p.username())
                            .password("{noop}" + p.password())
                            .roles("USER")
                            .build())
                    .toList());
        }

        /** The client's addresses follow the app's port; everything else is fixed. */
        @Bean
        RegisteredClientRepository clients() {
            return new RegisteredClientRepository() {
                @Override
                public void save(RegisteredClient client) {
                    // the server re-saves a client to upgrade its secret's encoding: the fixed client stays as is
                }

                @Override
                public RegisteredClient findById(String id) {
                    return CLIENT_ID.equals(id) ? client() : null;
                }

                @Override
                public RegisteredClient findByClientId(String clientId) {
                    return CLIENT_ID.equals(clientId) ? client() : null;
                }

                private RegisteredClient client() {
                    String app = "http://127.0.0.1:" + appPort;
                    return RegisteredClient.withId(CLIENT_ID)
                            .clientId(CLIENT_ID)
                            .clientSecret("{noop}" + CLIENT_SECRET)
                            .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                            .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                            .redirectUri(app + "/login/oauth2/code/oidc")
                            .postLogoutRedirectUri(app + "/")
                            .scope(OidcScopes.OPENID)
                            .scope(OidcScopes.PROFILE)
                            .scope(OidcScopes.EMAIL)
                            .clientSettings(ClientSettings.builder()
                                    .requireProofKey(true)
                                    .requireAuthorizationConsent(false)
                                    .build())
                            .build();
                }
            };
        }

        /** Each person's e-mail, name and groups in their ID token. */
        @Bean
        OAuth2TokenCustomizer<JwtEncodingContext> claims() {
            return context -> {
                if (!OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
                    return;
                }
                PEOPLE.stream()
                        .filter(p -> p.username().equals(context.getPrincipal().getName()))
                        .findFirst()
                        .ifPresent(p -> context.getClaims()
                                .claims(c -> c.putAll(Map.of(
                                        "preferred_username",
                                        p.username(),
                                        "name",
                                        p.name(),
                                        "email",
                                        p.email(),
                                        "email_verified",
                                        true,
                                        "groups",
                                        p.groups()))));
            };
        }

        @Bean
        JWKSource<SecurityContext> keys() throws Exception {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            RSAKey key = new RSAKey.Builder((RSAPublicKey) pair.getPublic())
                    .privateKey((RSAPrivateKey) pair.getPrivate())
                    .keyID(UUID.randomUUID().toString())
                    .build();
            return new ImmutableJWKSet<>(new JWKSet(key));
        }

        @Bean
        JwtDecoder jwtDecoder(JWKSource<SecurityContext> keys) {
            return OAuth2AuthorizationServerConfiguration.jwtDecoder(keys);
        }

        @Bean
        AuthorizationServerSettings settings() {
            return AuthorizationServerSettings.builder().build();
        }
    }
}
