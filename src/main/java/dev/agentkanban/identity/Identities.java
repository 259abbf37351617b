package dev.agentkanban.identity;

import dev.agentkanban.identity.IdentityRecords.ApiToken;
import dev.agentkanban.identity.IdentityRecords.IssuedApiToken;
import dev.agentkanban.identity.IdentityRecords.Me;
import dev.agentkanban.identity.IdentityRecords.Member;
import dev.agentkanban.identity.IdentityRecords.Session;
import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.IdentityRecords.Workspace;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.ServiceInfo;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The identity feature's API: sign-in, sessions, API tokens, users, workspaces and memberships.
 * Workspace-level checks answer 403 to non-members (the workspace's existence is no secret to them).
 */
@Service
public class Identities {

    /**
     * A hash of a random string: checked when the user does not exist, so both failures take as long.
     * Made at the first such sign-in, not at start: hashing in the still-interpreted JVM cost the
     * start-up about a tenth of a second (issue #19).
     */
    private volatile String dummyHash;

    private final IdentityRepository repo;
    private final Credentials credentials;
    private final PasswordEncoder passwords;
    private final TransactionTemplate tx;
    private final Workspaces workspaces;
    private final boolean sessionsEnabled;
    private final SecurityLog securityLog;
    private final TwoFactor twoFactor;
    private final SignInRepository signIns;
    private final LdapDirectory ldap;
    private final OidcSettings oidc;
    private final OidcRepository oidcSessions;
    private final LoginThrottle throttle;

    Identities(
            IdentityRepository repo,
            Credentials credentials,
            PasswordEncoder passwords,
            TransactionTemplate tx,
            Workspaces workspaces,
            @Value("${kanban.sessions-enabled}") String sessionsEnabled,
            @Value("${kanban.seed-demo-data}") boolean demoData,
            @Value("${kanban.environment}") String environment,
            SecurityLog securityLog,
            TwoFactor twoFactor,
            SignInRepository signIns,
            LdapDirectory ldap,
            OidcSettings oidc,
            OidcRepository oidcSessions,
            LoginThrottle throttle) {
        this.throttle = throttle;
        this.ldap = ldap;
        this.oidc = oidc;
        this.oidcSessions = oidcSessions;
        this.securityLog = securityLog;
        this.twoFactor = twoFactor;
        this.signIns = signIns;
        this.repo = repo;
        this.credentials = credentials;
        this.passwords = passwords;
        this.tx = tx;
        this.workspaces = workspaces;
        this.sessionsEnabled = namedSessions(sessionsEnabled, demoData, environment);
    }

    /**
     * Whether named sessions are allowed: {@code SESSIONS_ENABLED} true or false, or {@code auto} (its
     * default): on, as SPEC §4 has them ("can be disabled"), except in production, where a password-less
     * session is offered only when asked for (or with demo data).
     */
    static boolean namedSessions(String setting, boolean demoData, String environment) {
        String value = setting.strip();
        return value.equalsIgnoreCase("auto")
                ? demoData || !ServiceInfo.production(environment)
                : Boolean.parseBoolean(value);
    }

    private String dummyHash() {
        String hash = dummyHash;
        if (hash == null) {
            hash = passwords.encode(java.util.UUID.randomUUID().toString());
            dummyHash = hash;
        }
        return hash;
    }

    // ---- sign-in ----

    public Session login(String username, String password) {
        return login(username, password, null);
    }

    /**
     * Signs in with a password and, when the user has two-factor authentication on, a second factor
     * ({@code code}: the authenticator's six digits or a recovery code). Without one the answer is 401
     * {@code two-factor-required}; a wrong one is 401 {@code invalid-two-factor-code}. Successes and
     * failures go to the security log.
     */
    public Session login(String username, String password, String code) {
        String name = username == null ? "" : username.trim();
        boolean refused = oidc.passwordRefused(name);
        Optional<IdentityRepository.Credentials> found = repo.credentials(name);
        if (!refused
                && ldap.enabled()
                && (found.isEmpty()
                        || signIns.externalSource(found.get().user().id())
                                .filter("ldap"::equals)
                                .isPresent())) {
            return ssoOnlyAnswer(() -> ldapLogin(
                    name, password, code, found.map(c -> c.user().id()).orElse(null)));
        }
        String hash = found.map(IdentityRepository.Credentials::passwordHash).orElse(null);
        // checked for every name, the refused ones too: a refusal takes as long as a wrong password
        boolean matches = passwords.matches(password == null ? "" : password, hash == null ? dummyHash() : hash);
        if (refused) {
            signInFailed(name, found.map(c -> c.user().id()).orElse(null), "sso_only");
            throw passwordSignInDisabled();
        }
        if (found.isEmpty() || hash == null || !matches || found.get().user().disabled()) {
            throw ssoOnlyAnswer(
                    invalidCredentials(name, found.map(c -> c.user().id()).orElse(null)));
        }
        return secondFactorAndSession(found.get().user(), "password", code, name);
    }

    /**
     * The name a sign-in's guesses are counted under ({@link LoginThrottle}): the account's own name when
     * the database finds one for {@code username}, else the name as given. The database's
     * {@code lower(username)} folds more than Java's lower case ("İmogen" finds "imogen"), so counting
     * under the name as typed gave each spelling of an account a budget of its own.
     */
    String throttleName(String username) {
        String name = username == null ? "" : username.trim();
        return repo.userByName(name).map(User::username).orElse(name);
    }

    /**
     * The answer to a password sign-in on a server that signs people in through its identity provider
     * only. The break-glass admin's wrong password gets it too, not the 401 of a wrong password: the
     * 401 singled out the one name that still signs in with a password (every other name got this 403),
     * telling a guesser which account to guess the password of.
     */
    private ApiException passwordSignInDisabled() {
        return new ApiException(
                HttpStatus.FORBIDDEN,
                "password-sign-in-disabled",
                "Forbidden",
                "this server signs people in through " + oidc.providerName() + " only: use \"Sign in with "
                        + oidc.providerName() + "\"",
                java.util.Map.of("sso_login_url", OidcSettings.LOGIN_PATH));
    }

    /** A wrong password's refusal as the server answers it: {@link #passwordSignInDisabled} when SSO only is on. */
    private ApiException ssoOnlyAnswer(ApiException wrongPassword) {
        return oidc.ssoOnly() ? passwordSignInDisabled() : wrongPassword;
    }

    private Session ssoOnlyAnswer(java.util.function.Supplier<Session> signIn) {
        try {
            return signIn.get();
        } catch (ApiException e) {
            throw "invalid-credentials".equals(e.type()) ? ssoOnlyAnswer(e) : e;
        }
    }

    private ApiException invalidCredentials(String name, Long userId) {
        signInFailed(name, userId, "password");
        return new ApiException(
                HttpStatus.UNAUTHORIZED, "invalid-credentials", "Unauthorized", "invalid username or password", null);
    }

    /**
     * Signs in through the LDAP directory: a bind as the user's entry checks the password, their groups
     * give the role. The first sign-in creates the account (no password here), later ones bring the role
     * in line with the groups.
     */
    private Session ldapLogin(String name, String password, String code, Long knownId) {
        Optional<LdapDirectory.Person> person;
        try {
            person = ldap.authenticate(name, password == null ? "" : password);
        } catch (IllegalStateException e) {
            throw new ApiException(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "directory-unavailable",
                    "Service unavailable",
                    "the sign-in directory cannot be reached; try again later",
                    null);
        }
        if (person.isEmpty()) {
            throw invalidCredentials(name, knownId);
        }
        User user = tx.execute(s -> provisionExternal(
                "ldap",
                person.get().dn(),
                person.get().username(),
                person.get().displayName(),
                person.get().email(),
                ldap.workspace(),
                person.get().role(),
                java.util.Map.of("groups", person.get().groups())));
        if (user.disabled()) {
            throw invalidCredentials(name, user.id());
        }
        return secondFactorAndSession(user, "ldap", code, name);
    }

    /**
     * The local account of a person from a directory or identity provider: created on first sign-in
     * (audited as {@code sso_user_provisioned}) in the workspace named by slug (else the default one),
     * with the role their groups or claims give; later sign-ins update the role there (audited).
     */
    User provisionExternal(
            String source,
            String externalId,
            String username,
            String displayName,
            String email,
            String workspaceSlug,
            Role role,
            java.util.Map<String, ?> detail) {
        long ws = workspaceSlug == null || workspaceSlug.isBlank()
                ? workspaces.defaultWorkspaceId()
                : repo.workspaceIdBySlug(workspaceSlug.trim())
                        .orElseThrow(() -> new IllegalStateException("no workspace with slug " + workspaceSlug));
        Optional<Long> linked = signIns.externalUser(source, externalId);
        long id;
        if (linked.isPresent()) {
            id = linked.get();
        } else {
            if (repo.userByName(username).isPresent()) {
                throw ApiException.conflict(
                        "username-taken",
                        "an account named '" + username + "' exists already and is not linked to this sign-in");
            }
            id = repo.insertUser(username, displayName, email, "user", null, false, ws);
            signIns.linkExternal(id, source, externalId);
            java.util.Map<String, Object> d = new java.util.LinkedHashMap<>(detail);
            d.put("source", source);
            d.put("role", role.toString());
            securityLog.record(null, "sso_user_provisioned", id, ws, d);
        }
        Optional<Role> current = repo.role(ws, id);
        if (current.isEmpty() || current.get() != role) {
            repo.putMember(ws, id, role);
            if (current.isPresent()) {
                securityLog.record(
                        null,
                        "member_role_changed",
                        id,
                        ws,
                        java.util.Map.of(
                                "role",
                                role.toString(),
                                "previous",
                                current.get().toString(),
                                "by",
                                source));
            }
        }
        return repo.user(id).orElseThrow();
    }

    private Session secondFactorAndSession(User user, String method, String code, String name) {
        String second = null;
        if (twoFactor.enabled(user.id())) {
            if (code == null || code.isBlank()) {
                throw new ApiException(
                        HttpStatus.UNAUTHORIZED,
                        TWO_FACTOR_REQUIRED,
                        "Unauthorized",
                        "this account signs in with a second factor: send the authenticator's code (or a recovery code) as 'code'",
                        java.util.Map.of("two_factor_required", true));
            }
            second = twoFactor.check(user.id(), code);
            if (second == null) {
                signInFailed(name, user.id(), "two_factor");
                throw new ApiException(
                        HttpStatus.UNAUTHORIZED,
                        "invalid-two-factor-code",
                        "Unauthorized",
                        "the code is wrong, expired or used already; if the authenticator's codes keep failing, sign in"
                                + " with a recovery code",
                        java.util.Map.of("two_factor_required", true));
            }
        }
        return signedIn(user, method, second);
    }

    /** The problem type of a correct password that still needs a second factor (not a failed try). */
    public static final String TWO_FACTOR_REQUIRED = "two-factor-required";

    private void signInFailed(String username, Long userId, String reason) {
        securityLog.record(
                null,
                "sign_in_failed",
                userId,
                null,
                java.util.Map.of(
                        "username", username.length() > 100 ? username.substring(0, 100) : username, "reason", reason));
    }

    /**
     * A browser session for a user who proved who they are by {@code method} (password, ldap, oidc),
     * with {@code secondFactor} (totp, recovery_code) or none; written to the security log.
     */
    Session signedIn(User user, String method, String secondFactor) {
        return signedIn(user, method, secondFactor, null);
    }

    /** The same, keeping the provider's ID token with the session (the hint of its RP-initiated logout). */
    Session signedIn(User user, String method, String secondFactor, String idToken) {
        Session session = session(user, "jwt", method, secondFactor != null, idToken);
        java.util.Map<String, Object> detail = new java.util.LinkedHashMap<>();
        detail.put("method", method);
        if (secondFactor != null) {
            detail.put("second_factor", secondFactor);
        }
        securityLog.record(user.id(), "signed_in", user.id(), null, detail);
        return session;
    }

    /**
     * Seed 002's named session for agents and local use: a token for an agent identity, created on first
     * use. It needs no secret, so it resumes only an account a named session made (never a person's, one
     * an admin made, a directory's or a disabled one), it does not take a name a pending invitation holds
     * (else anyone could accept that invitation), and it carries the read and write scopes, never admin.
     */
    public Session agentSession(String username) {
        if (!sessionsEnabled) {
            throw new ApiException(
                    HttpStatus.NOT_FOUND,
                    "sessions-disabled",
                    "Not found",
                    "named sessions are disabled on this server (SESSIONS_ENABLED)",
                    null);
        }
        String name = username.trim();
        boolean[] created = {false};
        User user = tx.execute(s -> {
            Optional<IdentityRepository.Credentials> existing = repo.credentials(name);
            if (existing.isPresent()) {
                User found = existing.get().user();
                // one a named session made and that has since been given a password is no longer anybody's
                if (!repo.madeByNamedSession(found.id())
                        || existing.get().passwordHash() != null
                        || !"agent".equals(found.kind())) {
                    throw ApiException.conflict(
                            "not-a-session-agent",
                            "'" + name + "' is an account that a named session did not make; sign in with its"
                                    + " password or use an API token");
                }
                if (found.disabled()) {
                    throw new ApiException(
                            HttpStatus.FORBIDDEN, "account-disabled", "Forbidden", "'" + name + "' is disabled", null);
                }
                return found;
            }
            if (repo.invited(name)) {
                throw ApiException.conflict(
                        "name-invited",
                        "'" + name + "' has a pending invitation to a workspace; a named session cannot take it");
            }
            long ws = workspaces.defaultWorkspaceId();
            long id = repo.insertUser(name, name, null, "agent", null, false, ws);
            repo.markMadeByNamedSession(id);
            repo.putMember(ws, id, Role.AGENT);
            created[0] = true;
            return repo.user(id).orElseThrow();
        });
        Session session = session(user, "session", "named", false, null);
        securityLog.record(
                user.id(), "signed_in", user.id(), null, java.util.Map.of("method", "named", "created", created[0]));
        return session;
    }

    private Session session(User user, String kind, String method, boolean twoFactor, String idToken) {
        Credentials.Issued issued = credentials.issueSession(user, kind);
        var request = SecurityLog.currentRequest();
        String agent = request == null ? null : request.getHeader("User-Agent");
        signIns.insertSession(
                issued.jti(),
                user.id(),
                kind,
                method,
                twoFactor,
                SecurityLog.currentAddress(),
                agent == null ? null : agent.length() > 300 ? agent.substring(0, 300) : agent,
                issued.expiresAt());
        if (idToken != null) {
            oidcSessions.keepIdToken(issued.jti(), idToken);
        }
        return new Session(
                issued.token(), "bearer", issued.expiresAt(), credentials.ttl().toSeconds(), user);
    }

    /**
     * A new token of the caller's session (a signed-in person's or a named one), valid for the TTL from
     * now, so that a page in use is not signed out mid-edit: the same session (its id, its place in the
     * sessions list, its signing time), so ending it or its user's sessions ends the new token too. An
     * API token keeps the expiry it was given: 409.
     */
    public Session renew(Caller caller) {
        if ("api_token".equals(caller.credential())) {
            throw ApiException.conflict(
                    "not-a-session", "an API token is not renewed; only a signed-in session's token is");
        }
        User user = repo.user(caller.userId()).orElseThrow();
        Credentials.Issued issued = credentials.renewSession(
                user,
                "session".equals(caller.credential()) ? "session" : "jwt",
                caller.credentialId(),
                caller.issuedAt());
        signIns.sessionRenewed(issued.jti(), issued.expiresAt());
        return new Session(
                issued.token(), "bearer", issued.expiresAt(), credentials.ttl().toSeconds(), user);
    }

    public Me me(Caller caller) {
        User user = repo.user(caller.userId()).orElseThrow();
        List<Workspace> mine = repo.workspacesOf(caller.userId());
        Workspace current = null;
        RequestContext ctx = CurrentRequest.orNull();
        if (ctx != null) {
            current = repo.workspace(ctx.workspaceId(), ctx.role()).orElse(null);
        }
        return new Me(
                user,
                current,
                mine,
                caller.credential(),
                caller.scopes().stream().sorted().toList(),
                caller.expiresAt());
    }

    /**
     * Ends the credential the request came with: a session is revoked until its expiry (a named session
     * with the tokens it minted), an API token for good (with the tokens minted with it), in one transaction.
     */
    public void logout(Caller caller) {
        tx.execute(s -> {
            if ("api_token".equals(caller.credential())) {
                repo.revokeToken(Long.parseLong(caller.credentialId()));
                securityLog.record(
                        caller.userId(),
                        "token_revoked",
                        caller.userId(),
                        null,
                        java.util.Map.of("token_id", Long.parseLong(caller.credentialId()), "by", "logout"));
            } else {
                repo.revokeSession(
                        caller.credentialId(),
                        caller.expiresAt() == null ? Instant.now().plusSeconds(86400) : caller.expiresAt());
                signIns.sessionEnded(caller.credentialId());
                securityLog.record(caller.userId(), "signed_out", caller.userId(), null, java.util.Map.of());
            }
            return null;
        });
    }

    // ---- the caller's sessions ----

    public List<SignInRepository.SessionInfo> sessions(Caller caller) {
        return signIns.sessions(
                caller.userId(), "api_token".equals(caller.credential()) ? null : caller.credentialId());
    }

    /**
     * Ends one of the caller's signed-in sessions through the same revocation as signing out (its
     * sockets close on every instance); 404 when it is not theirs or has ended.
     */
    public void endSession(Caller caller, long sessionId) {
        tx.execute(s -> {
            SignInRepository.Ended ended = signIns.endSession(caller.userId(), sessionId)
                    .orElseThrow(() -> ApiException.notFound("session", sessionId));
            repo.revokeSession(ended.jti(), ended.expiresAt());
            securityLog.record(
                    caller.userId(), "session_ended", caller.userId(), null, java.util.Map.of("session_id", sessionId));
            return null;
        });
    }

    /**
     * Ends every signed-in session of the caller but the one making the request (all of them when the
     * caller uses an API token), as signing out would; API tokens stay. Answers how many were ended.
     */
    public int endOtherSessions(Caller caller) {
        String kept = "api_token".equals(caller.credential()) ? null : caller.credentialId();
        return tx.execute(s -> {
            List<SignInRepository.Ended> ended = signIns.endOtherSessions(caller.userId(), kept);
            for (SignInRepository.Ended e : ended) {
                repo.revokeSession(e.jti(), e.expiresAt());
            }
            // sessions signed before now without a row of their own end too
            repo.endSessions(caller.userId(), kept);
            securityLog.record(
                    caller.userId(), "sessions_ended", caller.userId(), null, java.util.Map.of("ended", ended.size()));
            return ended.size();
        });
    }

    // ---- API tokens ----

    public IssuedApiToken createToken(Caller caller, String name, List<String> scopes, Instant expiresAt) {
        // the route needs write (RouteRules): a read-only token mints nothing, not even another read token
        if (!RouteRules.Scope.WRITE.grantedBy(caller)) {
            throw Roles.forbidden("a read-only credential cannot create tokens");
        }
        for (String scope : scopes) {
            if (!caller.scopes().contains(scope)) {
                throw Roles.forbidden("a token cannot grant the '" + scope + "' scope its creator's credential lacks");
            }
        }
        if (expiresAt != null && !expiresAt.isAfter(Instant.now())) {
            throw ApiException.invalid("expires_at", "must be in the future");
        }
        // a token minted with an API token or a password-less named session never outlives it and is
        // revoked with it (an API token's children when it is revoked, a named session's tokens when it
        // signs out or is ended); a password sign-in mints independent tokens
        boolean signedIn = "jwt".equals(caller.credential());
        if (!signedIn && caller.expiresAt() != null && (expiresAt == null || expiresAt.isAfter(caller.expiresAt()))) {
            expiresAt = caller.expiresAt();
        }
        Long parent = "api_token".equals(caller.credential()) ? Long.valueOf(caller.credentialId()) : null;
        String parentSession = "session".equals(caller.credential()) ? caller.credentialId() : null;
        String secret = Credentials.newApiToken();
        String prefix = secret.substring(0, 12);
        List<String> sorted = scopes.stream().distinct().sorted().toList();
        long id = repo.insertToken(
                caller.userId(),
                name.trim(),
                Credentials.hash(secret),
                prefix,
                sorted,
                expiresAt,
                parent,
                parentSession);
        securityLog.record(
                caller.userId(),
                "token_created",
                caller.userId(),
                null,
                java.util.Map.of("token_id", id, "name", name.trim(), "scopes", sorted));
        ApiToken stored = repo.tokensOf(caller.userId()).stream()
                .filter(t -> t.id() == id)
                .findFirst()
                .orElseThrow();
        return new IssuedApiToken(id, stored.name(), prefix, sorted, expiresAt, stored.createdAt(), secret);
    }

    public List<ApiToken> tokens(Caller caller) {
        return repo.tokensOf(caller.userId());
    }

    public void revokeToken(Caller caller, long tokenId) {
        Optional<Long> owner = repo.tokenOwner(tokenId);
        boolean operator = caller.systemAdmin() && caller.scopes().contains("admin");
        if (owner.isEmpty() || (owner.get() != caller.userId() && !operator)) {
            throw ApiException.notFound("token", tokenId);
        }
        boolean itself =
                "api_token".equals(caller.credential()) && caller.credentialId().equals(Long.toString(tokenId));
        if (!itself && !RouteRules.Scope.WRITE.grantedBy(caller)) {
            throw Roles.forbidden("a read-only token may revoke itself, not other tokens");
        }
        tx.execute(s -> {
            repo.revokeToken(tokenId);
            securityLog.record(
                    caller.userId(), "token_revoked", owner.get(), null, java.util.Map.of("token_id", tokenId));
            return null;
        });
    }

    // ---- workspaces and members ----

    public List<Workspace> workspaces(Caller caller) {
        return caller.systemAdmin() ? repo.allWorkspaces() : repo.workspacesOf(caller.userId());
    }

    public Workspace createWorkspace(Caller caller, String name, String slug) {
        if ("agent".equals(caller.kind())
                || !caller.scopes().contains("admin") && !caller.scopes().contains("write")) {
            throw Roles.forbidden("agents and read-only tokens cannot create workspaces");
        }
        String s = slug == null || slug.isBlank() ? slugOf(name) : slug.trim().toLowerCase();
        if (!s.matches("^[a-z0-9][a-z0-9_-]{0,62}$")) {
            throw ApiException.invalid(
                    "slug",
                    "must be lowercase letters, digits, dashes and underscores (1-63), starting with a letter or digit");
        }
        return tx.execute(st -> {
            if (repo.workspaceIdBySlug(s).isPresent()) {
                throw ApiException.conflict("duplicate", "a workspace with slug '" + s + "' already exists");
            }
            long id = repo.insertWorkspace(s, name.trim());
            repo.putMember(id, caller.userId(), Role.ADMIN);
            return repo.workspace(id, Role.ADMIN).orElseThrow();
        });
    }

    public Workspace workspace(Caller caller, long id) {
        return repo.workspace(id, roleIn(caller, id)).orElseThrow();
    }

    public Workspace renameWorkspace(Caller caller, long id, String name) {
        requireAdmin(caller, id);
        repo.renameWorkspace(id, name.trim());
        return repo.workspace(id, Role.ADMIN).orElseThrow();
    }

    /** Whether signing in to the workspace needs a second factor (its admins decide; tokens and agents are exempt). */
    public Workspace requireTwoFactor(Caller caller, long id, boolean required) {
        requireAdmin(caller, id);
        tx.execute(s -> {
            signIns.requireTwoFactor(id, required);
            securityLog.record(
                    caller.userId(), "workspace_two_factor_changed", null, id, java.util.Map.of("required", required));
            return null;
        });
        return repo.workspace(id, Role.ADMIN).orElseThrow();
    }

    public boolean requiresTwoFactor(Caller caller, long id) {
        roleIn(caller, id);
        return signIns.requiresTwoFactor(id);
    }

    /**
     * Deletes a workspace with everything in it, written to the security log ({@code workspace_deleted}
     * with its id, slug and name, since the entry outlives it). The default workspace cannot be
     * deleted (409 {@code default-workspace}): named agent sessions, the first admin and directory and
     * single sign-on accounts are made there.
     */
    public void deleteWorkspace(Caller caller, long id) {
        tx.execute(s -> {
            adminsTakeTurns(caller, id);
            if (id == workspaces.defaultWorkspaceId()) {
                throw ApiException.conflict(
                        "default-workspace",
                        "the default workspace cannot be deleted: named agent sessions, the first admin and"
                                + " directory and single sign-on accounts are made there");
            }
            Workspace gone = repo.workspace(id, Role.ADMIN).orElseThrow(() -> ApiException.notFound("workspace", id));
            repo.deleteWorkspace(id);
            securityLog.record(
                    caller.userId(),
                    "workspace_deleted",
                    null,
                    null,
                    java.util.Map.of("workspace_id", id, "slug", gone.slug(), "name", gone.name()));
            return null;
        });
    }

    /** The members of the request's workspace (for features that name members, such as a rule's "notify"). */
    public List<Member> membersOfRequestWorkspace() {
        return repo.members(CurrentRequest.get().workspaceId());
    }

    public List<Member> members(Caller caller, long workspaceId) {
        roleIn(caller, workspaceId);
        return repo.members(workspaceId);
    }

    /** What adding a member did: {@code added}, or {@code invited} (the answer for a name nobody has, too). */
    public record MemberAdded(long workspaceId, Long userId, String username, Role role, String status) {}

    /**
     * Adds a member by id or username. A system admin, or an admin adding someone who already shares a
     * workspace with them, adds the member at once. Anyone else is invited: the invitation is recorded
     * under the name (whether or not such a user exists, so the answer reveals nothing about other
     * tenants' users) and the user named accepts it ({@link #acceptInvitation}).
     */
    public MemberAdded addMember(Caller caller, long workspaceId, Long userId, String username, Role role) {
        requireAdmin(caller, workspaceId);
        if (userId == null && (username == null || username.isBlank())) {
            throw ApiException.invalid("username", "give user_id or username");
        }
        Optional<User> found = userId != null ? repo.user(userId) : repo.userByName(username.trim());
        boolean known = found.isPresent()
                && (caller.systemAdmin()
                        || repo.shareWorkspace(caller.userId(), found.get().id()));
        if (known) {
            Member m = setRole(caller, workspaceId, found.get().id(), role, false);
            return new MemberAdded(workspaceId, m.userId(), m.username(), m.role(), "added");
        }
        tx.execute(s -> {
            if (found.isPresent() || userId == null) {
                repo.invite(
                        workspaceId,
                        found.map(User::username).orElse(username == null ? "" : username.trim()),
                        role,
                        caller.userId());
            }
            repo.audit(
                    caller.userId(),
                    "member_invited",
                    found.map(User::id).orElse(null),
                    workspaceId,
                    "{\"role\": \"" + role + "\"}");
            return null;
        });
        return new MemberAdded(workspaceId, userId, userId == null ? username.trim() : null, role, "invited");
    }

    public List<IdentityRepository.Invitation> invitations(Caller caller) {
        return repo.invitationsFor(caller.username());
    }

    /**
     * Joins the workspace of an invitation addressed to the caller; 404 when there is none. An account a
     * named session made cannot accept one: anybody can sign in as it (a workspace admin adds it instead).
     */
    public Member acceptInvitation(Caller caller, long invitationId) {
        return tx.execute(s -> {
            refuseNamedSessionAccount(caller);
            IdentityRepository.Invitation i = repo.takeInvitation(invitationId, caller.username())
                    .orElseThrow(() -> ApiException.notFound("invitation", invitationId));
            if (repo.role(i.workspaceId(), caller.userId()).isEmpty()) {
                repo.putMember(i.workspaceId(), caller.userId(), i.role());
            }
            securityLog.record(
                    caller.userId(),
                    "invitation_accepted",
                    caller.userId(),
                    i.workspaceId(),
                    java.util.Map.of("invitation_id", i.id(), "role", i.role().toString(), "new_account", false));
            return repo.members(i.workspaceId()).stream()
                    .filter(m -> m.userId() == caller.userId())
                    .findFirst()
                    .orElseThrow();
        });
    }

    /** Changes a member's role; 404 when the user is not a member of the workspace. */
    public Member changeRole(Caller caller, long workspaceId, long userId, Role role) {
        // the caller's role is checked in setRole's transaction, once it is their turn
        return setRole(caller, workspaceId, userId, role, true);
    }

    private Member setRole(Caller caller, long workspaceId, long userId, Role role, boolean memberOnly) {
        return tx.execute(s -> {
            adminsTakeTurns(caller, workspaceId);
            Optional<Role> current = repo.role(workspaceId, userId);
            if (memberOnly && current.isEmpty()) {
                throw ApiException.notFound("member", userId);
            }
            if (current.orElse(null) == Role.ADMIN && role != Role.ADMIN && repo.countAdmins(workspaceId) == 1) {
                throw ApiException.conflict("last-admin", "a workspace keeps at least one admin");
            }
            repo.putMember(workspaceId, userId, role);
            repo.audit(
                    caller.userId(),
                    current.isEmpty() ? "member_added" : "member_role_changed",
                    userId,
                    workspaceId,
                    "{\"role\": \"" + role + "\""
                            + current.map(r -> ", \"previous\": \"" + r + "\"").orElse("") + "}");
            return repo.members(workspaceId).stream()
                    .filter(m -> m.userId() == userId)
                    .findFirst()
                    .orElseThrow();
        });
    }

    public void removeMember(Caller caller, long workspaceId, long userId) {
        tx.execute(s -> {
            adminsTakeTurns(caller, workspaceId);
            Optional<Role> current = repo.role(workspaceId, userId);
            if (current.isEmpty()) {
                throw ApiException.notFound("member", userId);
            }
            if (current.get() == Role.ADMIN && repo.countAdmins(workspaceId) == 1) {
                throw ApiException.conflict("last-admin", "a workspace keeps at least one admin");
            }
            repo.removeMember(workspaceId, userId);
            repo.audit(caller.userId(), "member_removed", userId, workspaceId, "{}");
            return null;
        });
    }

    // ---- users ----

    /** The users who share a workspace with the caller (a system admin sees everyone). */
    public Page<User> users(Caller caller, PageRequest page) {
        Long sharingWith = caller.systemAdmin() ? null : caller.userId();
        return new Page<>(
                repo.users(sharingWith, page.limit(), page.offset()),
                repo.countUsers(sharingWith),
                page.limit(),
                page.offset());
    }

    /** Creates a user; a workspace admin's new user joins that workspace with {@code role} (default member). */
    public User createUser(
            Caller caller,
            String username,
            String password,
            String email,
            String displayName,
            String kind,
            Role role,
            boolean admin) {
        RequestContext ctx = CurrentRequest.orNull();
        boolean workspaceAdmin = ctx != null && ctx.role() == Role.ADMIN;
        if (!caller.systemAdmin() && !workspaceAdmin) {
            throw Roles.forbidden("only admins can create users");
        }
        if (admin && !caller.systemAdmin()) {
            throw Roles.forbidden("only a system admin can create another system admin");
        }
        return tx.execute(s -> {
            if (repo.userByName(username).isPresent()) {
                throw ApiException.conflict("duplicate", "username '" + username + "' is taken");
            }
            Long ws = ctx == null ? null : ctx.workspaceId();
            long id = repo.insertUser(
                    username.trim(),
                    displayName,
                    email,
                    kind == null ? "user" : kind,
                    password == null ? null : passwords.encode(password),
                    admin,
                    ws);
            java.util.Map<String, Object> detail = new java.util.LinkedHashMap<>();
            detail.put("username", username.trim());
            detail.put("is_admin", admin);
            if (ws != null) {
                Role joined = role == null ? Role.MEMBER : role;
                repo.putMember(ws, id, joined);
                detail.put("role", joined.toString());
            }
            securityLog.record(caller.userId(), "user_created", id, ws, detail);
            return repo.user(id).orElseThrow();
        });
    }

    public User user(Caller caller, long id) {
        if (id != caller.userId() && !caller.systemAdmin() && !repo.shareWorkspace(caller.userId(), id)) {
            throw ApiException.notFound("user", id);
        }
        return repo.user(id).orElseThrow(() -> ApiException.notFound("user", id));
    }

    /**
     * Changes a user. Changing one's own password needs the current one and ends one's other signed-in
     * sessions; a system admin resetting someone else's password (or disabling them, or granting
     * admin) ends all of that user's sessions and is written to the identity audit.
     */
    public User updateUser(
            Caller caller,
            long id,
            String displayName,
            String email,
            String password,
            String currentPassword,
            Boolean disabled,
            Boolean admin) {
        boolean self = id == caller.userId();
        if (!self && !caller.systemAdmin()) {
            throw repo.shareWorkspace(caller.userId(), id)
                    ? Roles.forbidden("only a system admin can change another user")
                    : ApiException.notFound("user", id);
        }
        if ((disabled != null || admin != null) && !caller.systemAdmin()) {
            throw Roles.forbidden("only a system admin can disable users or grant admin");
        }
        repo.user(id).orElseThrow(() -> ApiException.notFound("user", id));
        if (self && (Boolean.TRUE.equals(disabled) || Boolean.FALSE.equals(admin))) {
            // a system admin disabling or demoting themself could leave the server without one
            throw ApiException.conflict(
                    "self-lockout", "you cannot disable your own account or take your own admin rights");
        }
        if (password != null && self) {
            checkCurrentPassword(caller, currentPassword);
        }
        String hash = password == null ? null : passwords.encode(password);
        return tx.execute(s -> {
            repo.updateUser(id, displayName, email, disabled, hash, admin);
            if (password != null || Boolean.TRUE.equals(disabled)) {
                repo.endSessions(id, self && !"api_token".equals(caller.credential()) ? caller.credentialId() : null);
            }
            if (!self) {
                List<String> changed = new java.util.ArrayList<>();
                if (password != null) {
                    changed.add("\"password_reset\"");
                }
                if (disabled != null) {
                    changed.add(disabled ? "\"disabled\"" : "\"enabled\"");
                }
                if (admin != null) {
                    changed.add(admin ? "\"admin_granted\"" : "\"admin_revoked\"");
                }
                if (!changed.isEmpty()) {
                    repo.audit(
                            caller.userId(),
                            "user_changed",
                            id,
                            null,
                            "{\"changes\": [" + String.join(", ", changed) + "]}");
                }
            } else if (password != null) {
                repo.audit(caller.userId(), "password_changed", id, null, "{}");
            }
            return repo.user(id).orElseThrow();
        });
    }

    /**
     * The current password a session gives to change its password: a wrong one counts against the
     * sign-in throttle and is written to the security log ({@code sign_in_failed}, reason
     * {@code current_password}), so a stolen session cannot guess it freely or unseen.
     */
    private void checkCurrentPassword(Caller caller, String currentPassword) {
        String stored = repo.passwordHash(caller.userId()).orElse(null);
        if (currentPassword == null || stored == null) {
            throw wrongCurrentPassword();
        }
        throttle.attempt(caller.username(), String.valueOf(SecurityLog.currentAddress()), () -> {
            if (!passwords.matches(currentPassword, stored)) {
                signInFailed(caller.username(), caller.userId(), "current_password");
                throw wrongCurrentPassword();
            }
            return null;
        });
    }

    private static ApiException wrongCurrentPassword() {
        return ApiException.invalid(
                "current_password", "is required to change your password, and must be your current one");
    }

    public void deleteUser(Caller caller, long id) {
        if (!caller.systemAdmin()) {
            throw id == caller.userId() || repo.shareWorkspace(caller.userId(), id)
                    ? Roles.forbidden("only a system admin can delete users")
                    : ApiException.notFound("user", id);
        }
        if (id == caller.userId()) {
            throw ApiException.conflict("self-delete", "you cannot delete your own account");
        }
        tx.execute(s -> {
            User gone = repo.user(id).orElseThrow(() -> ApiException.notFound("user", id));
            // the workspaces they administer take turns with their other member changes (setRole)
            List<Long> administered = repo.workspacesAdministeredBy(id);
            administered.forEach(repo::lockWorkspace);
            List<Long> lastAdminOf = administered.stream()
                    .filter(ws -> repo.countAdmins(ws) == 1)
                    .toList();
            if (!lastAdminOf.isEmpty()) {
                throw ApiException.conflict(
                        "last-admin",
                        "'" + gone.username() + "' is the only admin of workspace " + lastAdminOf
                                + ": a workspace keeps at least one admin; make someone else its admin, or delete it,"
                                + " first",
                        java.util.Map.of("workspace_ids", lastAdminOf));
            }
            if (repo.deleteUser(id) == 0) {
                throw ApiException.notFound("user", id);
            }
            securityLog.record(
                    caller.userId(),
                    "user_deleted",
                    null,
                    null,
                    java.util.Map.of("user_id", id, "username", gone.username()));
            return null;
        });
    }

    /** Creates the first admin (ADMIN_USERNAME/ADMIN_PASSWORD) unless that user exists; true if created. */
    public boolean ensureAdmin(String username, String password) {
        return Boolean.TRUE.equals(tx.execute(s -> {
            if (repo.userByName(username).isPresent()) {
                return false;
            }
            long ws = workspaces.defaultWorkspaceId();
            long id = repo.insertUser(username, username, null, "user", passwords.encode(password), true, ws);
            repo.putMember(ws, id, Role.ADMIN);
            return true;
        }));
    }

    /** Creates a user with a password in a workspace with a role (for set-up code such as demo data and tests). */
    public User provision(String username, String password, long workspaceId, Role role, boolean systemAdmin) {
        return tx.execute(s -> {
            long id = repo.insertUser(
                    username,
                    username,
                    null,
                    "user",
                    password == null ? null : passwords.encode(password),
                    systemAdmin,
                    workspaceId);
            repo.putMember(workspaceId, id, role);
            return repo.user(id).orElseThrow();
        });
    }

    /**
     * Creates a workspace without a request (set-up code such as demo data); it starts with the default
     * tags, as every workspace does. The slug is the caller's to get right (the table checks it).
     */
    public long provisionWorkspace(String slug, String name) {
        return tx.execute(s -> repo.insertWorkspace(slug, name));
    }

    /** Makes a user a member of a workspace with a role (set-up code such as demo data). */
    public void provisionMember(long workspaceId, long userId, Role role) {
        tx.execute(s -> {
            repo.putMember(workspaceId, userId, role);
            return null;
        });
    }

    /** Issues an API token for a user without a request (set-up code and tests). */
    public String issueToken(long userId, String name, List<String> scopes) {
        String secret = Credentials.newApiToken();
        repo.insertToken(userId, name, Credentials.hash(secret), secret.substring(0, 12), scopes, null, null, null);
        return secret;
    }

    /**
     * An account a named session made joins no workspace by invitation, by address or by link: anybody can
     * sign in as it (a workspace admin adds it instead).
     */
    void refuseNamedSessionAccount(Caller caller) {
        if (repo.madeByNamedSession(caller.userId())) {
            throw new ApiException(
                    HttpStatus.FORBIDDEN,
                    "named-session-account",
                    "Forbidden",
                    "an account a named session made cannot accept invitations; a workspace admin adds it",
                    null);
        }
    }

    /** The caller's role in the workspace; a system admin is an admin in every one, whatever their membership. */
    private Role roleIn(Caller caller, long workspaceId) {
        Optional<Role> role = repo.role(workspaceId, caller.userId());
        if (caller.systemAdmin()
                && (role.isPresent() || repo.workspace(workspaceId, Role.ADMIN).isPresent())) {
            return Role.lower(Role.ADMIN, caller.scopeCap());
        }
        if (role.isPresent()) {
            return Role.lower(role.get(), caller.scopeCap());
        }
        // SPEC §4: another workspace is 404, as if missing
        throw ApiException.notFound("workspace", workspaceId);
    }

    /**
     * Changes of a workspace's members take turns (a lock on its row until the transaction ends), and the
     * caller must still be its admin once it is their turn: two admins demoting each other at once would
     * otherwise both see two admins and leave none.
     */
    private void adminsTakeTurns(Caller caller, long workspaceId) {
        repo.lockWorkspace(workspaceId);
        requireAdmin(caller, workspaceId);
    }

    private void requireAdmin(Caller caller, long workspaceId) {
        if (roleIn(caller, workspaceId) != Role.ADMIN) {
            throw Roles.forbidden("only the workspace's admins can do this");
        }
    }

    static String slugOf(String name) {
        String s = name.trim().toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        if (s.isEmpty()) {
            s = "workspace";
        }
        return s.length() > 63 ? s.substring(0, 63) : s;
    }
}
