package dev.agentkanban.transfer;

import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.platform.ReplicaReads;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.rule.Rules;
import dev.agentkanban.transfer.TransferRepository.WorkspaceRow;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole workspace as one JSON document (boards, columns, tasks with their tags, comments,
 * evidence including file contents in base64 and checklist, the workspace's tags, the relations
 * between tasks, the audit trail), for backup and
 * for moving between servers. It is written while it is read: rows are fetched a batch at a time and
 * written out at once, so a workspace of any size is exported in constant memory. Everything is read
 * in one repeatable-read transaction, so the document is one consistent snapshot.
 *
 * <p>The format is described in docs/import-export.md; {@link JsonImport} reads it back.
 */
@Service
class JsonExport {

    static final String FORMAT = "agent-kanban/workspace";
    static final int VERSION = 1;
    /** The document's timestamps: UTC with microseconds, the same text the SQL side writes ({@link TransferRepository#ts}). */
    static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private final Transactions tx;
    private final ReplicaReads replica;
    private final TransactionTemplate snapshot;
    private final TransferRepository repo;
    private final JsonMapper json;
    private final Rules rules;

    JsonExport(
            Transactions tx,
            ReplicaReads replica,
            PlatformTransactionManager transactions,
            TransferRepository repo,
            JsonMapper json,
            Rules rules) {
        this.rules = rules;
        this.replica = replica;
        this.tx = tx;
        this.snapshot = new TransactionTemplate(transactions);
        this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        this.snapshot.setReadOnly(true);
        this.repo = repo;
        this.json = json;
    }

    /** Writes the document to {@code out} (which stays open). */
    void export(OutputStream out) {
        long ws = CurrentRequest.get().workspaceId();
        // the snapshot transaction is opened first; the feature transaction joins it and binds actor and workspace
        // on the read replica when it has the caller's own writes (ReplicaReads)
        replica.route(() -> snapshot.execute(status -> tx.read(() -> {
            try (JsonGenerator g = json.createGenerator(new KeepOpen(out))) {
                write(g, ws);
            }
            return null;
        })));
    }

    private void write(JsonGenerator g, long ws) {
        WorkspaceRow workspace = repo.workspace(ws);
        g.writeStartObject();
        g.writeStringProperty("format", FORMAT);
        g.writeNumberProperty("version", VERSION);
        g.writeStringProperty("exported_at", TIME.format(Instant.now()));
        g.writeObjectPropertyStart("workspace");
        g.writeNumberProperty("id", workspace.id());
        g.writeStringProperty("slug", workspace.slug());
        g.writeStringProperty("name", workspace.name());
        g.writeEndObject();
        // how many tasks follow, so that a restore can tell how far it is (ImportProgress)
        g.writeNumberProperty("task_count", repo.taskCount(ws));

        g.writeArrayPropertyStart("tags");
        repo.stream(TransferRepository.TAGS_SQL, Map.of("ws", ws), rs -> {
            g.writeStartObject();
            g.writeNumberProperty("id", rs.getLong("id"));
            g.writeStringProperty("name", rs.getString("name"));
            g.writeStringProperty("color", rs.getString("color"));
            g.writeStringProperty("created_at", rs.getString("created_at"));
            g.writeEndObject();
        });
        g.writeEndArray();

        // boards are few: read them first, then stream each board's tasks
        record BoardRow(
                long id,
                String name,
                String description,
                long version,
                String createdBy,
                String createdAt,
                String updatedAt,
                String columns,
                String fields) {}
        List<BoardRow> boards = new ArrayList<>();
        repo.stream(
                TransferRepository.BOARDS_SQL,
                Map.of("ws", ws),
                rs -> boards.add(new BoardRow(
                        rs.getLong("id"),
                        rs.getString("name"),
                        rs.getString("description"),
                        rs.getLong("version"),
                        rs.getString("created_by"),
                        rs.getString("created_at"),
                        rs.getString("updated_at"),
                        rs.getString("columns"),
                        rs.getString("fields"))));
        g.writeArrayPropertyStart("boards");
        for (BoardRow b : boards) {
            g.writeStartObject();
            g.writeNumberProperty("id", b.id());
            g.writeStringProperty("name", b.name());
            g.writeStringProperty("description", b.description());
            g.writeNumberProperty("version", b.version());
            g.writeStringProperty("created_by", b.createdBy());
            g.writeStringProperty("created_at", b.createdAt());
            g.writeStringProperty("updated_at", b.updatedAt());
            g.writeName("columns");
            g.writeTree(json.readTree(b.columns()));
            g.writeName("fields");
            g.writeTree(json.readTree(b.fields()));
            g.writeArrayPropertyStart("tasks");
            repo.stream(TransferRepository.TASKS_SQL, Map.of("ws", ws, "board", b.id()), rs -> task(g, rs));
            g.writeEndArray();
            // the board's automation rules (issue 15), read through the feature in the same snapshot
            g.writeName("rules");
            g.writeTree(json.valueToTree(rules.ofBoard(b.id())));
            g.writeEndObject();
        }
        g.writeEndArray();

        // after the boards: an importer has seen every task id a relation names
        g.writeArrayPropertyStart("relations");
        repo.stream(TransferRepository.RELATIONS_SQL, Map.of("ws", ws), rs -> {
            g.writeStartObject();
            g.writeStringProperty("kind", rs.getString("kind"));
            g.writeNumberProperty("from_task_id", rs.getLong("from_task_id"));
            g.writeNumberProperty("to_task_id", rs.getLong("to_task_id"));
            g.writeStringProperty("created_by", rs.getString("created_by"));
            g.writeStringProperty("created_at", rs.getString("created_at"));
            g.writeEndObject();
        });
        g.writeEndArray();

        g.writeArrayPropertyStart("history");
        repo.stream(TransferRepository.HISTORY_SQL, Map.of("ws", ws), rs -> {
            g.writeStartObject();
            g.writeNumberProperty("id", rs.getLong("id"));
            writeLong(g, "board_id", rs, "board_id");
            g.writeNumberProperty("task_id", rs.getLong("task_id"));
            g.writeStringProperty("action", rs.getString("action"));
            g.writeStringProperty("field", rs.getString("field"));
            g.writeStringProperty("old_value", rs.getString("old_value"));
            g.writeStringProperty("new_value", rs.getString("new_value"));
            g.writeStringProperty("actor", rs.getString("actor"));
            g.writeStringProperty("occurred_at", rs.getString("occurred_at"));
            g.writeEndObject();
        });
        g.writeEndArray();
        g.writeEndObject();
    }

    private void task(JsonGenerator g, ResultSet rs) throws SQLException {
        g.writeStartObject();
        g.writeNumberProperty("id", rs.getLong("id"));
        g.writeNumberProperty("column_id", rs.getLong("column_id"));
        g.writeNumberProperty("position", rs.getLong("position"));
        for (String text : List.of(
                "title",
                "description",
                "acceptance_criteria",
                "status",
                "cancel_reason",
                "priority",
                "epic",
                "area",
                "owner",
                "assignee",
                "created_by",
                "claimed_by",
                "claim_expires_at",
                "due_date")) {
            g.writeStringProperty(text, rs.getString(text));
        }
        g.writeNumberProperty("occurrence_count", rs.getInt("occurrence_count"));
        g.writeName("metadata");
        g.writeTree(json.readTree(rs.getString("metadata")));
        g.writeName("fields");
        g.writeTree(json.readTree(rs.getString("fields")));
        g.writeNumberProperty("version", rs.getLong("version"));
        // archived and trashed tasks are carried with their state (issue 17): a restore keeps them off the board
        for (String time : List.of(
                "created_at",
                "updated_at",
                "column_entered_at",
                "completed_at",
                "archived_at",
                "archived_by",
                "deleted_at",
                "deleted_by")) {
            g.writeStringProperty(time, rs.getString(time));
        }
        g.writeArrayPropertyStart("tags");
        for (String tag : (String[]) rs.getArray("tags").getArray()) {
            g.writeString(tag);
        }
        g.writeEndArray();
        g.writeName("comments");
        g.writeTree(json.readTree(rs.getString("comments")));
        g.writeName("evidence");
        g.writeTree(json.readTree(rs.getString("evidence")));
        g.writeName("checklist");
        g.writeTree(json.readTree(rs.getString("checklist")));
        g.writeEndObject();
    }

    /** Lets the generator flush but not close the caller's stream (stdout, a servlet response). */
    private static final class KeepOpen extends FilterOutputStream {
        KeepOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }

    private static void writeLong(JsonGenerator g, String name, ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        if (rs.wasNull()) {
            g.writeNullProperty(name);
        } else {
            g.writeNumberProperty(name, value);
        }
    }
}
