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

    CallerAccess(IdentityRepository repo) {
        this.repo = repo;
    }

    /** The caller's context in the workspace named by id or slug; empty when it does not exist or they are not a member. */
    public Optional<RequestContext> named(Caller caller, String workspace) {
        return parse(workspace.trim()).flatMap(id -> in(caller, id));
    }

    /** The caller's context in their default workspace (or their first one); empty when they belong to none. */
    public Optional<RequestContext> byDefault(Caller caller) {
        return repo.defaultWorkspaceOf(caller.userId(), caller.defaultWorkspaceId())
                .map(w -> context(caller, w.id(), w.role()));
    }

    /** The caller's context in a workspace now; empty when it is gone or they are no longer a member. */
    public Optional<RequestContext> in(Caller caller, long workspaceId) {
        return repo.access(workspaceId, caller.userId())
                .filter(a -> a.role() != null || caller.systemAdmin())
                .map(a -> context(caller, a.id(), a.role() == null ? Role.ADMIN : a.role()));
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
