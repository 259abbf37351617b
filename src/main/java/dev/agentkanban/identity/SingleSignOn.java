package dev.agentkanban.identity;

import dev.agentkanban.identity.IdentityRecords.Session;
import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.platform.ApiException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * What happens around an OIDC sign-in once Spring Security's client has checked the provider's answer
 * (code exchanged with PKCE, ID token's signature, issuer, audience and nonce verified): the person is
 * held to the e-mail domain allow-list and given the role their claim maps to, their account is found
 * or created just in time, and the browser gets a single-use code that its page exchanges for the same
 * session a password sign-in gives. Logging out of such a session ends it here and, where the
 * provider's metadata names an {@code end_session_endpoint}, at the provider too (RP-initiated logout).
 */
@Component
class SingleSignOn {

    static final Duration HANDOFF_LIFETIME = Duration.ofMinutes(2);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final OidcSettings settings;
    private final OidcRepository repo;
    private final Identities identities;
    private final SignInRepository signIns;
    private final IdentityRepository users;
    private final SecurityLog securityLog;
    private final TransactionTemplate tx;
    private final ObjectProvider<ClientRegistrationRepository> registrations;

    SingleSignOn(
            OidcSettings settings,
            OidcRepository repo,
            Identities identities,
            SignInRepository signIns,
            IdentityRepository users,
            SecurityLog securityLog,
            TransactionTemplate tx,
            ObjectProvider<ClientRegistrationRepository> registrations) {
        this.settings = settings;
        this.repo = repo;
        this.identities = identities;
        this.signIns = signIns;
        this.users = users;
        this.securityLog = securityLog;
        this.tx = tx;
        this.registrations = registrations;
    }

    /** A sign-in the provider vouched for but this server refuses: the reason (for the log) and what to tell the person. */
    static final class Refused extends RuntimeException {
        final String reason;

        Refused(String reason, String message) {
            super(message);
            this.reason = reason;
        }
    }

    /** What the login page needs to offer single sign-on. */
    record Offer(boolean enabled, String providerName, String loginUrl, boolean ssoOnly) {}

    Offer offer() {
        return settings.enabled()
                ? new Offer(true, settings.providerName(), OidcSettings.LOGIN_PATH, settings.ssoOnly())
                : new Offer(false, null, null, false);
    }

    /**
     * The person the provider signed in, held to this server's rules; answers the single-use code the
     * page exchanges for its session ({@link #exchange}). Refusals are written to the security log.
     */
    String signedIn(OidcUser person) {
        String email = person.getEmail();
        String username = username(person);
        if (settings.restrictsDomains()
                && (email == null
                        || Boolean.FALSE.equals(person.getEmailVerified())
                        || !settings.emailAllowed(email))) {
            throw refuse(
                    username,
                    null,
                    "email_domain",
                    email == null
                            ? "The provider did not tell this server your e-mail address, and only some e-mail"
                                    + " domains may sign in here."
                            : Boolean.FALSE.equals(person.getEmailVerified())
                                    ? "Your e-mail address " + email + " is not verified at the provider."
                                    : "Your e-mail address " + email + " is not from a domain allowed to sign in"
                                            + " here. Ask an administrator if you think it should be.");
        }
        Role role = settings.roleFor(person.getClaims())
                .orElseThrow(() -> refuse(
                        username,
                        null,
                        "no_role",
                        "Your account at " + settings.providerName() + " gives you no role here (none of its"
                                + " groups is mapped to a workspace role). Ask an administrator for access."));
        String subject = person.getSubject();
        Optional<Long> linked = signIns.externalUser("oidc", subject);
        if (linked.isEmpty() && !settings.createUsers()) {
            throw refuse(
                    username,
                    null,
                    "not_provisioned",
                    "There is no account here for you yet, and accounts are not created on first sign-in."
                            + " Ask an administrator to create one.");
        }
        if (username.isEmpty() || username.length() > 100) {
            throw refuse(
                    username,
                    null,
                    "username",
                    "The provider gave no usable user name (claim " + settings.usernameClaim() + ").");
        }
        User user;
        try {
            user = tx.execute(s -> identities.provisionExternal(
                    "oidc",
                    subject,
                    username,
                    person.getFullName() != null ? person.getFullName() : username,
                    email,
                    settings.workspace(),
                    role,
                    Map.of("issuer", settings.issuer())));
        } catch (ApiException e) {
            throw refuse(
                    username,
                    null,
                    "username_taken",
                    "An account named '" + username + "' exists here already and is not linked to your" + " sign-in at "
                            + settings.providerName() + ". Ask an administrator.");
        }
        if (user.disabled()) {
            throw refuse(username, user.id(), "disabled", "Your account here is disabled.");
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String code = "sso_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        repo.saveHandoff(
                Credentials.hash(code),
                user.id(),
                OidcSettings.secondFactor(person.getClaims().get("amr")),
                person.getIdToken().getTokenValue(),
                Instant.now().plus(HANDOFF_LIFETIME));
        return code;
    }

    private String username(OidcUser person) {
        Object claim = person.getClaims().get(settings.usernameClaim());
        String name = claim == null ? person.getEmail() : claim.toString();
        return name == null ? person.getSubject().trim() : name.trim();
    }

    /** A refusal, written to the security log as a failed sign-in. */
    Refused refuse(String username, Long userId, String reason, String message) {
        recordFailure(username, userId, reason);
        return new Refused(reason, message);
    }

    void recordFailure(String username, Long userId, String reason) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("username", username == null ? "" : username.length() > 100 ? username.substring(0, 100) : username);
        detail.put("reason", reason);
        detail.put("method", "oidc");
        securityLog.record(null, "sign_in_failed", userId, null, detail);
    }

    /**
     * The session for a finished sign-in's single-use code (two minutes), like a password sign-in's:
     * the same token, the same security-log entry ({@code signed_in}, method {@code oidc}).
     */
    Session exchange(String code) {
        OidcRepository.Handoff handoff = repo.takeHandoff(Credentials.hash(code.trim()))
                .orElseThrow(() -> new ApiException(
                        HttpStatus.BAD_REQUEST,
                        "invalid-sso-code",
                        "Bad request",
                        "code: the sign-in code is unknown, used already or expired; sign in again",
                        Map.of("field", "code")));
        User user = users.user(handoff.userId())
                .filter(u -> !u.disabled())
                .orElseThrow(() -> new ApiException(
                        HttpStatus.BAD_REQUEST,
                        "invalid-sso-code",
                        "Bad request",
                        "code: the account signed in is disabled",
                        Map.of("field", "code")));
        return identities.signedIn(user, "oidc", handoff.secondFactor(), handoff.idToken());
    }

    /**
     * Where the browser goes to end its session at the provider too: the provider's
     * {@code end_session_endpoint} with the session's ID token as hint and this server's start page to
     * come back to; empty for sessions not signed in through the provider, or a provider without one.
     */
    Optional<String> endSessionUrl(Caller caller, String baseUrl) {
        if (!settings.enabled() || "api_token".equals(caller.credential())) {
            return Optional.empty();
        }
        Optional<String> idToken = repo.takeIdToken(caller.credentialId());
        ClientRegistrationRepository repository = registrations.getIfAvailable();
        if (idToken.isEmpty() || repository == null) {
            return Optional.empty();
        }
        ClientRegistration registration = repository.findByRegistrationId(OidcSettings.REGISTRATION);
        Object endpoint = registration == null
                ? null
                : registration.getProviderDetails().getConfigurationMetadata().get("end_session_endpoint");
        if (endpoint == null) {
            return Optional.empty();
        }
        return Optional.of(UriComponentsBuilder.fromUriString(endpoint.toString())
                .queryParam("id_token_hint", idToken.get())
                .queryParam("client_id", registration.getClientId())
                .queryParam("post_logout_redirect_uri", baseUrl + "/")
                .encode()
                .build()
                .toUriString());
    }
}
