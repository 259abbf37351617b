package dev.agentkanban.identity;

import java.time.Instant;
import java.util.List;

/** The identity feature's records as clients see them (no password hashes, no token secrets). */
public final class IdentityRecords {

    private IdentityRecords() {}

    public record User(
            long id,
            String username,
            String displayName,
            String email,
            String kind,
            boolean isAdmin,
            boolean disabled,
            Long defaultWorkspaceId,
            Instant createdAt) {}

    public record Workspace(long id, String slug, String name, Instant createdAt, Role role) {}

    public record Member(long userId, String username, String displayName, String kind, Role role, Instant joinedAt) {}

    public record ApiToken(
            long id,
            String name,
            String prefix,
            List<String> scopes,
            Instant expiresAt,
            Instant lastUsedAt,
            Instant revokedAt,
            Instant createdAt) {}

    /** A token as created: the only time its secret is shown. */
    public record IssuedApiToken(
            long id,
            String name,
            String prefix,
            List<String> scopes,
            Instant expiresAt,
            Instant createdAt,
            String token) {}

    /** A signed-in session. */
    public record Session(String accessToken, String tokenType, Instant expiresAt, long expiresIn, User user) {}

    public record Me(
            User user,
            Workspace workspace,
            List<Workspace> workspaces,
            String credential,
            List<String> scopes,
            Instant expiresAt) {}
}
