package dev.agentkanban.identity;

import dev.agentkanban.platform.ServiceInfo;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.stereotype.Component;

/**
 * OIDC single sign-on as the environment configures it ({@code OIDC_*}; off while
 * {@code OIDC_ISSUER_URI} is empty), checked when the server starts: a configuration that cannot work
 * stops the start with a message naming the variable, and production accepts no empty or well-known
 * client secret and no plain-HTTP issuer. Also the rules applied to a person the provider vouches for:
 * the e-mail domain allow-list, the claim whose values give the workspace role, and whether passwords
 * still sign in ("SSO only" keeps the break-glass admin's).
 */
@Component
class OidcSettings {

    /** The registration id: the callback is {@code /login/oauth2/code/oidc}, the start {@code /oauth2/authorization/oidc}. */
    static final String REGISTRATION = "oidc";

    static final String LOGIN_PATH = "/oauth2/authorization/" + REGISTRATION;

    private static final Set<String> KNOWN_DEFAULT_SECRETS =
            Set.of("secret", "changeme", "change-me", "client-secret", "password", "default", "test");

    /** Values of the {@code amr} claim (RFC 8176) that mean the provider asked for a second factor. */
    private static final Set<String> MULTI_FACTOR_AMR = Set.of("mfa", "otp", "hwk", "swk", "sms", "fpt", "face", "sc");

    private final String issuer;
    private final String clientId;
    private final String clientSecret;
    private final List<String> scopes;
    private final String providerName;
    private final Set<String> allowedDomains;
    private final String roleClaim;
    private final Map<String, Role> roleMapping;
    private final Role defaultRole;
    private final boolean createUsers;
    private final boolean ssoOnly;
    private final String breakGlassAdmin;
    private final String workspace;
    private final String usernameClaim;

    OidcSettings(
            @Value("${kanban.oidc.issuer-uri:}") String issuer,
            @Value("${kanban.oidc.client-id:}") String clientId,
            @Value("${kanban.oidc.client-secret:}") String clientSecret,
            @Value("${kanban.oidc.scopes:openid,profile,email}") String scopes,
            @Value("${kanban.oidc.provider-name:}") String providerName,
            @Value("${kanban.oidc.allowed-email-domains:}") String allowedDomains,
            @Value("${kanban.oidc.role-claim:groups}") String roleClaim,
            @Value("${kanban.oidc.role-mapping:}") String roleMapping,
            @Value("${kanban.oidc.default-role:}") String defaultRole,
            @Value("${kanban.oidc.create-users:true}") boolean createUsers,
            @Value("${kanban.oidc.sso-only:false}") boolean ssoOnly,
            @Value("${kanban.oidc.break-glass-admin:${kanban.admin-username:}}") String breakGlassAdmin,
            @Value("${kanban.oidc.workspace:}") String workspace,
            @Value("${kanban.oidc.username-claim:preferred_username}") String usernameClaim,
            @Value("${kanban.environment}") String environment) {
        this.issuer = issuer.trim();
        this.clientId = clientId.trim();
        this.clientSecret = clientSecret.trim();
        this.scopes = List.of(scopes.trim().split("\\s*[, ]\\s*")).stream()
                .filter(s -> !s.isBlank())
                .toList();
        this.allowedDomains = List.of(allowedDomains.split(",")).stream()
                .map(d -> d.trim().toLowerCase(Locale.ROOT))
                .map(d -> d.startsWith("@") ? d.substring(1) : d)
                .filter(d -> !d.isEmpty())
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
        this.roleClaim = roleClaim.trim();
        this.roleMapping = LdapDirectory.parseRoles("OIDC_ROLE_MAPPING", roleMapping);
        this.defaultRole = parseRole(defaultRole);
        this.createUsers = createUsers;
        this.ssoOnly = ssoOnly;
        this.breakGlassAdmin = breakGlassAdmin.trim();
        this.workspace = workspace.trim();
        this.usernameClaim = usernameClaim.trim().isEmpty() ? "preferred_username" : usernameClaim.trim();
        this.providerName = providerName.trim().isEmpty() ? hostOf(this.issuer) : providerName.trim();
        check(ServiceInfo.production(environment));
    }

    private void check(boolean production) {
        if (!enabled()) {
            if (ssoOnly) {
                throw bad("OIDC_SSO_ONLY=true needs OIDC_ISSUER_URI (passwords would be off with no other way in)");
            }
            if (!clientId.isEmpty()) {
                throw bad("OIDC_CLIENT_ID is set but OIDC_ISSUER_URI is empty: set the provider's issuer URL");
            }
            return;
        }
        URI uri;
        try {
            uri = URI.create(issuer);
        } catch (IllegalArgumentException e) {
            throw bad("OIDC_ISSUER_URI '" + issuer + "' is not a URL");
        }
        if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
            throw bad("OIDC_ISSUER_URI '" + issuer + "' is not an http(s) URL with a host");
        }
        if (production && !"https".equals(uri.getScheme())) {
            throw bad("OIDC_ISSUER_URI must be https in production (it is " + issuer + ")");
        }
        if (clientId.isEmpty()) {
            throw bad("OIDC_ISSUER_URI is set but OIDC_CLIENT_ID is empty: register the server as a client"
                    + " at the provider and set its client id");
        }
        if (production
                && (clientSecret.isEmpty()
                        || KNOWN_DEFAULT_SECRETS.contains(clientSecret.toLowerCase(Locale.ROOT))
                        || clientSecret.toLowerCase(Locale.ROOT).contains("change"))) {
            throw bad("OIDC_CLIENT_SECRET is " + (clientSecret.isEmpty() ? "empty" : "a well-known default")
                    + "; production needs the secret the provider issued for this client");
        }
        if (!scopes.contains("openid")) {
            throw bad("OIDC_SCOPES must include openid (it is '" + String.join(",", scopes) + "')");
        }
        if (roleMapping.isEmpty() && defaultRole == null) {
            throw bad("OIDC_ROLE_MAPPING and OIDC_DEFAULT_ROLE are both empty: nobody would get a role. Set e.g."
                    + " OIDC_ROLE_MAPPING=kanban-admins:admin,developers:member or OIDC_DEFAULT_ROLE=member");
        }
        if (ssoOnly && breakGlassAdmin.isEmpty()) {
            throw bad("OIDC_SSO_ONLY=true needs a break-glass admin who keeps a password: set ADMIN_USERNAME"
                    + " or OIDC_BREAK_GLASS_ADMIN");
        }
    }

    private static Role parseRole(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Role.fromWire(text);
        } catch (IllegalArgumentException e) {
            throw bad("OIDC_DEFAULT_ROLE '" + text.trim() + "' is not a role (viewer, agent, member or admin)");
        }
    }

    private static IllegalStateException bad(String message) {
        return new IllegalStateException("OIDC configuration: " + message);
    }

    private static String hostOf(String issuer) {
        try {
            String host = URI.create(issuer).getHost();
            return host == null ? "single sign-on" : host;
        } catch (IllegalArgumentException e) {
            return "single sign-on";
        }
    }

    boolean enabled() {
        return !issuer.isEmpty();
    }

    String issuer() {
        return issuer;
    }

    String clientId() {
        return clientId;
    }

    String clientSecret() {
        return clientSecret;
    }

    List<String> scopes() {
        return scopes;
    }

    String providerName() {
        return providerName;
    }

    boolean createUsers() {
        return createUsers;
    }

    String workspace() {
        return workspace;
    }

    String usernameClaim() {
        return usernameClaim;
    }

    /** Whether password sign-in is refused for {@code username} (SSO only, and not the break-glass admin). */
    boolean passwordRefused(String username) {
        return enabled() && ssoOnly && !breakGlassAdmin.equalsIgnoreCase(username.trim());
    }

    boolean ssoOnly() {
        return enabled() && ssoOnly;
    }

    /** Whether the address's domain may sign in (any, when no allow-list is set). */
    boolean emailAllowed(String email) {
        if (allowedDomains.isEmpty()) {
            return true;
        }
        if (email == null) {
            return false;
        }
        int at = email.lastIndexOf('@');
        return at > 0 && allowedDomains.contains(email.substring(at + 1).trim().toLowerCase(Locale.ROOT));
    }

    boolean restrictsDomains() {
        return !allowedDomains.isEmpty();
    }

    /**
     * The role the claim's values give (a string or a list of strings; the highest mapped role wins), or
     * else {@code OIDC_DEFAULT_ROLE}; empty when neither gives one.
     */
    Optional<Role> roleFor(Map<String, Object> claims) {
        Object value = claims.get(roleClaim);
        Collection<?> values = value instanceof Collection<?> c ? c : value == null ? List.of() : List.of(value);
        Role best = null;
        for (Object v : values) {
            Role r = v == null ? null : roleMapping.get(v.toString().trim().toLowerCase(Locale.ROOT));
            if (r != null && (best == null || r.atLeast(best))) {
                best = r;
            }
        }
        return Optional.ofNullable(best != null ? best : defaultRole);
    }

    /** The provider's second factor, when its {@code amr} claim says one was used (counts for a workspace's 2FA requirement). */
    static String secondFactor(Object amr) {
        if (amr instanceof Collection<?> c) {
            for (Object v : c) {
                if (v != null && MULTI_FACTOR_AMR.contains(v.toString().toLowerCase(Locale.ROOT))) {
                    return "provider_mfa";
                }
            }
        }
        return null;
    }

    /** Registered only when {@code OIDC_ISSUER_URI} is set: the Spring Security client and its filter chain. */
    static final class Configured implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            String issuer = context.getEnvironment().getProperty("kanban.oidc.issuer-uri", "");
            return !issuer.isBlank();
        }
    }
}
