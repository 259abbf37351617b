package dev.agentkanban.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The OIDC configuration's checks at start (plain unit tests, no Spring) and its rules for a signed-in person. */
class OidcSettingsTest {

    private static OidcSettings settings(
            String issuer,
            String clientId,
            String secret,
            String scopes,
            String mapping,
            String defaultRole,
            boolean ssoOnly,
            String breakGlass,
            String environment) {
        return new OidcSettings(
                issuer,
                clientId,
                secret,
                scopes,
                "",
                "example.org, @Example.COM",
                "groups",
                mapping,
                defaultRole,
                true,
                ssoOnly,
                breakGlass,
                "",
                "preferred_username",
                environment);
    }

    private static OidcSettings valid(String environment) {
        return settings(
                "https://id.example.org/realms/kanban",
                "kanban",
                "a-real-secret-from-the-provider",
                "openid,profile,email",
                "kanban-admins:admin,developers:member",
                "",
                true,
                "root",
                environment);
    }

    @Test
    void offWhileNoIssuerIsSet() {
        OidcSettings off = settings("", "", "", "openid", "", "", false, "", "production");
        assertThat(off.enabled()).isFalse();
        assertThat(off.passwordRefused("anyone")).isFalse();
    }

    @Test
    void badConfigurationStopsTheStartNamingTheVariable() {
        assertThatThrownBy(() -> settings("", "", "", "openid", "", "", true, "root", "development"))
                .hasMessageContaining("OIDC_SSO_ONLY=true needs OIDC_ISSUER_URI");
        assertThatThrownBy(() -> settings("not a url", "c", "s", "openid", "a:admin", "", false, "", "development"))
                .hasMessageContaining("OIDC_ISSUER_URI");
        assertThatThrownBy(() -> settings("https://id.example.org", "", "s", "openid", "a:admin", "", false, "", "dev"))
                .hasMessageContaining("OIDC_CLIENT_ID");
        assertThatThrownBy(
                        () -> settings("https://id.example.org", "c", "s", "profile", "a:admin", "", false, "", "dev"))
                .hasMessageContaining("OIDC_SCOPES must include openid");
        assertThatThrownBy(() -> settings("https://id.example.org", "c", "s", "openid", "", "", false, "", "dev"))
                .hasMessageContaining("OIDC_ROLE_MAPPING and OIDC_DEFAULT_ROLE are both empty");
        assertThatThrownBy(
                        () -> settings("https://id.example.org", "c", "s", "openid", "a:owner", "", false, "", "dev"))
                .hasMessageContaining("OIDC_ROLE_MAPPING: 'owner' is not a role");
        assertThatThrownBy(() -> settings("https://id.example.org", "c", "s", "openid", "", "boss", false, "", "dev"))
                .hasMessageContaining("OIDC_DEFAULT_ROLE 'boss' is not a role");
        assertThatThrownBy(() -> settings("https://id.example.org", "c", "s", "openid", "a:admin", "", true, "", "dev"))
                .hasMessageContaining("break-glass admin");
    }

    @Test
    void productionAcceptsNoDefaultSecretAndNoPlainHttpIssuer() {
        assertThat(valid("production").enabled()).isTrue();
        for (String secret : List.of("", "secret", "changeme", "please-change-me")) {
            assertThatThrownBy(() -> settings(
                            "https://id.example.org", "c", secret, "openid", "a:admin", "", false, "", "production"))
                    .as(secret)
                    .hasMessageContaining("OIDC_CLIENT_SECRET");
        }
        assertThatThrownBy(() -> settings(
                        "http://id.example.org",
                        "c",
                        "a-real-secret",
                        "openid",
                        "a:admin",
                        "",
                        false,
                        "",
                        "production"))
                .hasMessageContaining("must be https in production");
        // outside production a public client (no secret, PKCE only) on plain HTTP is allowed, e.g. a local Keycloak
        assertThat(settings("http://localhost:8081/realms/dev", "c", "", "openid", "a:admin", "", false, "", "dev")
                        .enabled())
                .isTrue();
    }

    @Test
    void theHighestMappedRoleWinsElseTheDefaultElseNone() {
        OidcSettings s = valid("development");
        assertThat(s.roleFor(Map.of("groups", List.of("developers", "Kanban-Admins"))))
                .contains(Role.ADMIN);
        assertThat(s.roleFor(Map.of("groups", "developers"))).contains(Role.MEMBER);
        assertThat(s.roleFor(Map.of("groups", List.of("unrelated")))).isEmpty();
        assertThat(s.roleFor(Map.of())).isEmpty();
        OidcSettings withDefault =
                settings("https://id.example.org", "c", "s", "openid", "a:admin", "viewer", false, "", "development");
        assertThat(withDefault.roleFor(Map.of("groups", List.of("unrelated")))).contains(Role.VIEWER);
    }

    @Test
    void emailDomainsAreComparedWholeAndWithoutCase() {
        OidcSettings s = valid("development");
        assertThat(s.emailAllowed("ada@example.org")).isTrue();
        assertThat(s.emailAllowed("bob@EXAMPLE.com")).isTrue();
        assertThat(s.emailAllowed("eve@evil-example.org")).isFalse();
        assertThat(s.emailAllowed("eve@example.org.evil.test")).isFalse();
        assertThat(s.emailAllowed("no-at-sign")).isFalse();
        assertThat(s.emailAllowed(null)).isFalse();
    }

    @Test
    void ssoOnlyKeepsTheBreakGlassAdminsPassword() {
        OidcSettings s = valid("development");
        assertThat(s.passwordRefused("someone")).isTrue();
        assertThat(s.passwordRefused("ROOT")).isFalse();
    }

    @Test
    void theProvidersSecondFactorCountsWhenItsAmrSaysSo() {
        assertThat(OidcSettings.secondFactor(List.of("pwd", "mfa"))).isEqualTo("provider_mfa");
        assertThat(OidcSettings.secondFactor(List.of("pwd"))).isNull();
        assertThat(OidcSettings.secondFactor(null)).isNull();
    }
}
