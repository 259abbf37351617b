package dev.agentkanban.hint;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** SQL for hints. Every statement is scoped to a workspace. */
@Repository
class HintRepository {

    private static final String COLUMNS = """
            id, task_id, type, status, message, suggestion::text as suggestion, source, source_key, created_at,
            resolved_at, resolved_by""";
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json;

    HintRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** The task's hints, oldest first; {@code status} null means all. */
    List<Hint> list(long workspaceId, long taskId, HintStatus status, int limit, long offset) {
        return jdbc.sql("select " + COLUMNS + """
                 from hints where workspace_id = :ws and task_id = :task and (cast(:status as text) is null or status = :status)
                order by id limit :limit offset :offset
                """)
                .param("ws", workspaceId)
                .param("task", taskId)
                .param("status", status == null ? null : status.toString())
                .param("limit", limit)
                .param("offset", offset)
                .query(this::hint)
                .list();
    }

    long count(long workspaceId, long taskId, HintStatus status) {
        return jdbc.sql("""
                select count(*) from hints
                where workspace_id = :ws and task_id = :task and (cast(:status as text) is null or status = :status)
                """)
                .param("ws", workspaceId)
                .param("task", taskId)
                .param("status", status == null ? null : status.toString())
                .query(Long.class)
                .single();
    }

    Optional<Hint> find(long workspaceId, long id, boolean forUpdate) {
        return jdbc.sql("select " + COLUMNS + " from hints where workspace_id = :ws and id = :id"
                        + (forUpdate ? " for update" : ""))
                .param("ws", workspaceId)
                .param("id", id)
                .query(this::hint)
                .optional();
    }

    Optional<Hint> findBySourceKey(long workspaceId, String sourceKey) {
        return jdbc.sql("select " + COLUMNS + " from hints where workspace_id = :ws and source_key = :key")
                .param("ws", workspaceId)
                .param("key", sourceKey)
                .query(this::hint)
                .optional();
    }

    /**
     * The task's oldest pending or dismissed hint of this type with this very suggestion (jsonb
     * equality: the same keys and values, whatever their order or the message).
     */
    Optional<Hint> findSameSuggestion(long workspaceId, long taskId, HintType type, Map<String, Object> suggestion) {
        return jdbc.sql("select " + COLUMNS + """
                 from hints
                where workspace_id = :ws and task_id = :task and type = :type
                  and status in ('pending', 'dismissed') and suggestion = cast(:suggestion as jsonb)
                order by id limit 1""")
                .param("ws", workspaceId)
                .param("task", taskId)
                .param("type", type.toString())
                .param("suggestion", json.writeValueAsString(suggestion))
                .query(this::hint)
                .optional();
    }

    /** Inserts the hint; empty when its source key is taken already (a repeated push). */
    Optional<Hint> insert(
            long workspaceId,
            long taskId,
            HintType type,
            String message,
            Map<String, Object> suggestion,
            String source,
            String sourceKey) {
        return jdbc.sql("""
                insert into hints (workspace_id, task_id, type, message, suggestion, source, source_key)
                values (:ws, :task, :type, :message, cast(:suggestion as jsonb), :source, :key)
                on conflict (workspace_id, source_key) where source_key is not null do nothing
                returning """ + " " + COLUMNS)
                .param("ws", workspaceId)
                .param("task", taskId)
                .param("type", type.toString())
                .param("message", message)
                .param("suggestion", json.writeValueAsString(suggestion))
                .param("source", source)
                .param("key", sourceKey)
                .query(this::hint)
                .optional();
    }

    /** Resolves a pending hint; empty when it is not pending (any more). */
    Optional<Hint> resolve(long workspaceId, long id, HintStatus status, String actor) {
        return jdbc.sql("""
                update hints set status = :status, resolved_at = now(), resolved_by = :actor
                where workspace_id = :ws and id = :id and status = 'pending'
                returning """ + " " + COLUMNS)
                .param("ws", workspaceId)
                .param("id", id)
                .param("status", status.toString())
                .param("actor", actor)
                .query(this::hint)
                .optional();
    }

    private Hint hint(ResultSet rs, int n) throws SQLException {
        return new Hint(
                rs.getLong("id"),
                rs.getLong("task_id"),
                HintType.valueOf(rs.getString("type").toUpperCase()),
                HintStatus.valueOf(rs.getString("status").toUpperCase()),
                rs.getString("message"),
                json.readValue(rs.getString("suggestion"), MAP),
                rs.getString("source"),
                rs.getString("source_key"),
                rs.getTimestamp("created_at").toInstant(),
                instant(rs.getTimestamp("resolved_at")),
                rs.getString("resolved_by"));
    }

    private static java.time.Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
