package dev.agentkanban.identity;

import dev.agentkanban.platform.RateLimited;
import java.time.Instant;
import java.util.Set;

/**
 * An authenticated caller: who they are and what their credential allows. {@code scopes} is the API
 * token's scopes, or all scopes for a signed-in session.
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
        Long defaultWorkspaceId) implements RateLimited {

    public static final Set<String> ALL_SCOPES = Set.of("read", "write", "admin");

    /** Each credential of a user has a budget of its own. */
    @Override
    public String rateLimitKey() {
        return userId + ":" + credential + ":" + credentialId;
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
