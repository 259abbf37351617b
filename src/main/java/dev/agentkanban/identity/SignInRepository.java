package dev.agentkanban.identity;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of signed-in sessions, two-factor secrets and recovery codes, and invitation links. */
@Repository
class SignInRepository {

    private final JdbcClient jdbc;
    private final AccessWatch watch;

    SignInRepository(JdbcClient jdbc, AccessWatch watch) {
        this.watch = watch;
        this.jdbc = jdbc;
    }

    // ---- sessions ----

    /** A signed-in session as its owner sees it. */
    record SessionInfo(
            long id,
            String kind,
            String method,
            boolean twoFactor,
            String address,
            String userAgent,
            Instant createdAt,
            Instant lastUsedAt,
            Instant expiresAt,
            boolean current) {}

    void insertSession(
            String jti,
            long userId,
            String kind,
            String method,
            boolean twoFactor,
            String address,
            String userAgent,
            Instant expiresAt) {
        jdbc.sql("""
                insert into user_sessions (jti, user_id, kind, method, two_factor, address, user_agent, expires_at, last_used_at)
                values (:j, :u, :k, :m, :tf, :a, :ua, :e, now())
                """)
                .param("j", jti)
                .param("u", userId)
                .param("k", kind)
                .param("m", method)
                .param("tf", twoFactor)
                .param("a", address)
                .param("ua", userAgent)
                .param("e", ts(expiresAt))
                .update();
        jdbc.sql("delete from user_sessions where expires_at < now() - interval '1 day'")
                .update();
    }

    /** The user's sessions that have not ended or expired, newest first. */
    List<SessionInfo> sessions(long userId, String currentJti) {
        return jdbc.sql("""
                select s.id, s.kind, s.method, s.two_factor, s.address, s.user_agent, s.created_at, s.last_used_at,
                       s.expires_at, s.jti = :cur as current
                from user_sessions s join users u on u.id = s.user_id
                where s.user_id = :u and s.ended_at is null and s.expires_at > now()
                  and not exists (select 1 from revoked_sessions r where r.jti = s.jti)
                  and (u.sessions_valid_after is null or s.created_at >= u.sessions_valid_after or s.jti = u.session_kept)
                order by s.created_at desc, s.id desc
                """)
                .param("u", userId)
                .param("cur", currentJti == null ? "" : currentJti)
                .query((rs, n) -> new SessionInfo(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getBoolean(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getObject(7, OffsetDateTime.class).toInstant(),
                        instant(rs.getObject(8, OffsetDateTime.class)),
                        rs.getObject(9, OffsetDateTime.class).toInstant(),
                        rs.getBoolean(10)))
                .list();
    }

    record Ended(String jti, Instant expiresAt) {}

    /** Marks the user's session ended and answers its jti, or empty when it is not theirs or already ended. */
    Optional<Ended> endSession(long userId, long id) {
        return jdbc.sql("""
                update user_sessions set ended_at = now() where id = :id and user_id = :u and ended_at is null
                returning jti, expires_at
                """)
                .param("id", id)
                .param("u", userId)
                .query((rs, n) -> new Ended(
                        rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant()))
                .optional();
    }

    /**
     * Marks every live session of the user (those {@link #sessions} lists) ended except {@code keptJti}
     * (null: all) and answers them.
     */
    List<Ended> endOtherSessions(long userId, String keptJti) {
        return jdbc.sql("""
                update user_sessions s set ended_at = now()
                from users u
                where u.id = s.user_id and s.user_id = :u and s.ended_at is null and s.jti is distinct from :k
                  and s.expires_at > now()
                  and not exists (select 1 from revoked_sessions r where r.jti = s.jti)
                  and (u.sessions_valid_after is null or s.created_at >= u.sessions_valid_after or s.jti = u.session_kept)
                returning s.jti, s.expires_at
                """)
                .param("u", userId)
                .param("k", keptJti)
                .query((rs, n) -> new Ended(
                        rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant()))
                .list();
    }

    void sessionEnded(String jti) {
        jdbc.sql("update user_sessions set ended_at = coalesce(ended_at, now()) where jti = :j")
                .param("j", jti)
                .update();
    }

    /** The session's token was renewed: it now lasts until {@code expiresAt}. */
    void sessionRenewed(String jti, Instant expiresAt) {
        jdbc.sql("update user_sessions set expires_at = greatest(expires_at, :e), last_used_at = now() where jti = :j")
                .param("j", jti)
                .param("e", ts(expiresAt))
                .update();
    }

    void touchSession(String jti) {
        jdbc.sql("update user_sessions set last_used_at = now() where jti = :j")
                .param("j", jti)
                .update();
    }

    void markSessionTwoFactor(String jti) {
        jdbc.sql("update user_sessions set two_factor = true where jti = :j")
                .param("j", jti)
                .update();
    }

    /**
     * Whether a signed-in session must be refused in the workspace: the workspace requires two-factor
     * sign-in and the session was not signed in with a second factor.
     */
    boolean lacksRequiredTwoFactor(long workspaceId, String jti) {
        return jdbc.sql("""
                select w.require_two_factor
                       and not coalesce((select s.two_factor from user_sessions s where s.jti = :j), false)
                from workspaces w where w.id = :ws
                """)
                .param("ws", workspaceId)
                .param("j", jti)
                .query(Boolean.class)
                .optional()
                .orElse(false);
    }

    /**
     * The first workspace requiring two-factor sign-in that the user reaches (a member, or any as a
     * system admin, read now), unless the session passed a second factor.
     */
    Optional<Long> workspaceRequiringMissingTwoFactor(long userId, String jti) {
        return jdbc.sql("""
                select w.id from workspaces w
                where w.require_two_factor
                  and (exists (select 1 from memberships m where m.workspace_id = w.id and m.user_id = :u)
                       or exists (select 1 from users u where u.id = :u and u.is_admin))
                  and not coalesce((select s.two_factor from user_sessions s where s.jti = :j), false)
                order by w.id limit 1
                """)
                .param("u", userId)
                .param("j", jti)
                .query(Long.class)
                .optional();
    }

    boolean requiresTwoFactor(long workspaceId) {
        return jdbc.sql("select require_two_factor from workspaces where id = :ws")
                .param("ws", workspaceId)
                .query(Boolean.class)
                .optional()
                .orElse(false);
    }

    void requireTwoFactor(long workspaceId, boolean required) {
        watch.changedHere();
        jdbc.sql("update workspaces set require_two_factor = :r where id = :ws")
                .param("ws", workspaceId)
                .param("r", required)
                .update();
    }

    // ---- two-factor ----

    record TwoFactorRow(long userId, String secret, Instant confirmedAt, long lastStep) {}

    Optional<TwoFactorRow> twoFactor(long userId) {
        return jdbc.sql("select user_id, secret, confirmed_at, last_step from user_two_factor where user_id = :u")
                .param("u", userId)
                .query((rs, n) -> new TwoFactorRow(
                        rs.getLong(1), rs.getString(2), instant(rs.getObject(3, OffsetDateTime.class)), rs.getLong(4)))
                .optional();
    }

    /** A new, unconfirmed secret (replacing an unconfirmed one; a confirmed one stays until disabled). */
    boolean putPendingSecret(long userId, String encryptedSecret) {
        return jdbc.sql("""
                insert into user_two_factor (user_id, secret) values (:u, :s)
                on conflict (user_id) do update set secret = excluded.secret, last_step = 0, created_at = now()
                where user_two_factor.confirmed_at is null
                """).param("u", userId).param("s", encryptedSecret).update() == 1;
    }

    /** Takes a time step as used: false when it (or a later one) was used already (single use). */
    boolean useStep(long userId, long step) {
        return jdbc.sql("update user_two_factor set last_step = :s where user_id = :u and last_step < :s")
                        .param("u", userId)
                        .param("s", step)
                        .update()
                == 1;
    }

    void confirm(long userId) {
        jdbc.sql("update user_two_factor set confirmed_at = now() where user_id = :u")
                .param("u", userId)
                .update();
    }

    void deleteTwoFactor(long userId) {
        jdbc.sql("delete from user_two_factor where user_id = :u")
                .param("u", userId)
                .update();
        jdbc.sql("delete from user_recovery_codes where user_id = :u")
                .param("u", userId)
                .update();
    }

    void replaceRecoveryCodes(long userId, List<String> hashes) {
        jdbc.sql("delete from user_recovery_codes where user_id = :u")
                .param("u", userId)
                .update();
        for (String h : hashes) {
            jdbc.sql("insert into user_recovery_codes (user_id, code_hash) values (:u, :h)")
                    .param("u", userId)
                    .param("h", h)
                    .update();
        }
    }

    /** Uses up a recovery code: false when the user has no unused code with that hash. */
    boolean useRecoveryCode(long userId, String hash) {
        return jdbc.sql("""
                        update user_recovery_codes set used_at = now()
                        where user_id = :u and code_hash = :h and used_at is null
                        """).param("u", userId).param("h", hash).update() == 1;
    }

    int recoveryCodesLeft(long userId) {
        return jdbc.sql("select count(*) from user_recovery_codes where user_id = :u and used_at is null")
                .param("u", userId)
                .query(Integer.class)
                .single();
    }

    // ---- accounts from a directory or identity provider ----

    Optional<String> externalSource(long userId) {
        return jdbc.sql("select external_source from users where id = :u and external_source is not null")
                .param("u", userId)
                .query(String.class)
                .optional();
    }

    Optional<Long> externalUser(String source, String externalId) {
        return jdbc.sql("select id from users where external_source = :s and external_id = :e")
                .param("s", source)
                .param("e", externalId)
                .query(Long.class)
                .optional();
    }

    void linkExternal(long userId, String source, String externalId) {
        jdbc.sql("update users set external_source = :s, external_id = :e where id = :u")
                .param("u", userId)
                .param("s", source)
                .param("e", externalId)
                .update();
    }

    // ---- invitation links ----

    long insertInvitationLink(
            long workspaceId, Role role, String tokenHash, Instant expiresAt, String email, long invitedBy) {
        return jdbc.sql("""
                insert into workspace_invitations (workspace_id, role, token_hash, expires_at, email, invited_by)
                values (:ws, :r, :h, :e, :email, :by) returning id
                """)
                .param("ws", workspaceId)
                .param("r", role.toString())
                .param("h", tokenHash)
                .param("e", ts(expiresAt))
                .param("email", email)
                .param("by", invitedBy)
                .query(Long.class)
                .single();
    }

    record LinkInvitation(long id, long workspaceId, String workspaceName, Role role, Instant expiresAt) {}

    /** An unused, unexpired invitation link of a workspace, as its admins see it (never its secret). */
    record PendingLink(long id, Role role, String email, Instant expiresAt, Instant createdAt, String invitedBy) {}

    /** The workspace's links that still work, newest first. */
    List<PendingLink> pendingLinks(long workspaceId) {
        return jdbc.sql("""
                select i.id, i.role, i.email, i.expires_at, i.created_at, u.username
                from workspace_invitations i left join users u on u.id = i.invited_by
                where i.workspace_id = :ws and i.token_hash is not null and i.expires_at > now()
                order by i.created_at desc, i.id desc
                """)
                .param("ws", workspaceId)
                .query((rs, n) -> new PendingLink(
                        rs.getLong(1),
                        Role.fromWire(rs.getString(2)),
                        rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class).toInstant(),
                        rs.getObject(5, OffsetDateTime.class).toInstant(),
                        rs.getString(6)))
                .list();
    }

    /** Withdraws one of the workspace's links (used or expired ones are gone already); false when there is none. */
    boolean deleteLink(long workspaceId, long id) {
        return jdbc.sql("""
                        delete from workspace_invitations
                        where workspace_id = :ws and id = :id and token_hash is not null and expires_at > now()
                        """).param("ws", workspaceId).param("id", id).update() == 1;
    }

    /** The unexpired invitation of a link, without taking it (to show whom it invites where). */
    Optional<LinkInvitation> invitationLink(String tokenHash) {
        return jdbc.sql("""
                select i.id, i.workspace_id, w.name, i.role, i.expires_at from workspace_invitations i
                join workspaces w on w.id = i.workspace_id where i.token_hash = :h and i.expires_at > now()
                """).param("h", tokenHash).query(SignInRepository::link).optional();
    }

    /** Takes the link's invitation (deletes it, so that it works once), or empty when unknown or expired. */
    Optional<LinkInvitation> takeInvitationLink(String tokenHash) {
        return jdbc.sql("""
                delete from workspace_invitations i where i.token_hash = :h and i.expires_at > now()
                returning i.id, i.workspace_id, '' as name, i.role, i.expires_at
                """).param("h", tokenHash).query(SignInRepository::link).optional();
    }

    private static LinkInvitation link(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new LinkInvitation(
                rs.getLong(1),
                rs.getLong(2),
                rs.getString(3),
                Role.fromWire(rs.getString(4)),
                rs.getObject(5, OffsetDateTime.class).toInstant());
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime ts(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }
}
