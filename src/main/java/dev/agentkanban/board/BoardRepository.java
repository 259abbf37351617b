package dev.agentkanban.board;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for boards and columns. Every statement is scoped to a workspace. */
@Repository
class BoardRepository {

    private static final String BOARD_COLUMNS = """
            id, workspace_id, name, description, version, created_by, created_at, updated_at
            """;
    private static final String COLUMN_COLUMNS = "id, board_id, name, position, kind, wip_limit";

    private final JdbcClient jdbc;

    BoardRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<Board> list(long workspaceId, boolean archived, int limit, long offset) {
        return jdbc.sql("select " + BOARD_COLUMNS + " from boards where workspace_id = :ws and " + archivedIs(archived)
                        + " order by id limit :limit offset :offset")
                .param("ws", workspaceId)
                .param("limit", limit)
                .param("offset", offset)
                .query(BoardRepository::board)
                .list();
    }

    long count(long workspaceId, boolean archived) {
        return jdbc.sql("select count(*) from boards where workspace_id = :ws and " + archivedIs(archived))
                .param("ws", workspaceId)
                .query(Long.class)
                .single();
    }

    private static String archivedIs(boolean archived) {
        return archived ? "archived_at is not null" : "archived_at is null";
    }

    void setArchived(long workspaceId, long id, boolean archived) {
        int n = jdbc.sql("update boards set archived_at = case when cast(:archived as boolean) then now() end"
                        + " where workspace_id = :ws and id = :id")
                .param("ws", workspaceId)
                .param("id", id)
                .param("archived", archived)
                .update();
        if (n != 1) {
            throw new IllegalStateException("board " + id + " vanished inside its own transaction");
        }
    }

    Optional<Board> find(long workspaceId, long id, boolean forUpdate) {
        return jdbc.sql("select " + BOARD_COLUMNS + " from boards where workspace_id = :ws and id = :id"
                        + (forUpdate ? " for update" : ""))
                .param("ws", workspaceId)
                .param("id", id)
                .query(BoardRepository::board)
                .optional();
    }

    /** The ids of the first {@code limit} boards in use (not archived) of the workspace, lowest first. */
    List<Long> firstIdsInUse(long workspaceId, int limit) {
        return jdbc.sql(
                        "select id from boards where workspace_id = :ws and archived_at is null order by id limit :limit")
                .param("ws", workspaceId)
                .param("limit", limit)
                .query(Long.class)
                .list();
    }

    /** The ids of the workspace's boards with this name, ignoring case (archived ones too), lowest first. */
    List<Long> idsNamed(long workspaceId, String name) {
        return jdbc.sql("select id from boards where workspace_id = :ws and lower(name) = lower(:name) order by id")
                .param("ws", workspaceId)
                .param("name", name)
                .query(Long.class)
                .list();
    }

    /** The board with its columns in order, in one statement (the join repeats the board per column). */
    Optional<Board> findWithColumns(long workspaceId, long id, boolean forUpdate) {
        List<Board> board = new java.util.ArrayList<>(1);
        List<BoardColumn> columns = new java.util.ArrayList<>();
        jdbc.sql("""
                        select b.id, b.workspace_id, b.name, b.description, b.version, b.created_by, b.created_at,
                               b.updated_at, c.id as c_id, c.board_id as c_board_id, c.name as c_name,
                               c.position as c_position, c.kind as c_kind, c.wip_limit as c_wip_limit
                        from boards b
                        left join board_columns c on c.board_id = b.id and c.workspace_id = b.workspace_id
                        where b.workspace_id = :ws and b.id = :id
                        order by c.position
                        """ + (forUpdate ? " for update of b" : ""))
                .param("ws", workspaceId)
                .param("id", id)
                .query((rs, n) -> {
                    if (n == 0) {
                        board.add(board(rs, n));
                    }
                    if (rs.getObject("c_id") != null) {
                        columns.add(new BoardColumn(
                                rs.getLong("c_id"),
                                rs.getLong("c_board_id"),
                                rs.getString("c_name"),
                                rs.getInt("c_position"),
                                ColumnKind.fromWire(rs.getString("c_kind")),
                                (Integer) rs.getObject("c_wip_limit")));
                    }
                    return 1;
                })
                .list();
        return board.stream().findFirst().map(b -> b.withColumns(List.copyOf(columns)));
    }

    /**
     * Locks the column (V35's {@code lock_column_for_placement}; since V74 after KEY SHARE on its board) and answers, in the same round trip, its
     * board with the columns in order and, read under the lock, the column itself, its last position
     * leaving out {@code selfId} and its task count. Empty when the column is not in the workspace.
     */
    Optional<ColumnLock> lockForPlacement(long workspaceId, long columnId, long selfId) {
        List<ColumnLock> lock = new java.util.ArrayList<>(1);
        List<Board> board = new java.util.ArrayList<>(1);
        List<BoardColumn> columns = new java.util.ArrayList<>();
        jdbc.sql("""
                        select b.id, b.workspace_id, b.name, b.description, b.version, b.created_by, b.created_at,
                               b.updated_at, c.id as c_id, c.board_id as c_board_id, c.name as c_name,
                               c.position as c_position, c.kind as c_kind, c.wip_limit as c_wip_limit,
                               l.id as l_id, l.board_id as l_board_id, l.name as l_name, l.position as l_position,
                               l.kind as l_kind, l.wip_limit as l_wip_limit, l.last_position, l.task_count
                        from lock_column_for_placement(:ws, :column, :self) l
                        join boards b on b.id = l.board_id and b.workspace_id = :ws
                        join board_columns c on c.board_id = b.id and c.workspace_id = b.workspace_id
                        order by c.position
                        """)
                .param("ws", workspaceId)
                .param("column", columnId)
                .param("self", selfId)
                .query((rs, n) -> {
                    if (n == 0) {
                        board.add(board(rs, n));
                        BoardColumn locked = new BoardColumn(
                                rs.getLong("l_id"),
                                rs.getLong("l_board_id"),
                                rs.getString("l_name"),
                                rs.getInt("l_position"),
                                ColumnKind.fromWire(rs.getString("l_kind")),
                                (Integer) rs.getObject("l_wip_limit"));
                        lock.add(new ColumnLock(
                                null, locked, (Long) rs.getObject("last_position"), rs.getLong("task_count")));
                    }
                    long id = rs.getLong("c_id");
                    // the locked column as read under its lock, the others as the statement found them
                    columns.add(
                            id == lock.getFirst().column().id()
                                    ? lock.getFirst().column()
                                    : new BoardColumn(
                                            id,
                                            rs.getLong("c_board_id"),
                                            rs.getString("c_name"),
                                            rs.getInt("c_position"),
                                            ColumnKind.fromWire(rs.getString("c_kind")),
                                            (Integer) rs.getObject("c_wip_limit")));
                    return 1;
                })
                .list();
        return lock.stream()
                .findFirst()
                .map(l -> new ColumnLock(
                        board.getFirst().withColumns(List.copyOf(columns)),
                        l.column(),
                        l.lastPosition(),
                        l.taskCount()));
    }

    long insert(long workspaceId, String name, String description, String actor) {
        return insert(workspaceId, name, description, 1, actor, null, null);
    }

    /** A board with every column given; null times are now. */
    long insert(
            long workspaceId,
            String name,
            String description,
            long version,
            String actor,
            Instant createdAt,
            Instant updatedAt) {
        return jdbc.sql("""
                insert into boards (workspace_id, name, description, version, created_by, created_at, updated_at)
                values (:ws, :name, :description, :version, :actor, coalesce(:createdAt, now()), coalesce(:updatedAt, now()))
                returning id
                """)
                .param("ws", workspaceId)
                .param("name", name)
                .param("description", description)
                .param("version", version)
                .param("actor", actor)
                .param("createdAt", timestamp(createdAt))
                .param("updatedAt", timestamp(updatedAt))
                .query(Long.class)
                .single();
    }

    /** A fresh id of the boards identity that no row takes (for the restored trail of a board that no longer exists). */
    long reserveId() {
        return jdbc.sql("select nextval(pg_get_serial_sequence('boards', 'id'))")
                .query(Long.class)
                .single();
    }

    int update(long workspaceId, long id, String name, String description) {
        return jdbc.sql(
                        "update boards set name = :name, description = :description where workspace_id = :ws and id = :id")
                .param("ws", workspaceId)
                .param("id", id)
                .param("name", name)
                .param("description", description)
                .update();
    }

    /** Marks the board changed (bumps its version) when its columns change. */
    void touch(long workspaceId, long id) {
        jdbc.sql("update boards set updated_at = clock_timestamp() where workspace_id = :ws and id = :id")
                .param("ws", workspaceId)
                .param("id", id)
                .update();
    }

    int delete(long workspaceId, long id) {
        return jdbc.sql("delete from boards where workspace_id = :ws and id = :id")
                .param("ws", workspaceId)
                .param("id", id)
                .update();
    }

    List<BoardColumn> columns(long workspaceId, long boardId) {
        return jdbc.sql("select " + COLUMN_COLUMNS
                        + " from board_columns where workspace_id = :ws and board_id = :board order by position")
                .param("ws", workspaceId)
                .param("board", boardId)
                .query(BoardRepository::column)
                .list();
    }

    /**
     * The column; {@code forUpdate} locks it after KEY SHARE on its board (V74's {@code lock_board_column}),
     * in the order of a board's delete and column changes, which lock the board and then its columns.
     */
    Optional<BoardColumn> column(long workspaceId, long columnId, boolean forUpdate) {
        return jdbc.sql(
                        forUpdate
                                ? "select " + COLUMN_COLUMNS + " from lock_board_column(:ws, :id)"
                                : "select " + COLUMN_COLUMNS
                                        + " from board_columns where workspace_id = :ws and id = :id")
                .param("ws", workspaceId)
                .param("id", columnId)
                .query(BoardRepository::column)
                .optional();
    }

    long insertColumn(long workspaceId, long boardId, String name, int position, ColumnKind kind, Integer wipLimit) {
        return insertColumn(workspaceId, boardId, name, position, kind.toString(), wipLimit, null);
    }

    /** A column with every field given as on the wire (the kind's check is the table's); a null time is now. */
    long insertColumn(
            long workspaceId,
            long boardId,
            String name,
            int position,
            String kind,
            Integer wipLimit,
            Instant createdAt) {
        return jdbc.sql("""
                insert into board_columns (workspace_id, board_id, name, position, kind, wip_limit, created_at)
                values (:ws, :board, :name, :position, :kind, :wip, coalesce(:createdAt, now())) returning id
                """)
                .param("ws", workspaceId)
                .param("board", boardId)
                .param("name", name)
                .param("position", position)
                .param("kind", kind)
                .param("wip", wipLimit)
                .param("createdAt", timestamp(createdAt))
                .query(Long.class)
                .single();
    }

    private static OffsetDateTime timestamp(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    void updateColumn(long workspaceId, long columnId, String name, int position, ColumnKind kind, Integer wipLimit) {
        jdbc.sql("""
                update board_columns set name = :name, position = :position, kind = :kind, wip_limit = :wip
                where workspace_id = :ws and id = :id
                """)
                .param("ws", workspaceId)
                .param("id", columnId)
                .param("name", name)
                .param("position", position)
                .param("kind", kind.toString())
                .param("wip", wipLimit)
                .update();
    }

    /**
     * Deletes a column. Its archived and trashed tasks (V28: no position, not in the column's order)
     * move to the board's first remaining column of the same kind, or else to its first column, where
     * a restore puts them back; their status follows that column as a move's does (Task.moveTo): into
     * a done column completes (dropping a cancel reason and a claim), out of one reopens a completed
     * task, a working column (in progress, review, blocked) starts a pending task, another kind un-starts
     * one in progress. The tasks_audit trigger writes the moved and status_changed rows.
     */
    void deleteColumn(long workspaceId, long columnId) {
        jdbc.sql("""
                update tasks t set column_id = f.id,
                    status = case
                        when f.kind = 'done' then 'completed'
                        when g.kind = 'done' and t.status = 'completed'
                            then case when f.kind in ('in_progress', 'review', 'blocked') then 'in_progress'
                                      else 'pending' end
                        when f.kind in ('in_progress', 'review', 'blocked') and t.status = 'pending' then 'in_progress'
                        when f.kind not in ('in_progress', 'review', 'blocked') and t.status = 'in_progress'
                            then 'pending'
                        else t.status end,
                    cancel_reason = case when f.kind = 'done' then null else t.cancel_reason end,
                    claimed_by = case when f.kind = 'done' and t.status <> 'completed' then null else t.claimed_by end,
                    claim_expires_at = case when f.kind = 'done' and t.status <> 'completed' then null
                                            else t.claim_expires_at end
                from board_columns g, board_columns f
                where g.id = :id and f.id = (
                        select o.id from board_columns o
                        where o.board_id = g.board_id and o.id <> g.id
                        order by (o.kind = g.kind) desc, o.position limit 1)
                  and t.workspace_id = :ws and t.column_id = :id and t.position is null
                """).param("ws", workspaceId).param("id", columnId).update();
        jdbc.sql("delete from board_columns where workspace_id = :ws and id = :id")
                .param("ws", workspaceId)
                .param("id", columnId)
                .update();
    }

    long taskCount(long columnId) {
        return jdbc.sql("select count(*) from tasks where column_id = :id and position is not null")
                .param("id", columnId)
                .query(Long.class)
                .single();
    }

    private static Board board(ResultSet rs, int n) throws SQLException {
        return new Board(
                rs.getLong("id"),
                rs.getLong("workspace_id"),
                rs.getString("name"),
                rs.getString("description"),
                rs.getLong("version"),
                rs.getString("created_by"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(),
                List.of());
    }

    private static BoardColumn column(ResultSet rs, int n) throws SQLException {
        return new BoardColumn(
                rs.getLong("id"),
                rs.getLong("board_id"),
                rs.getString("name"),
                rs.getInt("position"),
                ColumnKind.fromWire(rs.getString("kind")),
                (Integer) rs.getObject("wip_limit"));
    }
}
