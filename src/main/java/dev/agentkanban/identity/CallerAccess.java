package dev.agentkanban.identity;

import java.time.Instant;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * What an authenticated caller may do in a workspace, worked out the same way for every entry point:
 * the workspace named by id or slug, or the caller's default (else first) one; the membership role
 * capped by the credential's scopes; a system admin is an admin in every workspace.
 *
 * <p>A request is authenticated once, but a long-lived connection (a WebSocket) outlives that moment:
 * it asks {@link #valid} and {@link #in} again now and then, so that revoking the token, signing
 * out, disabling the user or removing them from the workspace ends it.
 */
@Component
public class CallerAccess {

    private final IdentityRepository repo;
    /**
     * The workspace and membership role a request resolves to, by user, system admin or not, and the
     * workspace as named (or the default): answered from memory while {@link AccessWatch} trusts it,
     * emptied at every access change (V13, V26 announce changed roles, removed and added members,
     * renamed workspaces and changed defaults).
     */
    private final IdentityCache<String, Membership> memberships;

    private record Membership(long workspaceId, Role role) {}

    private final SignInRepository signIns;
    /**
     * Sessions that may act in a workspace as far as its two-factor requirement goes, by workspace and
     * session: kept like memberships, so the check costs no round trip on the hot path; a workspace
     * turning the requirement on is an access change (V29_2) that empties it.
     */
    private final IdentityCache<String, Boolean> twoFactorSatisfied;

    CallerAccess(IdentityRepository repo, SignInRepository signIns, AccessWatch watch) {
        this.repo = repo;
        this.signIns = signIns;
        this.memberships = new IdentityCache<>(watch);
        this.twoFactorSatisfied = new IdentityCache<>(watch);
    }

    /**
     * Whether the workspace requires two-factor sign-in and the caller is a person's signed-in session
     * that was not: then it may not act there, whether by REST, WebSocket or MCP. API tokens and agents'
     * named sessions are not affected.
     */
    public boolean lacksRequiredTwoFactor(Caller caller, long workspaceId) {
        return "jwt".equals(caller.credential())
                && twoFactorSatisfied
                        .get(
                                workspaceId + ":" + caller.credentialId(),
                                () -> signIns.lacksRequiredTwoFactor(workspaceId, caller.credentialId())
                                        ? Optional.empty()
                                        : Optional.of(Boolean.TRUE))
                        .isEmpty();
    }

    /**
     * A workspace that requires two-factor sign-in, among those the caller reaches (their memberships,
     * every workspace for a system admin), when the caller is a person's signed-in session that was
     * not: what it would make on its account (an API token, a user) would reach that workspace.
     */
    public Optional<Long> workspaceRequiringMissingTwoFactor(Caller caller) {
        return "jwt".equals(caller.credential())
                ? signIns.workspaceRequiringMissingTwoFactor(caller.userId(), caller.credentialId())
                : Optional.empty();
    }

    /** The same, from the database (what open connections re-check when access changes). */
    public boolean lacksRequiredTwoFactorNow(Caller caller, long workspaceId) {
        return "jwt".equals(caller.credential()) && signIns.lacksRequiredTwoFactor(workspaceId, caller.credentialId());
    }

    /** The caller's context in the workspace named by id or slug; empty when it does not exist or they are not a member. */
    public Optional<RequestContext> named(Caller caller, String workspace) {
        String name = workspace.trim();
        return memberships
                .get(
                        caller.userId() + ":" + caller.systemAdmin() + ":named:" + name,
                        () -> parse(name).flatMap(id -> membership(caller, id)))
                .map(m -> context(caller, m.workspaceId(), m.role()));
    }

    /** The caller's context in their default workspace (or their first one); empty when they belong to none. */
    public Optional<RequestContext> byDefault(Caller caller) {
        return memberships
                .get(
                        caller.userId() + ":default:" + caller.defaultWorkspaceId(),
                        () -> repo.defaultWorkspaceOf(caller.userId(), caller.defaultWorkspaceId())
                                .map(w -> new Membership(w.id(), w.role())))
                .map(m -> context(caller, m.workspaceId(), m.role()));
    }

    /**
     * The caller's context in a workspace now, from the database; empty when it is gone or they are no
     * longer a member (what open connections re-check).
     */
    public Optional<RequestContext> in(Caller caller, long workspaceId) {
        return membership(caller, workspaceId).map(m -> context(caller, m.workspaceId(), m.role()));
    }

    /**
     * The caller's membership there, a system admin being an admin everywhere: whether they are one is
     * read now, not taken from the caller, which an open connection captured at its handshake (a
     * system admin demoted since must lose the workspaces they are no member of at once).
     */
    private Optional<Membership> membership(Caller caller, long workspaceId) {
        return repo.access(workspaceId, caller.userId())
                .filter(a -> a.role() != null || a.systemAdmin())
                .map(a -> new Membership(a.id(), a.role() == null || a.systemAdmin() ? Role.ADMIN : a.role()));
    }

    /**
     * Whether the credential the caller authenticated with still works: not revoked (token revoked,
     * session signed out), not expired, and its user neither disabled nor deleted.
     */
    public boolean valid(Caller caller) {
        if (caller.expiresAt() != null && !caller.expiresAt().isAfter(Instant.now())) {
            return false;
        }
        if ("api_token".equals(caller.credential())) {
            return repo.apiTokenActive(Long.parseLong(caller.credentialId()));
        }
        return repo.sessionUser(caller.userId(), caller.credentialId(), caller.issuedAt())
                .filter(u -> !u.disabled())
                .isPresent();
    }

    private static RequestContext context(Caller caller, long workspaceId, Role membership) {
        return new RequestContext(workspaceId, caller.username(), Role.lower(membership, caller.scopeCap()));
    }

    private Optional<Long> parse(String workspace) {
        try {
            return Optional.of(Long.parseLong(workspace));
        } catch (NumberFormatException e) {
            return repo.workspaceIdBySlug(workspace);
        }
    }
}
