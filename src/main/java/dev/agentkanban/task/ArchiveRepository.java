package dev.agentkanban.task;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL of the archive and the trash (V28): a task off its board has no position and an
 * {@code archived_at} or a {@code deleted_at}. Every statement is workspace-scoped.
 */
@Repository
class ArchiveRepository {

    /** A task row in any state, as the archive and the trash need it. */
    record Row(
            long id,
            long workspaceId,
            long boardId,
            long columnId,
            String title,
            long version,
            String claimedBy,
            Instant claimExpiresAt,
            Instant archivedAt,
            Instant deletedAt) {

        /** Held by someone other than {@code actor} under a lease that has not run out at {@code now}. */
        boolean claimedByAnotherAt(String actor, Instant now) {
            return claimedBy != null
                    && !claimedBy.equals(actor)
                    && claimExpiresAt != null
                    && claimExpiresAt.isAfter(now);
        }

        boolean onBoard() {
            return archivedAt == null && deletedAt == null;
        }
    }

    private final JdbcClient jdbc;

    ArchiveRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Locks the task whatever its state (on the board, archived or in the trash). */
    Optional<Row> lock(long ws, long id) {
        return jdbc.sql("""
                select id, workspace_id, board_id, column_id, title, version, claimed_by, claim_expires_at,
                       archived_at, deleted_at
                from tasks where workspace_id = :ws and id = :id for update
                """)
                .param("ws", ws)
                .param("id", id)
                .query((rs, n) -> new Row(
                        rs.getLong("id"),
                        rs.getLong("workspace_id"),
                        rs.getLong("board_id"),
                        rs.getLong("column_id"),
                        rs.getString("title"),
                        rs.getLong("version"),
                        rs.getString("claimed_by"),
                        TaskRepository.instant(rs.getTimestamp("claim_expires_at")),
                        TaskRepository.instant(rs.getTimestamp("archived_at")),
                        TaskRepository.instant(rs.getTimestamp("deleted_at"))))
                .optional();
    }

    /** The task is archived (not in the trash). */
    boolean isArchived(long ws, long id) {
        return jdbc.sql("select exists (select 1 from tasks where workspace_id = :ws and id = :id"
                        + " and archived_at is not null and deleted_at is null)")
                .param("ws", ws)
                .param("id", id)
                .query(Boolean.class)
                .single();
    }

    void archive(long ws, long id, String actor) {
        one(jdbc.sql("""
                        update tasks set archived_at = now(), archived_by = :actor, position = null
                        where workspace_id = :ws and id = :id and archived_at is null and deleted_at is null
                        """).param("ws", ws).param("id", id).param("actor", actor).update());
    }

    /** Puts the task (on the board or archived) in the trash. */
    void trash(long ws, long id, String actor) {
        one(jdbc.sql("""
                        update tasks set deleted_at = now(), deleted_by = :actor, position = null
                        where workspace_id = :ws and id = :id and deleted_at is null
                        """).param("ws", ws).param("id", id).param("actor", actor).update());
    }

    /** Puts an archived or trashed task back on its board at the given position. */
    void bringBack(long ws, long id, long position) {
        one(jdbc.sql("""
                        update tasks set archived_at = null, archived_by = null, deleted_at = null, deleted_by = null,
                               position = :position
                        where workspace_id = :ws and id = :id and position is null
                        """)
                .param("ws", ws)
                .param("id", id)
                .param("position", position)
                .update());
    }

    /**
     * Takes a task just restored from an export off its board again, as it was there: archived and/or
     * in the trash, at the recorded times (the import's transaction replaces the trail these updates add).
     */
    void hideRestored(long ws, long id, Instant archivedAt, String archivedBy, Instant deletedAt, String deletedBy) {
        one(jdbc.sql("""
                        update tasks set archived_at = :archivedAt, archived_by = :archivedBy, deleted_at = :deletedAt,
                               deleted_by = :deletedBy, position = null
                        where workspace_id = :ws and id = :id
                        """)
                .param("ws", ws)
                .param("id", id)
                .param("archivedAt", TaskRepository.timestamp(archivedAt))
                .param("archivedBy", archivedBy)
                .param("deletedAt", TaskRepository.timestamp(deletedAt))
                .param("deletedBy", deletedBy)
                .update());
    }

    /** The tasks on the board in a column, in board order. */
    List<Long> onBoardIn(long ws, long columnId) {
        return jdbc.sql("""
                select id from tasks where workspace_id = :ws and column_id = :c and position is not null
                order by position
                """)
                .param("ws", ws)
                .param("c", columnId)
                .query(Long.class)
                .list();
    }

    List<TrashedTask> trashed(long ws, Long boardId, int limit, long offset) {
        return jdbc.sql("""
                select t.id, t.board_id, b.name as board, t.column_id, c.name as column_name, t.title, t.status,
                       t.priority, t.archived_at, t.deleted_at, t.deleted_by
                from tasks t join boards b on b.id = t.board_id join board_columns c on c.id = t.column_id
                where t.workspace_id = :ws and t.deleted_at is not null
                  and (cast(:board as bigint) is null or t.board_id = :board)
                order by t.deleted_at desc, t.id desc
                limit :limit offset :offset
                """)
                .param("ws", ws)
                .param("board", boardId)
                .param("limit", limit)
                .param("offset", offset)
                .query((rs, n) -> new TrashedTask(
                        rs.getLong("id"),
                        rs.getLong("board_id"),
                        rs.getString("board"),
                        rs.getLong("column_id"),
                        rs.getString("column_name"),
                        rs.getString("title"),
                        TaskStatus.fromWire(rs.getString("status")),
                        Priority.fromWire(rs.getString("priority")),
                        TaskRepository.instant(rs.getTimestamp("archived_at")),
                        TaskRepository.instant(rs.getTimestamp("deleted_at")),
                        rs.getString("deleted_by"),
                        null))
                .list();
    }

    long countTrashed(long ws, Long boardId) {
        return jdbc.sql("""
                select count(*) from tasks
                where workspace_id = :ws and deleted_at is not null
                  and (cast(:board as bigint) is null or board_id = :board)
                """)
                .param("ws", ws)
                .param("board", boardId)
                .query(Long.class)
                .single();
    }

    /**
     * Locks up to {@code limit} tasks of the trash deleted before {@code before} (all when null),
     * optionally of one board, skipping rows another transaction holds (another instance purging, a
     * member restoring): the purge never waits for them and never takes a task twice.
     */
    List<Long> lockTrashed(long ws, Long boardId, Instant before, int limit) {
        return jdbc.sql("""
                select id from tasks
                where workspace_id = :ws and deleted_at is not null
                  and (cast(:board as bigint) is null or board_id = :board)
                  and (cast(:before as timestamptz) is null or deleted_at < :before)
                order by deleted_at, id
                limit :limit
                for update skip locked
                """)
                .param("ws", ws)
                .param("board", boardId)
                .param("before", TaskRepository.timestamp(before))
                .param("limit", limit)
                .query(Long.class)
                .list();
    }

    /** Removes tasks of the trash for good (their comments, evidence, tags and relations go with them). */
    int purge(long ws, List<Long> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        return jdbc.sql("delete from tasks where workspace_id = :ws and deleted_at is not null and id = any(:ids)")
                .param("ws", ws)
                .param("ids", ids.toArray(Long[]::new))
                .update();
    }

    /**
     * Claims this run of the retention job for the workspace until the transaction ends: with several
     * instances, one purges a workspace while the others skip it.
     */
    boolean claimRetention(long ws) {
        return jdbc.sql("select pg_try_advisory_xact_lock(hashtextextended('kanban.trash-retention:' || :ws, 0))")
                .param("ws", Long.toString(ws))
                .query(Boolean.class)
                .single();
    }

    /** Every workspace (the retention job works through them one at a time, each in its own transaction). */
    List<Long> workspaces() {
        return jdbc.sql("select id from workspaces order by id")
                .query(Long.class)
                .list();
    }

    private static void one(int updated) {
        if (updated != 1) {
            throw new IllegalStateException("the locked task changed state inside its own transaction");
        }
    }
}
