package dev.agentkanban.identity;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of OIDC sign-ins in progress (V34): started authorization requests, finished sign-ins awaiting their page. */
@Repository
class OidcRepository {

    private final JdbcClient jdbc;

    OidcRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void saveRequest(String stateHash, String browserHash, byte[] request, Instant expiresAt) {
        jdbc.sql("delete from oidc_requests where expires_at < now()").update();
        jdbc.sql("""
                insert into oidc_requests (state_hash, browser_hash, request, expires_at) values (:s, :b, :r, :e)
                on conflict (state_hash) do update set browser_hash = excluded.browser_hash,
                    request = excluded.request, expires_at = excluded.expires_at
                """)
                .param("s", stateHash)
                .param("b", browserHash)
                .param("r", request)
                .param("e", ts(expiresAt))
                .update();
    }

    /** The request started by this browser under this state, if it has not expired. */
    Optional<byte[]> request(String stateHash, String browserHash) {
        return jdbc.sql("""
                select request from oidc_requests
                where state_hash = :s and browser_hash = :b and expires_at > now()
                """)
                .param("s", stateHash)
                .param("b", browserHash)
                .query(byte[].class)
                .optional();
    }

    /** Takes the request (once: a second answer with the same state finds nothing). */
    Optional<byte[]> takeRequest(String stateHash, String browserHash) {
        return jdbc.sql("""
                delete from oidc_requests where state_hash = :s and browser_hash = :b and expires_at > now()
                returning request
                """)
                .param("s", stateHash)
                .param("b", browserHash)
                .query(byte[].class)
                .optional();
    }

    /** A finished sign-in whose single-use code the page exchanges for its session. */
    record Handoff(long userId, String secondFactor, String idToken) {}

    void saveHandoff(String codeHash, long userId, String secondFactor, String idToken, Instant expiresAt) {
        jdbc.sql("delete from oidc_handoffs where expires_at < now()").update();
        jdbc.sql("""
                insert into oidc_handoffs (code_hash, user_id, second_factor, id_token, expires_at)
                values (:c, :u, :f, :t, :e)
                """)
                .param("c", codeHash)
                .param("u", userId)
                .param("f", secondFactor)
                .param("t", idToken)
                .param("e", ts(expiresAt))
                .update();
    }

    Optional<Handoff> takeHandoff(String codeHash) {
        return jdbc.sql("""
                delete from oidc_handoffs where code_hash = :c and expires_at > now()
                returning user_id, second_factor, id_token
                """)
                .param("c", codeHash)
                .query((rs, n) -> new Handoff(rs.getLong(1), rs.getString(2), rs.getString(3)))
                .optional();
    }

    /** Keeps the ID token of a session signed in through the provider (the hint of its logout). */
    void keepIdToken(String jti, String idToken) {
        jdbc.sql("update user_sessions set id_token = :t where jti = :j")
                .param("j", jti)
                .param("t", idToken)
                .update();
    }

    /** The session's ID token, forgotten as it is read (logout reads it once). */
    Optional<String> takeIdToken(String jti) {
        return jdbc.sql("""
                with kept as (select id, id_token from user_sessions where jti = :j and id_token is not null for update)
                update user_sessions s set id_token = null from kept where s.id = kept.id
                returning kept.id_token
                """).param("j", jti).query(String.class).optional();
    }

    private static OffsetDateTime ts(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }
}
