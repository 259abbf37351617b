package dev.agentkanban.task;

import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.task.BulkTasks.ItemResult;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The record of bulk operations (table {@code bulk_operations}): one row per request with its per-item
 * results, written in the transaction that appends the operation's {@code bulk_update} events, and
 * read newest first by {@code GET /api/v1/bulk/operations/status}.
 */
@Component
class BulkOperations {

    /** One recorded bulk operation; {@code status} is completed, partial (some items failed) or failed. */
    record Operation(
            long id,
            String operation,
            String actor,
            String status,
            int totalRequested,
            int successful,
            int failed,
            Instant startedAt,
            Instant finishedAt,
            List<ItemResult> results) {}

    private static final TypeReference<List<ItemResult>> RESULTS = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Transactions tx;

    BulkOperations(JdbcClient jdbc, JsonMapper json, Transactions tx) {
        this.jdbc = jdbc;
        this.json = json;
        this.tx = tx;
    }

    /** Records a finished operation; call inside the transaction that announces it. */
    void record(String operation, Instant startedAt, List<ItemResult> results) {
        int ok = (int) results.stream().filter(ItemResult::success).count();
        jdbc.sql("""
                insert into bulk_operations (workspace_id, operation, actor, requested, successful, failed, results, started_at)
                values (:ws, :op, :actor, :requested, :ok, :failed, cast(:results as jsonb), :started)
                """)
                .param("ws", CurrentRequest.get().workspaceId())
                .param("op", operation)
                .param("actor", CurrentRequest.get().actor())
                .param("requested", results.size())
                .param("ok", ok)
                .param("failed", results.size() - ok)
                .param("results", json.writeValueAsString(results))
                .param("started", startedAt.atOffset(ZoneOffset.UTC))
                .update();
    }

    /** The workspace's operations, newest first, optionally of one kind. */
    Page<Operation> recent(String operation, PageRequest page) {
        String where = "workspace_id = :ws" + (operation == null ? "" : " and operation = :op");
        return tx.read(() -> {
            long ws = CurrentRequest.get().workspaceId();
            var select = jdbc.sql("""
                    select id, operation, actor, requested, successful, failed, results::text as results, started_at, finished_at
                    from bulk_operations where %s
                    order by id desc limit :limit offset :offset
                    """.formatted(where))
                    .param("ws", ws)
                    .param("limit", page.limit())
                    .param("offset", page.offset());
            var count = jdbc.sql("select count(*) from bulk_operations where " + where)
                    .param("ws", ws);
            if (operation != null) {
                select = select.param("op", operation);
                count = count.param("op", operation);
            }
            List<Operation> items = select.query((rs, n) -> {
                        int ok = rs.getInt("successful");
                        int failed = rs.getInt("failed");
                        return new Operation(
                                rs.getLong("id"),
                                rs.getString("operation"),
                                rs.getString("actor"),
                                failed == 0 ? "completed" : ok == 0 ? "failed" : "partial",
                                rs.getInt("requested"),
                                ok,
                                failed,
                                rs.getObject("started_at", OffsetDateTime.class).toInstant(),
                                rs.getObject("finished_at", OffsetDateTime.class)
                                        .toInstant(),
                                json.readValue(rs.getString("results"), RESULTS));
                    })
                    .list();
            return new Page<>(items, count.query(Long.class).single(), page.limit(), page.offset());
        });
    }
}
