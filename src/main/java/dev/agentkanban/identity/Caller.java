package dev.agentkanban.identity;

import dev.agentkanban.platform.RateLimited;
import java.time.Instant;
import java.util.Set;

/**
 * An authenticated caller: who they are and what their credential allows. {@code scopes} is the API
 * token's scopes, or all scopes for a signed-in session (read and write for a named session); {@code issuedAt} is when a session was signed
 * (null for API tokens).
 */
public record Caller(
        long userId,
        String username,
        String displayName,
        String kind,
        boolean systemAdmin,
        Set<String> scopes,
        String credential,
        String credentialId,
        Instant expiresAt,
        Long defaultWorkspaceId,
        Instant issuedAt)
        implements RateLimited {

    public static final Set<String> ALL_SCOPES = Set.of("read", "write", "admin");

    /** A named session's scopes (POST /api/v1/auth/session): it needs no secret, so never admin. */
    public static final Set<String> NAMED_SESSION_SCOPES = Set.of("read", "write");

    /** One budget per user, whichever of their credentials they use (minting tokens does not multiply it). */
    @Override
    public String rateLimitKey() {
        return "user:" + userId;
    }

    /** Whether the credential may write: the {@code write} scope, or {@code admin}, which includes it (as REST's routes take it). */
    public boolean mayWrite() {
        return scopes.contains("write") || scopes.contains("admin");
    }

    /** The highest role this credential can exercise, whatever the membership says. */
    Role scopeCap() {
        if (scopes.contains("admin")) {
            return Role.ADMIN;
        }
        if (scopes.contains("write")) {
            return Role.MEMBER;
        }
        return Role.VIEWER;
    }
}
