package dev.agentkanban.identity;

import dev.agentkanban.identity.IdentityRecords.ApiToken;
import dev.agentkanban.identity.IdentityRecords.Member;
import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.IdentityRecords.Workspace;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of users, workspaces, memberships, API tokens and revoked sessions (none of them tenant rows). */
@Repository
class IdentityRepository {

    private static final String USER = """
            id, username, display_name, email, kind, is_admin, disabled, default_workspace_id, created_at
            """;

    private final JdbcClient jdbc;
    private final AccessWatch watch;

    IdentityRepository(JdbcClient jdbc, AccessWatch watch) {
        this.watch = watch;
        this.jdbc = jdbc;
    }

    /**
     * The secret kept in the database under {@code name}: {@code candidate} when none was kept yet (it
     * is stored then), else the one an instance stored first. Two statements, so that an instance that
     * lost the race to store its candidate reads the winner's (V83).
     */
    String sharedSecret(String name, String candidate) {
        jdbc.sql("insert into service_secrets (name, value) values (:n, :v) on conflict (name) do nothing")
                .param("n", name)
                .param("v", candidate)
                .update();
        return jdbc.sql("select value from service_secrets where name = :n")
                .param("n", name)
                .query(String.class)
                .single();
    }

    /** A user with the stored password hash, for sign-in. */
    record Credentials(User user, String passwordHash) {}

    Optional<Credentials> credentials(String username) {
        return jdbc.sql("select " + USER + ", password_hash from users where lower(username) = lower(:u)")
                .param("u", username)
                .query((rs, n) -> new Credentials(user(rs, n), rs.getString("password_hash")))
                .optional();
    }

    /** Whether a named session made this account (V68): only such an account may be resumed by name. */
    boolean madeByNamedSession(long userId) {
        return jdbc.sql("select named_session from users where id = :id")
                .param("id", userId)
                .query(Boolean.class)
                .optional()
                .orElse(false);
    }

    void markMadeByNamedSession(long userId) {
        jdbc.sql("update users set named_session = true where id = :id")
                .param("id", userId)
                .update();
    }

    /** Whether a workspace has a pending invitation for this name (any workspace: invitations are by name). */
    boolean invited(String username) {
        return jdbc.sql("select exists (select 1 from workspace_invitations where lower(username) = lower(:u))")
                .param("u", username)
                .query(Boolean.class)
                .single();
    }

    Optional<User> user(long id) {
        return jdbc.sql("select " + USER + " from users where id = :id")
                .param("id", id)
                .query(IdentityRepository::user)
                .optional();
    }

    Optional<User> userByName(String username) {
        return jdbc.sql("select " + USER + " from users where lower(username) = lower(:u)")
                .param("u", username)
                .query(IdentityRepository::user)
                .optional();
    }

    /** The users who share a workspace with {@code sharingWith} (themselves included), or all when null. */
    List<User> users(Long sharingWith, int limit, long offset) {
        return jdbc.sql("select " + USER + " from users" + sharing(sharingWith)
                        + " order by id limit :limit offset :offset")
                .param("limit", limit)
                .param("offset", offset)
                .param("me", sharingWith)
                .query(IdentityRepository::user)
                .list();
    }

    long countUsers(Long sharingWith) {
        return jdbc.sql("select count(*) from users" + sharing(sharingWith))
                .param("me", sharingWith)
                .query(Long.class)
                .single();
    }

    private static String sharing(Long userId) {
        return userId == null ? " where cast(:me as bigint) is null" : " " + """
                where id = :me or id in (select y.user_id from memberships x join memberships y on y.workspace_id = x.workspace_id
                                          where x.user_id = :me)""";
    }

    long countUsersWithPassword() {
        return jdbc.sql("select count(*) from users where password_hash is not null")
                .query(Long.class)
                .single();
    }

    long insertUser(
            String username,
            String displayName,
            String email,
            String kind,
            String passwordHash,
            boolean admin,
            Long defaultWorkspace) {
        return jdbc.sql("""
                insert into users (username, display_name, email, kind, password_hash, is_admin, default_workspace_id)
                values (:u, :d, :e, :k, :p, :a, :w) returning id
                """)
                .param("u", username)
                .param("d", displayName)
                .param("e", email)
                .param("k", kind)
                .param("p", passwordHash)
                .param("a", admin)
                .param("w", defaultWorkspace)
                .query(Long.class)
                .single();
    }

    void updateUser(long id, String displayName, String email, Boolean disabled, String passwordHash, Boolean admin) {
        watch.changedHere();
        jdbc.sql("""
                update users set display_name = coalesce(:d, display_name), email = coalesce(:e, email),
                       disabled = coalesce(:dis, disabled), password_hash = coalesce(:p, password_hash),
                       is_admin = coalesce(:a, is_admin)
                where id = :id
                """)
                .param("id", id)
                .param("d", displayName)
                .param("e", email)
                .param("dis", disabled)
                .param("p", passwordHash)
                .param("a", admin)
                .update();
    }

    int deleteUser(long id) {
        watch.changedHere();
        return jdbc.sql("delete from users where id = :id").param("id", id).update();
    }

    // ---- workspaces and memberships ----

    Optional<Role> role(long workspaceId, long userId) {
        return jdbc.sql("select role from memberships where workspace_id = :ws and user_id = :u")
                .param("ws", workspaceId)
                .param("u", userId)
                .query((rs, n) -> Role.fromWire(rs.getString(1)))
                .optional();
    }

    List<Workspace> workspacesOf(long userId) {
        return jdbc.sql("""
                select w.id, w.slug, w.name, w.created_at, m.role from workspaces w
                join memberships m on m.workspace_id = w.id and m.user_id = :u order by w.id
                """)
                .param("u", userId)
                .query(IdentityRepository::workspace)
                .list();
    }

    List<Workspace> allWorkspaces() {
        return jdbc.sql("select id, slug, name, created_at, 'admin' as role from workspaces order by id")
                .query(IdentityRepository::workspace)
                .list();
    }

    Optional<Workspace> workspace(long id, Role as) {
        return jdbc.sql("select id, slug, name, created_at, :role as role from workspaces where id = :id")
                .param("id", id)
                .param("role", as.toString())
                .query(IdentityRepository::workspace)
                .optional();
    }

    Optional<Long> workspaceIdBySlug(String slug) {
        return jdbc.sql("select id from workspaces where slug = :s")
                .param("s", slug)
                .query(Long.class)
                .optional();
    }

    long insertWorkspace(String slug, String name) {
        return jdbc.sql("insert into workspaces (slug, name) values (:s, :n) returning id")
                .param("s", slug)
                .param("n", name)
                .query(Long.class)
                .single();
    }

    void renameWorkspace(long id, String name) {
        jdbc.sql("update workspaces set name = :n where id = :id")
                .param("id", id)
                .param("n", name)
                .update();
    }

    int deleteWorkspace(long id) {
        watch.changedHere();
        return jdbc.sql("delete from workspaces where id = :id").param("id", id).update();
    }

    List<Member> members(long workspaceId) {
        return jdbc.sql("""
                select u.id, u.username, u.display_name, u.kind, m.role, m.created_at from memberships m
                join users u on u.id = m.user_id where m.workspace_id = :ws order by u.id
                """)
                .param("ws", workspaceId)
                .query((rs, n) -> new Member(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        Role.fromWire(rs.getString(5)),
                        rs.getTimestamp(6).toInstant()))
                .list();
    }

    void putMember(long workspaceId, long userId, Role role) {
        watch.changedHere();
        jdbc.sql("""
                insert into memberships (workspace_id, user_id, role) values (:ws, :u, :r)
                on conflict (workspace_id, user_id) do update set role = excluded.role
                """)
                .param("ws", workspaceId)
                .param("u", userId)
                .param("r", role.toString())
                .update();
    }

    int removeMember(long workspaceId, long userId) {
        watch.changedHere();
        return jdbc.sql("delete from memberships where workspace_id = :ws and user_id = :u")
                .param("ws", workspaceId)
                .param("u", userId)
                .update();
    }

    /**
     * Locks the workspace's row until the transaction ends (no key update: the rows that refer to it are
     * not held up).
     */
    /** The workspaces where the user is an admin, by id. */
    List<Long> workspacesAdministeredBy(long userId) {
        return jdbc.sql(
                        "select workspace_id from memberships where user_id = :u and role = 'admin' order by workspace_id")
                .param("u", userId)
                .query(Long.class)
                .list();
    }

    void lockWorkspace(long workspaceId) {
        jdbc.sql("select id from workspaces where id = :ws for no key update")
                .param("ws", workspaceId)
                .query(Long.class)
                .optional();
    }

    long countAdmins(long workspaceId) {
        return jdbc.sql("select count(*) from memberships where workspace_id = :ws and role = 'admin'")
                .param("ws", workspaceId)
                .query(Long.class)
                .single();
    }

    // ---- API tokens ----

    /** A token looked up by its hash, with its owner. */
    record TokenOwner(
            long tokenId, long userId, List<String> scopes, Instant expiresAt, Instant revokedAt, Instant lastUsedAt) {}

    long insertToken(
            long userId,
            String name,
            String hash,
            String prefix,
            List<String> scopes,
            Instant expiresAt,
            Long parentTokenId,
            String parentSession) {
        return jdbc.sql("""
                insert into api_tokens (user_id, name, token_hash, prefix, scopes, expires_at, parent_token_id,
                                        parent_session)
                values (:u, :n, :h, :p, cast(:s as text[]), :e, :parent, :session) returning id
                """)
                .param("u", userId)
                .param("n", name)
                .param("h", hash)
                .param("p", prefix)
                .param("s", "{" + String.join(",", scopes) + "}")
                .param("e", ts(expiresAt))
                .param("parent", parentTokenId)
                .param("session", parentSession)
                .query(Long.class)
                .single();
    }

    /** A token and its owner, in one query (every API request asks this). */
    record TokenUser(TokenOwner token, User user) {}

    Optional<TokenUser> tokenUser(String hash) {
        return jdbc.sql("""
                select t.id as token_id, t.scopes, t.expires_at as token_expires_at, t.revoked_at, t.last_used_at,
                       u.id, u.username, u.display_name, u.email, u.kind, u.is_admin, u.disabled, u.default_workspace_id,
                       u.created_at
                from api_tokens t join users u on u.id = t.user_id where t.token_hash = :h
                """)
                .param("h", hash)
                .query((rs, n) -> new TokenUser(
                        new TokenOwner(
                                rs.getLong("token_id"),
                                rs.getLong("id"),
                                strings(rs.getArray("scopes")),
                                instant(rs.getTimestamp("token_expires_at")),
                                instant(rs.getTimestamp("revoked_at")),
                                instant(rs.getTimestamp("last_used_at"))),
                        user(rs, n)))
                .optional();
    }

    /** The caller's workspace when none is named: the preferred one if a member, else the first. */
    Optional<Workspace> defaultWorkspaceOf(long userId, Long preferred) {
        return jdbc.sql("""
                select w.id, w.slug, w.name, w.created_at, m.role from memberships m
                join workspaces w on w.id = m.workspace_id
                where m.user_id = :u order by (w.id = :preferred) desc nulls last, w.id limit 1
                """)
                .param("u", userId)
                .param("preferred", preferred)
                .query(IdentityRepository::workspace)
                .optional();
    }

    /**
     * A workspace, the user's role in it (null when not a member) and whether the user is a system
     * admin now (not when their credential was checked), in one query.
     */
    record WorkspaceAccess(long id, String slug, String name, Instant createdAt, Role role, boolean systemAdmin) {}

    Optional<WorkspaceAccess> access(long workspaceId, long userId) {
        return jdbc.sql("""
                select w.id, w.slug, w.name, w.created_at, m.role,
                       coalesce((select u.is_admin from users u where u.id = :u), false)
                from workspaces w
                left join memberships m on m.workspace_id = w.id and m.user_id = :u where w.id = :ws
                """)
                .param("ws", workspaceId)
                .param("u", userId)
                .query((rs, n) -> new WorkspaceAccess(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getTimestamp(4).toInstant(),
                        rs.getString(5) == null ? null : Role.fromWire(rs.getString(5)),
                        rs.getBoolean(6)))
                .optional();
    }

    /** Whether an API token still works: not revoked, not expired, its user not disabled. */
    boolean apiTokenActive(long tokenId) {
        return jdbc.sql("""
                select exists (select 1 from api_tokens t join users u on u.id = t.user_id
                               where t.id = :id and t.revoked_at is null and (t.expires_at is null or t.expires_at > now())
                                 and not u.disabled)
                """).param("id", tokenId).query(Boolean.class).single();
    }

    void touchToken(long id) {
        jdbc.sql("update api_tokens set last_used_at = now() where id = :id")
                .param("id", id)
                .update();
    }

    List<ApiToken> tokensOf(long userId) {
        return jdbc.sql("""
                select id, name, prefix, scopes, expires_at, last_used_at, revoked_at, created_at from api_tokens
                where user_id = :u order by id
                """)
                .param("u", userId)
                .query((rs, n) -> new ApiToken(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        strings(rs.getArray(4)),
                        instant(rs.getTimestamp(5)),
                        instant(rs.getTimestamp(6)),
                        instant(rs.getTimestamp(7)),
                        instant(rs.getTimestamp(8))))
                .list();
    }

    Optional<Long> tokenOwner(long tokenId) {
        return jdbc.sql("select user_id from api_tokens where id = :id")
                .param("id", tokenId)
                .query(Long.class)
                .optional();
    }

    /** Revokes the token and every token minted with it, at any depth. */
    int revokeToken(long tokenId) {
        return revokeMinted("select :id::bigint", java.util.Map.of("id", tokenId));
    }

    /**
     * Revokes the tokens {@code roots} selects and every token minted with them, at any depth; each
     * revocation is announced to every instance at commit (V13's trigger on {@code revoked_at}).
     */
    private int revokeMinted(String roots, java.util.Map<String, ?> params) {
        watch.changedHere();
        return jdbc.sql("""
                with recursive minted (id) as (
                    %s
                    union select t.id from api_tokens t join minted m on t.parent_token_id = m.id
                )
                update api_tokens set revoked_at = now()
                where id in (select id from minted) and revoked_at is null
                """.formatted(roots)).params(params).update();
    }

    // ---- sessions ended by logout ----

    /** Ends a session until its expiry, and revokes the tokens it minted (only a named session's have it, V71). */
    void revokeSession(String jti, Instant expiresAt) {
        watch.changedHere();
        // until the last expiry of the session's tokens (a renewed session has later ones than the caller's)
        jdbc.sql("""
                insert into revoked_sessions (jti, expires_at)
                values (:j, greatest(cast(:e as timestamptz), (select max(s.expires_at) from user_sessions s where s.jti = :j)))
                on conflict do nothing
                """).param("j", jti).param("e", ts(expiresAt)).update();
        revokeMinted("select id from api_tokens where parent_session = :j", java.util.Map.of("j", jti));
        jdbc.sql("delete from revoked_sessions where expires_at < now() - interval '1 day'")
                .update();
    }

    /**
     * The session's user, unless the session was ended by logout or by a password change after it was
     * signed (one query per request).
     */
    Optional<User> sessionUser(long userId, String jti, Instant issuedAt) {
        return jdbc.sql("select " + USER + " from users where id = :id"
                        + " and (sessions_valid_after is null or session_kept = :j or :iat >= sessions_valid_after)"
                        + " and not exists (select 1 from revoked_sessions where jti = :j)")
                .param("id", userId)
                .param("j", jti)
                .param("iat", ts(issuedAt == null ? Instant.EPOCH : issuedAt))
                .query(IdentityRepository::user)
                .optional();
    }

    /** Ends the user's signed-in sessions signed before now, except {@code keptJti} (null: all of them). */
    void endSessions(long userId, String keptJti) {
        watch.changedHere();
        jdbc.sql("update users set sessions_valid_after = now(), session_kept = :k where id = :id")
                .param("id", userId)
                .param("k", keptJti)
                .update();
        // and the tokens those sessions minted (a named session's, V71)
        java.util.Map<String, Object> params = new java.util.HashMap<>();
        params.put("u", userId);
        params.put("k", keptJti);
        revokeMinted(
                "select id from api_tokens where user_id = :u and parent_session is not null"
                        + " and parent_session is distinct from cast(:k as text)",
                params);
    }

    Optional<String> passwordHash(long userId) {
        return jdbc.sql("select password_hash from users where id = :id")
                .param("id", userId)
                .query(String.class)
                .optional();
    }

    void audit(long actorUserId, String action, Long subjectUserId, Long workspaceId, String detailJson) {
        jdbc.sql("""
                insert into identity_audit (actor_user_id, action, subject_user_id, workspace_id, detail, address)
                values (:a, :act, :s, :w, cast(:d as jsonb), :addr)
                """)
                .param("addr", SecurityLog.currentAddress())
                .param("a", actorUserId)
                .param("act", action)
                .param("s", subjectUserId)
                .param("w", workspaceId)
                .param("d", detailJson)
                .update();
    }

    // ---- invitations ----

    void invite(long workspaceId, String username, Role role, long invitedBy) {
        jdbc.sql("""
                insert into workspace_invitations (workspace_id, username, role, invited_by) values (:ws, :u, :r, :by)
                on conflict (workspace_id, lower(username)) where token_hash is null do update set role = excluded.role, invited_by = excluded.invited_by
                """)
                .param("ws", workspaceId)
                .param("u", username)
                .param("r", role.toString())
                .param("by", invitedBy)
                .update();
    }

    record Invitation(long id, long workspaceId, String workspaceName, Role role, Instant createdAt) {}

    List<Invitation> invitationsFor(String username) {
        return jdbc.sql("""
                select i.id, i.workspace_id, w.name, i.role, i.created_at from workspace_invitations i
                join workspaces w on w.id = i.workspace_id where lower(i.username) = lower(:u) order by i.id
                """)
                .param("u", username)
                .query((rs, n) -> new Invitation(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getString(3),
                        Role.fromWire(rs.getString(4)),
                        rs.getTimestamp(5).toInstant()))
                .list();
    }

    /** Deletes the user's invitation and returns it, or empty when there is none with that id for them. */
    Optional<Invitation> takeInvitation(long id, String username) {
        return jdbc.sql("""
                delete from workspace_invitations i where i.id = :id and lower(i.username) = lower(:u)
                returning i.id, i.workspace_id, '' as name, i.role, i.created_at
                """)
                .param("id", id)
                .param("u", username)
                .query((rs, n) -> new Invitation(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getString(3),
                        Role.fromWire(rs.getString(4)),
                        rs.getTimestamp(5).toInstant()))
                .optional();
    }

    /** Whether two users are members of one workspace. */
    boolean shareWorkspace(long a, long b) {
        return jdbc.sql("""
                select exists (select 1 from memberships x join memberships y on y.workspace_id = x.workspace_id
                               where x.user_id = :a and y.user_id = :b)
                """).param("a", a).param("b", b).query(Boolean.class).single();
    }

    private static User user(ResultSet rs, int n) throws SQLException {
        return new User(
                rs.getLong("id"),
                rs.getString("username"),
                rs.getString("display_name"),
                rs.getString("email"),
                rs.getString("kind"),
                rs.getBoolean("is_admin"),
                rs.getBoolean("disabled"),
                (Long) rs.getObject("default_workspace_id"),
                rs.getTimestamp("created_at").toInstant());
    }

    private static Workspace workspace(ResultSet rs, int n) throws SQLException {
        return new Workspace(
                rs.getLong("id"),
                rs.getString("slug"),
                rs.getString("name"),
                rs.getTimestamp("created_at").toInstant(),
                Role.fromWire(rs.getString("role")));
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }

    private static OffsetDateTime ts(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }
}
