package dev.agentkanban.evidence;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for evidence. Every statement is scoped to a workspace; only the content query reads the file bytes. */
@Repository
class EvidenceRepository {

    private static final String METADATA = """
            id, task_id, kind, note, url, measurement_value, measurement_unit, filename, content_type, size_bytes,
            sha256, latitude, longitude, captured_at, created_by, created_at
            """;

    private final JdbcClient jdbc;

    EvidenceRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<Evidence> list(long workspaceId, long taskId, int limit, long offset) {
        return jdbc.sql("select " + METADATA + """
                 from evidence where workspace_id = :ws and task_id = :task
                order by created_at, id limit :limit offset :offset
                """)
                .param("ws", workspaceId)
                .param("task", taskId)
                .param("limit", limit)
                .param("offset", offset)
                .query(EvidenceRepository::evidence)
                .list();
    }

    long count(long workspaceId, long taskId) {
        return jdbc.sql("select count(*) from evidence where workspace_id = :ws and task_id = :task")
                .param("ws", workspaceId)
                .param("task", taskId)
                .query(Long.class)
                .single();
    }

    Optional<Evidence> find(long workspaceId, long id, boolean forUpdate) {
        return jdbc.sql("select " + METADATA + " from evidence where workspace_id = :ws and id = :id"
                        + (forUpdate ? " for update" : ""))
                .param("ws", workspaceId)
                .param("id", id)
                .query(EvidenceRepository::evidence)
                .optional();
    }

    /** The file of the evidence; empty when the evidence does not exist or has no file. */
    Optional<EvidenceContent> content(long workspaceId, long id) {
        return jdbc.sql("""
                select id, filename, content_type, sha256, size_bytes, content from evidence
                where workspace_id = :ws and id = :id and content is not null
                """)
                .param("ws", workspaceId)
                .param("id", id)
                .query((rs, n) -> new EvidenceContent(
                        rs.getLong("id"),
                        rs.getString("filename"),
                        rs.getString("content_type"),
                        rs.getString("sha256"),
                        rs.getLong("size_bytes"),
                        rs.getBytes("content")))
                .optional();
    }

    /** Inserts evidence (a null creation time is now). */
    long insert(long workspaceId, long taskId, RestoredEvidence e) {
        return jdbc.sql("""
                insert into evidence (workspace_id, task_id, kind, note, url, measurement_value, measurement_unit,
                                      filename, content_type, size_bytes, sha256, content, latitude, longitude,
                                      captured_at, created_by, created_at)
                values (:ws, :task, :kind, :note, :url, :value, :unit, :filename, :type, :size, :sha256, :content,
                        :lat, :lon, :captured, :by, coalesce(:createdAt, now()))
                returning id
                """)
                .param("ws", workspaceId)
                .param("task", taskId)
                .param("kind", e.kind())
                .param("note", e.note())
                .param("url", e.url())
                .param("value", e.measurementValue())
                .param("unit", e.measurementUnit())
                .param("filename", e.filename())
                .param("type", e.contentType())
                .param("size", e.content() == null ? null : (long) e.content().length)
                .param("sha256", e.sha256())
                .param("content", e.content())
                .param("lat", e.latitude())
                .param("lon", e.longitude())
                .param("captured", timestamp(e.capturedAt()))
                .param("by", e.createdBy())
                .param("createdAt", timestamp(e.createdAt()))
                .query(Long.class)
                .single();
    }

    private static OffsetDateTime timestamp(Instant i) {
        return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    int delete(long workspaceId, long id) {
        return jdbc.sql("delete from evidence where workspace_id = :ws and id = :id")
                .param("ws", workspaceId)
                .param("id", id)
                .update();
    }

    private static Evidence evidence(ResultSet rs, int n) throws SQLException {
        long id = rs.getLong("id");
        String sha256 = rs.getString("sha256");
        Timestamp captured = rs.getTimestamp("captured_at");
        return new Evidence(
                id,
                rs.getLong("task_id"),
                EvidenceKind.fromWire(rs.getString("kind")),
                rs.getString("note"),
                rs.getString("url"),
                (Double) rs.getObject("measurement_value"),
                rs.getString("measurement_unit"),
                rs.getString("filename"),
                rs.getString("content_type"),
                (Long) rs.getObject("size_bytes"),
                sha256,
                (Double) rs.getObject("latitude"),
                (Double) rs.getObject("longitude"),
                captured == null ? null : captured.toInstant(),
                rs.getString("created_by"),
                rs.getTimestamp("created_at").toInstant(),
                sha256 == null ? null : "/api/v1/evidence/" + id + "/content");
    }
}
