package dev.agentkanban.worker;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hint drafts waiting to be pushed to the API. A push is claimed ({@code FOR UPDATE SKIP LOCKED},
 * with a lease in {@code next_attempt_at}) before the HTTP call, so two workers never push one draft
 * at the same time; the API's source_key makes even a repeated push land once.
 */
class DraftQueue {

    /** A draft claimed for a push; {@code attempts} counts this one. */
    record Draft(
            long id,
            long taskId,
            String agent,
            String type,
            String message,
            Map<String, Object> suggestion,
            String fingerprint,
            int attempts,
            String model,
            String promptVersion) {

        /** The idempotency key of this draft at the API: the same task and content is the same hint. */
        String sourceKey() {
            return "worker-draft:" + taskId + ":" + fingerprint;
        }

        /** The hint's source: the agent, and for a model's proposal the model and prompt version (at most 200 characters). */
        String source() {
            String source = "worker:" + agent + (model == null ? "" : " (" + model + ", prompt " + promptVersion + ")");
            return source.length() > 200 ? source.substring(0, 200) : source;
        }
    }

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
    private static final int MAX_ERROR = 1000;

    private final JdbcClient jdbc;
    private final JsonMapper json;

    DraftQueue(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    List<Draft> claim(int limit, Duration lease) {
        return jdbc.sql("""
                update hint_drafts d set attempts = d.attempts + 1, next_attempt_at = now() + cast(:lease as interval)
                 where d.id in (select id from hint_drafts where status = 'pending' and next_attempt_at <= now()
                                 order by id limit :limit for update skip locked)
                returning d.id, d.task_id, d.agent, d.type, d.message, d.suggestion::text, d.fingerprint, d.attempts,
                          d.model, d.prompt_version
                """)
                .param("lease", lease.toMillis() + " milliseconds")
                .param("limit", limit)
                .query((rs, n) -> new Draft(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        json.readValue(rs.getString(6), MAP),
                        rs.getString(7),
                        rs.getInt(8),
                        rs.getString(9),
                        rs.getString(10)))
                .list();
    }

    void synced(long id, Long apiHintId) {
        jdbc.sql(
                        "update hint_drafts set status = 'synced', synced_at = now(), api_hint_id = :hint, last_error = null where id = :id")
                .param("id", id)
                .param("hint", apiHintId)
                .update();
    }

    void retryLater(long id, String error, Duration delay) {
        jdbc.sql(
                        "update hint_drafts set next_attempt_at = now() + cast(:delay as interval), last_error = :error where id = :id")
                .param("id", id)
                .param("delay", delay.toMillis() + " milliseconds")
                .param("error", cut(error))
                .update();
    }

    void rejected(long id, String error) {
        jdbc.sql("update hint_drafts set status = 'rejected', last_error = :error where id = :id")
                .param("id", id)
                .param("error", cut(error))
                .update();
    }

    private static String cut(String error) {
        return error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error;
    }
}
