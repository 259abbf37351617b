package dev.agentkanban.task;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.agentkanban.board.Board;
import dev.agentkanban.board.BoardColumn;
import dev.agentkanban.board.Boards;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.task.TaskTagging.TaskTag;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.namedparam.NamedParameterUtils;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The task read models: one task, filtered lists, and the board state grouped by column. */
@Service
public class TaskQueries {

    /**
     * The columns of the task row the view reads: what the rows of {@link #view} must carry (a write's
     * {@code returning *} does).
     */
    private static final String ROW = """
            t.id, t.workspace_id, t.board_id, t.column_id, t.position, t.title, t.description,
            t.acceptance_criteria, t.status, t.cancel_reason, t.priority, t.epic, t.area, t.owner, t.assignee,
            t.created_by, t.claimed_by, t.claim_expires_at, t.due_date, t.occurrence_count, t.metadata, t.version,
            t.created_at, t.updated_at, t.column_entered_at, t.completed_at, t.archived_at, t.custom_fields,
            t.view_parts, t.tags_json""";

    /**
     * A task as the API shows it, with its column's name, comment count, tags, work breakdown (open
     * blockers, parent, subtask and checklist progress), assignees and custom field values by name: one
     * statement per read, however many tasks it returns (issue #19). The rows come first (the {@code with}
     * of {@link #view}, alias t); each part is then read once for all of them (one index scan over the
     * rows' ids, grouped) instead of a subquery per row, which cost most of a list's time. The tags are
     * on the row itself (V62's {@code tags_json}, written by triggers in the transaction that changes them).
     */
    private static final String COLUMNS = """
            select t.id, t.workspace_id, t.board_id, t.column_id, c.name as column_name, t.position, t.title,
                   t.description, t.acceptance_criteria, t.status, t.cancel_reason, t.priority, t.epic, t.area, t.owner,
                   t.assignee, t.created_by, t.claimed_by, t.claim_expires_at, t.due_date,
                   (t.due_date < now() and t.status in ('pending', 'in_progress')) as overdue,
                   t.occurrence_count, t.metadata::text as metadata, t.version, t.created_at, t.updated_at,
                   t.column_entered_at, t.completed_at, t.archived_at,
                   greatest(0, extract(epoch from now() - t.column_entered_at))::bigint as time_in_column,
                   coalesce(p.comment_count, 0) as comment_count, t.tags_json as tags, p.blockers,
                   p.parent_id, coalesce(p.subtasks_done, 0) as subtasks_done,
                   coalesce(p.subtasks_total, 0) as subtasks_total, coalesce(p.items_done, 0) as items_done,
                   coalesce(p.items_total, 0) as items_total, p.fields::text as fields,
                   coalesce(p.assignees, '[]') as assignees""";

    /**
     * The parts for many rows (lists, board state): V60's {@code task_list_parts()} of the rows' ids and
     * bits (V57's {@code view_parts}, plus 128 for custom field values on the row), which runs only the
     * parts at least one row may have, each once for all the rows with its bit, and answers a row per part
     * a task has; grouped here into one row per task (each column has one value at most). Read as eight
     * materialized parts hash-joined to the rows, PostgreSQL set up and ran ~60 plan nodes on every
     * execution, though most pages have one kind of part or none (issue #19, docs/benchmarks.md). The ids
     * and bits come from one pass over t, so they stay aligned; the function is not called at all for a page
     * none of whose rows may have a part (their bits' union is 0: the function call and its own statement
     * over the bits cost a tenth of such a list's statement, issue #19). V71's bit 256 (the task blocks
     * another one) is no part of the task's own view: left out of that union.
     */
    private static final String PARTS_JOIN = " left join (select x.task_id, max(x.comment_count) as comment_count,"
            + " max(x.blockers) as blockers, max(x.parent_id) as parent_id, max(x.subtasks_done) as subtasks_done,"
            + " max(x.subtasks_total) as subtasks_total, max(x.items_done) as items_done,"
            + " max(x.items_total) as items_total, max(x.assignees) as assignees, max(x.fields) as fields"
            + " from (select array_agg(r.id) as ids, array_agg(r.view_parts"
            + " | case when r.custom_fields <> '{}'::jsonb then 128 else 0 end) as parts,"
            + " bit_or((r.view_parts & ~256) | case when r.custom_fields <> '{}'::jsonb then 128 else 0 end) as present"
            + " from t r) a cross join lateral task_list_parts(a.ids, a.parts) x where a.present <> 0"
            + " group by x.task_id) p on p.task_id = t.id";

    /**
     * The rows (t), their column and their parts. The column is a left join although every task has one (of
     * its own workspace, so row-level security never hides it): an inner join made PostgreSQL expect one row
     * instead of the page.
     */
    private static final String MANY_JOINS = " from t left join board_columns c on c.id = t.column_id" + PARTS_JOIN;

    /**
     * {@link TaskJsonWriter#COLUMNS} for the rows of one column (:column): its name read once, before the rows,
     * instead of joined to each of them (hashing the workspace's columns and probing with every row). Every
     * task of the page is in that column, of the task's own workspace.
     */
    private static final String ONE_COLUMNS_JSON = TaskJsonWriter.COLUMNS.replace(
            "c.name as column_name", "(select c.name from board_columns c where c.id = :column) as column_name");

    /**
     * The parts for one row (a task read or written by id): V57's {@code task_parts()}, which runs only
     * the parts the row's {@code view_parts} says it may have. As lateral subqueries, PostgreSQL set up
     * all eight parts' plans on every execution, found rows or not: most of a get's time in PostgreSQL.
     */
    private static final String ONE_JOINS = " from t left join board_columns c on c.id = t.column_id"
            + " left join lateral task_parts(t.id, t.view_parts, t.board_id, t.custom_fields) p on true";

    /**
     * The view of the task rows ROWS selects or a write returns (as t), with EXTRA columns (starting with
     * a comma, or empty) and in the ORDER given (or none).
     */
    private static String view(String rows, String extra, String order) {
        return view(COLUMNS, rows, extra, order);
    }

    private static String view(String columns, String rows, String extra, String order) {
        return view(columns, rows, extra, MANY_JOINS, order);
    }

    private static String view(String columns, String rows, String extra, String joins, String order) {
        return "with t as materialized (" + rows + ") " + columns + extra + joins
                + (order == null ? "" : " order by " + order);
    }

    /** The view of the one task row (at most) ROW selects or a write returns (as t). */
    private static String viewOfOne(String columns, String row) {
        return "with t as (" + row + ") " + columns + ONE_JOINS;
    }

    /**
     * The sort keys of priority and status (rising with the enums' declaration order), which the sort
     * indexes carry, (workspace_id, key, id) (V58): the list filters on them rather than on the columns,
     * so that a filter and a sort use the same index and no other index is written on every change.
     */
    private static final String PRIORITY_RANK = "priority_rank(t.priority)";

    private static final String STATUS_RANK =
            "array_position(array['pending','in_progress','completed','cancelled'], t.status)";

    private static final Map<String, List<String>> SORTS = Map.of(
            "id", List.of("t.id"),
            "position", List.of("t.column_id", "t.position"),
            "created_at", List.of("t.created_at"),
            "updated_at", List.of("t.updated_at"),
            "due_date", List.of("t.due_date"),
            "title", List.of("lower(t.title)"),
            "priority", List.of(PRIORITY_RANK),
            "status", List.of(STATUS_RANK));

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Transactions tx;
    private final Boards boards;

    TaskQueries(JdbcClient jdbc, JsonMapper json, Transactions tx, Boards boards) {
        this.jdbc = jdbc;
        this.json = json;
        this.tx = tx;
        this.boards = boards;
    }

    public TaskView get(long id) {
        return tx.read(() -> find(id).orElseThrow(() -> ApiException.notFound("task", id)));
    }

    /** The task as seen now, inside the caller's transaction. */
    Optional<TaskView> find(long id) {
        return jdbc.sql(viewOfOne(COLUMNS, ONE))
                .param("ws", ws())
                .param("id", id)
                .query(this::view)
                .optional();
    }

    /** A task's JSON as the API answers it (UTF-8), and its version (the ETag). */
    public record TaskJson(byte[] json, long version) {}

    /**
     * {@link #get}'s task as the API's JSON (the same JSON as the view's), written from the statement's
     * columns ({@link TaskJsonWriter}).
     */
    public TaskJson getJson(long id) {
        return tx.read(() -> jdbc.sql(GET_JSON)
                .param(ws())
                .param(id)
                .query((rs, n) -> new TaskJson(
                        new TaskJsonWriter(json)
                                .write(new TaskJsonWriter.JsonBytes(2048), rs)
                                .toByteArray(),
                        rs.getLong(TaskJsonWriter.VERSION_COLUMN)))
                .optional()
                .orElseThrow(() -> ApiException.notFound("task", id)));
    }

    /**
     * The tasks as seen now (those in the trash left out), by id, in one statement however many there
     * are: an import announces its tasks a chunk at a time. Inside the caller's transaction.
     */
    public Map<Long, TaskView> findAll(Collection<Long> ids) {
        Map<Long, TaskView> views = new HashMap<>();
        jdbc.sql(view(
                        "select " + ROW + " from tasks t where t.workspace_id = :ws and t.id = any(:ids) and "
                                + NOT_TRASHED,
                        "",
                        null))
                .param("ws", ws())
                .param("ids", ids.toArray(Long[]::new))
                .query(this::view)
                .list()
                .forEach(v -> views.put(v.id(), v));
        return views;
    }

    /**
     * Runs a write of one task row and answers the task as the API shows it, from the row the write left,
     * in the same statement (a data-modifying {@code with}): the write's triggers (version, times,
     * history, counters) run as for the write alone, but what they write is not in the view (it reads what
     * the statement started with). So only for a write after which nothing changes what the view shows:
     * not with tags or relations written after the row, nor with a new assignee name (V31's trigger
     * writes the assignees after the row); the caller would otherwise read the view in a round trip of
     * its own.
     */
    Optional<TaskView> written(TaskRepository.Write write) {
        return jdbc.sql(viewOfOne(COLUMNS, write.sql() + " returning *"))
                .params(write.params())
                .query(this::view)
                .optional();
    }

    public Page<TaskView> list(TaskFilter filter, PageRequest page) {
        Listing l = listing(filter, page);
        return tx.read(() -> {
            List<Long> totals = new ArrayList<>(1);
            List<TaskView> items = jdbc.sql(view(l.rows, ", " + l.total + " as total", l.order))
                    .params(l.params)
                    .query((rs, n) -> {
                        if (n == 0) {
                            totals.add(rs.getLong("total"));
                        }
                        return view(rs, n);
                    })
                    .list();
            return new Page<>(items, total(l, totals), page.limit(), page.offset());
        });
    }

    /**
     * {@link #list}'s page as the API's JSON ({@code {items, total, limit, offset}}), the tasks written
     * from the statement's columns ({@link TaskJsonWriter}: the same JSON as the view's), into a buffer of
     * {@link TaskJsonWriter.JsonBytes#pooled} for the caller to send and release.
     */
    TaskJsonWriter.JsonBytes listJson(TaskFilter filter, PageRequest page) {
        TaskJsonWriter.JsonBytes out = TaskJsonWriter.JsonBytes.pooled(page.limit() * 1024 + 64);
        try {
            return writeList(filter, page, out);
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    private TaskJsonWriter.JsonBytes writeList(TaskFilter filter, PageRequest page, TaskJsonWriter.JsonBytes out) {
        Listing l = listing(filter, page);
        String statement = filter.columnId() == null
                ? view(TaskJsonWriter.COLUMNS, l.rows, ", " + l.total + " as total", l.order)
                : view(ONE_COLUMNS_JSON, l.rows, ", " + l.total + " as total", " from t" + PARTS_JOIN, l.order);
        return tx.read(() -> {
            List<Long> totals = new ArrayList<>(1);
            out.append("{\"items\":[");
            TaskJsonWriter writer = new TaskJsonWriter(json);
            jdbc.sql(statement).params(l.params).query(rs -> {
                if (totals.isEmpty()) {
                    totals.add(rs.getLong(TaskJsonWriter.COLUMN_COUNT + 1));
                } else {
                    out.append(',');
                }
                writer.write(out, rs);
            });
            return out.append("],\"total\":")
                    .append(Long.toString(total(l, totals)))
                    .append(",\"limit\":")
                    .append(Integer.toString(page.limit()))
                    .append(",\"offset\":")
                    .append(Long.toString(page.offset()))
                    .append('}');
        });
    }

    /** A list's statement: its rows, total and order, and their parameters. */
    private record Listing(String rows, String total, String order, Map<String, Object> params) {}

    private static Listing listing(TaskFilter filter, PageRequest page) {
        Map<String, Object> params = new HashMap<>();
        String where = where(filter, params);
        String order = order(filter, params);
        // the limit and offset are written into the statement (numbers the request checked): with them
        // as parameters PostgreSQL plans for a tenth of the rows and re-plans the statement every time
        // (a custom plan costs less than the generic one), which took longer than running it
        String rows = "select " + ROW + " from tasks t" + where + " order by " + order + " limit " + page.limit()
                + " offset " + page.offset();
        // the total comes with the page (from the counters where the filter allows); only a page
        // without rows needs a statement of its own for it
        String total = countable(filter)
                ? "(" + COUNTED + counterWhere(filter) + ")"
                : "(select count(*) from tasks t" + where + ")";
        return new Listing(rows, total, order, params);
    }

    /** The total the page's first row carried, or, for a page without rows, read on its own. */
    private long total(Listing l, List<Long> totals) {
        return !totals.isEmpty()
                ? totals.getFirst()
                : jdbc.sql("select " + l.total)
                        .params(l.params)
                        .query(Long.class)
                        .single();
    }

    /** A column of the board state. */
    public record ColumnState(
            long id,
            String name,
            int position,
            String kind,
            Integer wipLimit,
            long taskCount,
            boolean wipExceeded,
            List<TaskView> tasks,
            boolean hasMore) {}

    /** The board state: every column in order with its first tasks (paginated per column). */
    public record BoardState(long id, String name, String description, long version, List<ColumnState> columns) {

        /**
         * The state's validator ({@code ETag}): the board's version alone is not one, since tasks are
         * added, moved, edited and removed without it changing (a 304 on it would keep a stale board).
         * So it folds in, in order, each column's task count and each shown task's id and version
         * (which moves whenever the task's JSON does), all already read: no statement of its own. Weak,
         * as for the task's ETag the clock-driven fields ({@code overdue}, {@code time_in_column_seconds})
         * are not part of it.
         */
        @JsonIgnore
        public String etag() {
            long h = 0xcbf29ce484222325L;
            for (ColumnState c : columns) {
                h = mix(mix(h, c.id()), c.taskCount());
                for (TaskView t : c.tasks()) {
                    h = mix(mix(h, t.id()), t.version());
                }
                h = mix(h, -1);
            }
            return "W/\"" + version + "-" + Long.toHexString(h) + "\"";
        }

        private static long mix(long h, long value) {
            h ^= value;
            h *= 0x100000001b3L;
            return h ^ (h >>> 29);
        }
    }

    public BoardState boardState(long boardId, int perColumn, Long onlyColumnId, long offset) {
        return tx.read(() -> {
            Board board = boards.require(boardId);
            Map<Long, Long> counts = new HashMap<>();
            jdbc.sql("select tc.column_id, sum(tc.n) from task_counts tc where tc.board_id = :b group by tc.column_id")
                    .param("b", boardId)
                    .query((rs, n) -> counts.put(rs.getLong(1), rs.getLong(2)))
                    .list();
            long from = onlyColumnId == null ? 0 : offset;
            // every column's first tasks in one statement (a column's tasks by its position index)
            Map<Long, List<TaskView>> byColumn = new HashMap<>();
            if (counts.values().stream().anyMatch(n -> n > 0)) {
                jdbc.sql(view(
                                "select x.* from board_columns bc cross join lateral (select " + ROW
                                        + " from tasks t where t.column_id = bc.id and " + ON_BOARD
                                        + " order by t.position limit " + perColumn + " offset " + from
                                        + ") x where bc.board_id = :b"
                                        + (onlyColumnId == null ? "" : " and bc.id = :c"),
                                "",
                                "t.column_id, t.position"))
                        .param("b", boardId)
                        .params(onlyColumnId == null ? Map.of() : Map.of("c", onlyColumnId))
                        .query(this::view)
                        .list()
                        .forEach(v -> byColumn.computeIfAbsent(v.columnId(), k -> new ArrayList<>())
                                .add(v));
            }
            List<ColumnState> columns = new ArrayList<>();
            for (BoardColumn c : board.columns()) {
                if (onlyColumnId != null && c.id() != onlyColumnId) {
                    continue;
                }
                long count = counts.getOrDefault(c.id(), 0L);
                List<TaskView> tasks = byColumn.getOrDefault(c.id(), List.of());
                columns.add(new ColumnState(
                        c.id(),
                        c.name(),
                        c.position(),
                        c.kind().toString(),
                        c.wipLimit(),
                        count,
                        c.wipLimit() != null && count > c.wipLimit(),
                        tasks,
                        from + tasks.size() < count));
            }
            if (onlyColumnId != null && columns.isEmpty()) {
                throw ApiException.invalid("column_id", "column " + onlyColumnId + " is not on board " + boardId);
            }
            return new BoardState(board.id(), board.name(), board.description(), board.version(), columns);
        });
    }

    private static final TypeReference<List<Map<String, Object>>> LINKS = new TypeReference<>() {};
    private static final TypeReference<List<TaskTag>> TAGS = new TypeReference<>() {};

    /**
     * The list's total from the counters the database keeps per board, column, priority and status
     * (V4, maintained in each change's transaction), when the filter uses only those dimensions: a
     * column of 100,000 tasks is counted by reading a handful of rows instead of the column. The join
     * to board_columns keeps it to the request's workspace (row-level security applies there).
     */
    private static final String COUNTED = """
            select coalesce(sum(tc.n), 0) from task_counts tc join board_columns c on c.id = tc.column_id
            """;

    private static boolean countable(TaskFilter f) {
        return (f.boardId() != null || f.columnId() != null)
                && !Boolean.TRUE.equals(f.archived())
                && f.epic() == null
                && f.assignee() == null
                && f.tag() == null
                && f.owner() == null
                && f.dueBefore() == null
                && f.dueAfter() == null
                && f.overdue() == null
                && (f.q() == null || f.q().isBlank())
                && f.blocked() == null
                && f.ready() == null
                && f.parentId() == null
                && f.unassigned() == null
                && f.fields().isEmpty();
    }

    /** The WHERE of {@link #COUNTED} for a countable filter, with the same parameter names as {@link #where}. */
    private static String counterWhere(TaskFilter f) {
        StringBuilder w = new StringBuilder(" where c.workspace_id = :ws");
        if (f.boardId() != null) {
            w.append(" and tc.board_id = :board");
        }
        if (f.columnId() != null) {
            w.append(" and tc.column_id = :column");
        }
        if (!f.statuses().isEmpty()) {
            w.append(" and tc.status = any(:statuses)");
        }
        if (!f.priorities().isEmpty()) {
            w.append(" and tc.priority = any(:priorities)");
        }
        return w.toString();
    }

    /** The task (alias t) is not in the trash: deleted tasks are left out of every read but the trash's own. */
    static final String NOT_TRASHED = "t.deleted_at is null";

    /** The row of one task by id (:id) in the request's workspace (:ws). */
    private static final String ONE =
            "select " + ROW + " from tasks t where t.workspace_id = :ws and t.id = :id and " + NOT_TRASHED;

    /**
     * {@link #getJson}'s statement, made once and with its parameters by position (:ws, then :id): the
     * driver looks it up by its text on every call, which is cheaper on one string than on one built
     * anew, as Spring builds it from a named parameters' text on every call.
     */
    private static final String GET_JSON =
            NamedParameterUtils.parseSqlStatementIntoString(viewOfOne(TaskJsonWriter.COLUMNS, ONE));

    /** The task (alias t) is on its board: neither archived nor in the trash (V28: only those have a position). */
    static final String ON_BOARD = "t.position is not null";

    /** The task has a blocker that is still open (issue 14's "blocked"); a blocker in the trash blocks nothing. */
    static final String OPEN_BLOCKER = """
            exists (select 1 from task_relations br join tasks bt on bt.id = br.from_task_id
                    where br.to_task_id = t.id and br.kind = 'blocks' and bt.status in ('pending', 'in_progress')
                      and bt.deleted_at is null)""";

    private static String where(TaskFilter f, Map<String, Object> p) {
        StringBuilder w = new StringBuilder(" where t.workspace_id = :ws and " + NOT_TRASHED);
        p.put("ws", ws());
        w.append(Boolean.TRUE.equals(f.archived()) ? " and t.archived_at is not null" : " and t.archived_at is null");
        if (f.boardId() != null) {
            w.append(" and t.board_id = :board");
            p.put("board", f.boardId());
        }
        if (f.columnId() != null) {
            w.append(" and t.column_id = :column");
            p.put("column", f.columnId());
        }
        if (!f.statuses().isEmpty()) {
            w.append(" and " + STATUS_RANK + " = any(:statusRanks)");
            // the total from the counters (counterWhere) filters on the column
            p.put("statuses", f.statuses().stream().map(Object::toString).toArray(String[]::new));
            p.put("statusRanks", f.statuses().stream().map(x -> x.ordinal() + 1).toArray(Integer[]::new));
        }
        if (!f.priorities().isEmpty()) {
            w.append(" and " + PRIORITY_RANK + " = any(:priorityRanks)");
            p.put("priorities", f.priorities().stream().map(Object::toString).toArray(String[]::new));
            p.put(
                    "priorityRanks",
                    f.priorities().stream().map(x -> x.ordinal() + 1).toArray(Integer[]::new));
        }
        if (f.epic() != null) {
            w.append(" and t.epic = :epic");
            p.put("epic", f.epic());
        }
        if (f.assignee() != null) {
            w.append(" and ").append(TaskAssignees.FILTER);
            p.put("assignee", TaskAssignees.filterName(f.assignee()));
        }
        if (f.unassigned() != null) {
            w.append(f.unassigned() ? " and " : " and not ").append(TaskAssignees.UNASSIGNED);
        }
        if (f.owner() != null) {
            w.append(" and t.owner = :owner");
            p.put("owner", f.owner().toString());
        }
        if (f.tag() != null) {
            w.append(" and exists (select 1 from task_tags tt join tags g on g.id = tt.tag_id"
                    + " where tt.task_id = t.id and lower(g.name) = lower(:tag))");
            p.put("tag", f.tag());
        }
        if (f.dueBefore() != null) {
            w.append(" and t.due_date < :dueBefore");
            p.put("dueBefore", TaskRepository.timestamp(f.dueBefore()));
        }
        if (f.dueAfter() != null) {
            w.append(" and t.due_date > :dueAfter");
            p.put("dueAfter", TaskRepository.timestamp(f.dueAfter()));
        }
        if (f.overdue() != null) {
            w.append(
                    f.overdue()
                            ? " and t.due_date < now() and t.status in ('pending', 'in_progress')"
                            : " and not coalesce(t.due_date < now() and t.status in ('pending', 'in_progress'), false)");
        }
        if (f.blocked() != null) {
            w.append(f.blocked() ? " and " : " and not ").append(OPEN_BLOCKER);
        }
        if (f.ready() != null) {
            w.append(
                    f.ready()
                            ? " and t.status in ('pending', 'in_progress') and not " + OPEN_BLOCKER
                            : " and (t.status not in ('pending', 'in_progress') or " + OPEN_BLOCKER + ")");
        }
        if (f.parentId() != null) {
            w.append(" and exists (select 1 from task_relations pr where pr.to_task_id = t.id and pr.kind = 'parent'"
                    + " and pr.from_task_id = :parentId)");
            p.put("parentId", f.parentId());
        }
        if (f.q() != null && !f.q().isBlank()) {
            String prefixes = prefixQuery(f.q());
            if (prefixes.isEmpty()) {
                w.append(" and t.search @@ websearch_to_tsquery('english', :q)");
            } else {
                // the words as typed (phrases, "or", -word), or every word as the start of one
                w.append(" and (t.search @@ websearch_to_tsquery('english', :q)"
                        + " or t.search @@ to_tsquery('english', :qPrefixes))");
                p.put("qPrefixes", prefixes);
            }
            p.put("q", f.q());
        }
        if (f.fields().size() > FieldCondition.MAX_CONDITIONS) {
            throw ApiException.invalid("cf", "at most " + FieldCondition.MAX_CONDITIONS + " custom field conditions");
        }
        int i = 0;
        for (Map.Entry<String, String> c : f.fields().entrySet()) {
            w.append(" and ")
                    .append(FieldCondition.parse(c.getKey(), c.getValue()).sql(i++, p));
        }
        return w.toString();
    }

    private static String order(TaskFilter f, Map<String, Object> params) {
        String sort = f.sort() == null || f.sort().isBlank()
                ? (f.columnId() != null ? "position" : "id")
                : f.sort().trim();
        boolean desc = sort.startsWith("-");
        String key = desc ? sort.substring(1) : sort;
        if (key.startsWith("cf.") && key.length() > 3 && key.length() <= 63) {
            // by a custom field's value (jsonb order: numbers by value, dates and text as written); unset last
            params.put("cfSort", key.substring(3).trim());
            String dir = desc ? " desc" : " asc";
            return "(select t.custom_fields -> f.id::text from custom_fields f where f.board_id = t.board_id"
                    + " and lower(f.name) = lower(:cfSort))" + dir + " nulls last, t.id" + dir;
        }
        List<String> exprs = SORTS.get(key);
        if (exprs == null) {
            throw ApiException.invalid(
                    "sort",
                    "must be one of " + SORTS.keySet().stream().sorted().toList()
                            + " or cf.<custom field name>, optionally prefixed with - for descending");
        }
        String dir = desc ? " desc" : " asc";
        String nulls = key.equals("due_date") ? " nulls last" : "";
        return String.join(dir + nulls + ", ", exprs) + dir + nulls + ", t.id" + dir;
    }

    private TaskView view(ResultSet rs, int n) throws SQLException {
        String owner = rs.getString("owner");
        String tags = rs.getString("tags");
        String blockers = rs.getString("blockers");
        String fields = rs.getString("fields");
        return new TaskView(
                        rs.getLong("id"),
                        rs.getLong("workspace_id"),
                        rs.getLong("board_id"),
                        rs.getLong("column_id"),
                        rs.getString("column_name"),
                        rs.getLong("position"),
                        rs.getString("title"),
                        rs.getString("description"),
                        rs.getString("acceptance_criteria"),
                        TaskStatus.fromWire(rs.getString("status")),
                        rs.getString("cancel_reason"),
                        Priority.fromWire(rs.getString("priority")),
                        rs.getString("epic"),
                        rs.getString("area"),
                        owner == null ? null : Owner.valueOf(owner.toUpperCase()),
                        rs.getString("assignee"),
                        rs.getString("created_by"),
                        rs.getString("claimed_by"),
                        TaskRepository.instant(rs.getTimestamp("claim_expires_at")),
                        TaskRepository.instant(rs.getTimestamp("due_date")),
                        rs.getBoolean("overdue"),
                        rs.getInt("occurrence_count"),
                        json.readValue(rs.getString("metadata"), MAP),
                        rs.getLong("version"),
                        TaskRepository.instant(rs.getTimestamp("created_at")),
                        TaskRepository.instant(rs.getTimestamp("updated_at")),
                        TaskRepository.instant(rs.getTimestamp("column_entered_at")),
                        TaskRepository.instant(rs.getTimestamp("completed_at")),
                        TaskRepository.instant(rs.getTimestamp("archived_at")),
                        rs.getLong("time_in_column"),
                        rs.getLong("comment_count"),
                        List.of(),
                        false,
                        List.of(),
                        null,
                        TaskView.Progress.NONE,
                        TaskView.Progress.NONE,
                        TaskAssignees.names(json, rs.getString("assignees")),
                        fields == null ? Map.of() : json.readValue(fields, MAP))
                .withTags(tags == null ? List.of() : json.readValue(tags, TAGS))
                .withBreakdown(new TaskView.Breakdown(
                        blockers == null
                                ? List.of()
                                : json.readValue(blockers, LINKS).stream()
                                        .map(m -> new TaskLink(
                                                ((Number) m.get("id")).longValue(),
                                                ((Number) m.get("board_id")).longValue(),
                                                (String) m.get("title"),
                                                TaskStatus.fromWire((String) m.get("status"))))
                                        .toList(),
                        rs.getObject("parent_id", Long.class),
                        progress(rs.getLong("subtasks_done"), rs.getLong("subtasks_total")),
                        progress(rs.getLong("items_done"), rs.getLong("items_total"))));
    }

    private static TaskView.Progress progress(long done, long total) {
        return done == 0 && total == 0 ? TaskView.Progress.NONE : new TaskView.Progress(done, total);
    }

    private static long ws() {
        return CurrentRequest.get().workspaceId();
    }

    /** At most this many words of {@code q} are matched as word starts. */
    static final int MAX_PREFIX_WORDS = 16;

    /**
     * {@code q}'s words (runs of letters, marks and digits; no regular expression) each as the start of a
     * word, all of them required, as a {@code to_tsquery} text: {@code "sear  zebra"} gives
     * {@code 'sear':* & 'zebra':*}, so {@code q=sear} finds "searchable". Nothing else of {@code q} reaches
     * the query syntax. Empty when {@code q} has no word, or uses the search syntax (a quoted phrase, a
     * {@code -word} to leave out, {@code or}), which word starts would widen.
     */
    static String prefixQuery(String q) {
        StringBuilder query = new StringBuilder();
        int words = 0;
        int i = 0;
        while (i < q.length()) {
            int c = q.codePointAt(i);
            if (!wordChar(c)) {
                if (c == '"' || (c == '-' && (i == 0 || Character.isWhitespace(q.codePointBefore(i))))) {
                    return "";
                }
                i += Character.charCount(c);
                continue;
            }
            int start = i;
            while (i < q.length() && wordChar(q.codePointAt(i))) {
                i += Character.charCount(q.codePointAt(i));
            }
            if (i - start == 2 && q.regionMatches(true, start, "or", 0, 2)) {
                return "";
            }
            if (words < MAX_PREFIX_WORDS) {
                query.append(words++ == 0 ? "" : " & ")
                        .append('\'')
                        .append(q, start, i)
                        .append("':*");
            }
        }
        return query.toString();
    }

    private static boolean wordChar(int c) {
        return Character.isLetterOrDigit(c)
                || switch (Character.getType(c)) {
                    case Character.NON_SPACING_MARK, Character.COMBINING_SPACING_MARK, Character.ENCLOSING_MARK -> true;
                    default -> false;
                };
    }
}
