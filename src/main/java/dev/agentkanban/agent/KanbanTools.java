package dev.agentkanban.agent;

import dev.agentkanban.analytics.FlowFilter;
import dev.agentkanban.analytics.FlowMetrics;
import dev.agentkanban.board.Board;
import dev.agentkanban.board.Boards;
import dev.agentkanban.comment.Comments;
import dev.agentkanban.completion.Completions;
import dev.agentkanban.completion.Completions.CompleteTask;
import dev.agentkanban.completion.Completions.Completed;
import dev.agentkanban.evidence.Evidences;
import dev.agentkanban.field.CustomFields;
import dev.agentkanban.hint.HintStatus;
import dev.agentkanban.hint.Hints;
import dev.agentkanban.notification.Notifications;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Ids;
import dev.agentkanban.platform.JsonLimits;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.Patch;
import dev.agentkanban.platform.Precondition;
import dev.agentkanban.platform.RequestBodies;
import dev.agentkanban.platform.WireEnums;
import dev.agentkanban.rule.Rules;
import dev.agentkanban.stats.BoardStats;
import dev.agentkanban.task.Checklists;
import dev.agentkanban.task.Overrides;
import dev.agentkanban.task.Owner;
import dev.agentkanban.task.Priority;
import dev.agentkanban.task.RelationKind;
import dev.agentkanban.task.Relations;
import dev.agentkanban.task.TaskArchive;
import dev.agentkanban.task.TaskFilter;
import dev.agentkanban.task.TaskPatch;
import dev.agentkanban.task.TaskQueries;
import dev.agentkanban.task.TaskRequests;
import dev.agentkanban.task.TaskRequests.AddChecklistItem;
import dev.agentkanban.task.TaskRequests.ClaimNextTask;
import dev.agentkanban.task.TaskRequests.CreateTask;
import dev.agentkanban.task.TaskRequests.MoveTask;
import dev.agentkanban.task.TaskRequests.ReportIssue;
import dev.agentkanban.task.TaskRequests.UpdateChecklistItem;
import dev.agentkanban.task.TaskRequests.UpdateTask;
import dev.agentkanban.task.TaskStatus;
import dev.agentkanban.task.TaskView;
import dev.agentkanban.task.Tasks;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tools' behaviour: each one translates its arguments, calls one feature API (the same ones REST
 * uses, with the same validation, audit, events, workspace scoping and roles) and returns what it
 * answered. Runs with the caller's {@code RequestContext} bound (see {@link McpEndpoint}).
 */
@Component
class KanbanTools {

    /**
     * Tools page through lists at most this many items at a time, where REST allows 500: a tool's
     * answer goes whole into a model's context, and a page of 500 tasks (about 1.2 KB of JSON each) is
     * some 600 KB, more than most models can take in at once; 100 is about 120 KB. Everything is
     * still reachable: the answer carries total, and offset pages on.
     */
    static final int MAX_PAGE = 100;

    /** The longest board and column names there can be (BoardRequests' limits). */
    private static final int MAX_BOARD_NAME = 200;

    private static final int MAX_COLUMN_NAME = 100;

    private final Boards boards;
    private final Tasks tasks;
    private final TaskQueries queries;
    private final Comments comments;
    private final Evidences evidences;
    private final BoardStats stats;
    private final FlowMetrics flow;
    private final Hints hints;
    private final Relations relations;
    private final Checklists checklists;
    private final TaskArchive archive;
    private final Rules rules;
    private final Notifications notifications;
    private final RequestBodies bodies;
    private final Completions completions;
    private final JsonMapper json;
    private final CustomFields fields;

    KanbanTools(
            Boards boards,
            Tasks tasks,
            TaskQueries queries,
            Comments comments,
            Evidences evidences,
            BoardStats stats,
            FlowMetrics flow,
            Hints hints,
            Relations relations,
            Checklists checklists,
            TaskArchive archive,
            Rules rules,
            Notifications notifications,
            RequestBodies bodies,
            Completions completions,
            JsonMapper json,
            CustomFields fields) {
        this.fields = fields;
        this.boards = boards;
        this.tasks = tasks;
        this.queries = queries;
        this.comments = comments;
        this.evidences = evidences;
        this.stats = stats;
        this.flow = flow;
        this.hints = hints;
        this.relations = relations;
        this.checklists = checklists;
        this.archive = archive;
        this.rules = rules;
        this.notifications = notifications;
        this.bodies = bodies;
        this.completions = completions;
        this.json = json;
    }

    /**
     * REST's field names behind the tools' own arguments: a tool takes {@code board} and {@code column}
     * (an id or a name) where the request records it fills in have {@code board_id} and {@code column_id}.
     */
    private static final Map<String, String> ARGUMENT_NAMES = Map.of("board_id", "board", "column_id", "column");

    /** Runs the named tool; the result is a JSON object (a record or a map). */
    Object call(String tool, ToolArguments a) {
        try {
            return run(tool, a);
        } catch (ApiException e) {
            throw e.withFieldsRenamed(f -> ARGUMENT_NAMES.getOrDefault(f, f));
        }
    }

    private Object run(String tool, ToolArguments a) {
        return switch (tool) {
            case "list_boards" -> boards.list(page(a));
            case "get_board_state" -> queries.boardState(board(a), perColumn(a), null, 0);
            case "list_columns" -> listColumns(board(a));
            case "list_rules" -> Map.of("rules", rules.list(board(a)));
            case "list_tasks" -> listTasks(a);
            case "list_my_tasks" -> listMyTasks(a);
            case "get_my_notifications" ->
                notifications.inbox(!Boolean.FALSE.equals(a.optionalBoolean("unread_only")), page(a));
            case "mark_notifications_read" -> markRead(a);
            case "get_task" -> getTask(a.requiredLong("task_id"));
            case "create_task" -> tasks.create(bodies.bind(json.valueToTree(withBoardAndColumn(a)), CreateTask.class));
            case "edit_task" -> editTask(a);
            case "move_task" -> moveTask(a);
            case "claim_task" -> tasks.claim(a.requiredLong("task_id"), expected(a), lease(a));
            case "claim_next_task" -> claimNext(a);
            case "renew_claim" -> tasks.renew(a.requiredLong("task_id"), expected(a), lease(a));
            case "release_task" -> tasks.release(a.requiredLong("task_id"), expected(a));
            case "complete_task" -> completeTask(a);
            case "add_comment" -> comments.add(a.requiredLong("task_id"), expected(a), required(a, "body"));
            case "get_statistics" -> {
                long board = board(a);
                yield Map.of("statistics", stats.board(board), "time_in_column", stats.timeInColumn(board));
            }
            case "get_flow_metrics" ->
                flow.flow(
                        board(a),
                        a.optionalString("from"),
                        a.optionalString("to"),
                        a.optionalString("tz"),
                        new FlowFilter(
                                a.optionalString("epic"), a.optionalString("tag"), a.optionalString("assignee")));
            case "report_issue" ->
                tasks.reportIssue(bodies.bind(json.valueToTree(withBoardAndColumn(a)), ReportIssue.class));
            case "get_hints" -> getHints(a);
            case "list_archived" -> listArchived(a);
            case "restore_task" -> archive.restore(a.requiredLong("task_id"));
            case "apply_hint" -> hints.apply(a.requiredLong("hint_id"), expected(a));
            case "add_dependency" ->
                relations.add(
                        a.requiredLong("task_id"), expected(a), "blocked_by", a.requiredLong("blocked_by_task_id"));
            case "remove_dependency" ->
                relations.remove(
                        a.requiredLong("task_id"), expected(a), "blocked_by", a.requiredLong("blocked_by_task_id"));
            case "create_subtask" -> createSubtask(a);
            case "add_checklist_item" ->
                checklists.add(
                        a.requiredLong("task_id"),
                        expected(a),
                        bodies.bind(
                                json.valueToTree(a.without("task_id", "expected_version")), AddChecklistItem.class));
            case "check_item" ->
                checklists.update(
                        a.requiredLong("task_id"),
                        a.requiredLong("item_id"),
                        expected(a),
                        new Patch<>(
                                new UpdateChecklistItem(
                                        null, a.has("done") ? a.optionalBoolean("done") : Boolean.TRUE, null, null),
                                Set.of("done")));
            default -> throw ApiException.badRequest("unknown tool " + tool);
        };
    }

    private Object listTasks(ToolArguments a) {
        try {
            return listTasksFiltered(a);
        } catch (ApiException e) {
            // a custom field condition is refused by REST's name for it, cf.<name>; here it is fields.<name>
            throw e.withFieldsRenamed(f -> f.startsWith("cf.") ? "fields." + f.substring(3) : f);
        }
    }

    private Object listTasksFiltered(ToolArguments a) {
        Long board = a.has("board") ? board(a) : null;
        Long column = columnId(a, board);
        TaskFilter filter = new TaskFilter(
                board,
                column,
                enums(TaskStatus.class, "status", a.optionalStrings("status")),
                a.optionalStrings("priority").stream().map(p -> priority(p)).toList(),
                a.optionalString("epic"),
                a.optionalString("assignee"),
                a.optionalString("tag"),
                WireEnums.parse(Owner.class, "owner", a.optionalString("owner")),
                JsonLimits.instant("due_before", a.optionalString("due_before")),
                JsonLimits.instant("due_after", a.optionalString("due_after")),
                a.optionalBoolean("overdue"),
                a.optionalString("q"),
                a.optionalString("sort"),
                a.optionalBoolean("blocked"),
                a.optionalBoolean("ready"),
                a.optionalLong("parent_id"),
                null,
                a.optionalBoolean("unassigned"),
                fieldConditions(a.raw("fields")));
        return queries.list(filter, page(a));
    }

    private Object listArchived(ToolArguments a) {
        Long board = a.has("board") ? board(a) : null;
        if (Boolean.TRUE.equals(a.optionalBoolean("trash"))) {
            return archive.trash(board, page(a));
        }
        return queries.list(TaskFilter.ofBoard(board, "-updated_at", true), page(a));
    }

    /** The caller's tasks: assigned to them (as a member, or by their name); open ones unless status says. */
    private Object listMyTasks(ToolArguments a) {
        Long board = a.has("board") ? board(a) : null;
        List<TaskStatus> statuses = enums(TaskStatus.class, "status", a.optionalStrings("status"));
        return queries.list(
                TaskFilter.mine(
                        board, statuses.isEmpty() ? List.of(TaskStatus.PENDING, TaskStatus.IN_PROGRESS) : statuses),
                page(a));
    }

    private Object markRead(ToolArguments a) {
        Long id = a.optionalLong("notification_id");
        if (id != null) {
            return Map.of("notification", notifications.markRead(id), "unread_count", notifications.unreadCount());
        }
        int marked = notifications.markAllRead();
        return Map.of("marked", marked, "unread_count", 0);
    }

    /** The board's columns and its custom fields (what edit_task's fields may name). */
    private Map<String, Object> listColumns(long board) {
        return Map.of("columns", boards.columns(board), "fields", fields.list(board));
    }

    /** list_tasks' custom field conditions: {name: condition} as REST's cf.<name>=condition. */
    private static Map<String, String> fieldConditions(Object raw) {
        if (raw == null) {
            return Map.of();
        }
        if (!(raw instanceof Map<?, ?> conditions)) {
            throw ApiException.invalid("fields", "must be an object of custom field name to condition");
        }
        Map<String, String> out = new LinkedHashMap<>();
        conditions.forEach((k, v) -> {
            if (v != null && !(v instanceof String || v instanceof Number || v instanceof Boolean)) {
                throw ApiException.invalid(
                        "fields." + k,
                        "must be a condition as text (such as \"gte:5\" or \"is:set\"), a number or true/false");
            }
            out.put(String.valueOf(k), v == null ? "" : String.valueOf(v));
        });
        return out;
    }

    private Map<String, Object> getTask(long id) {
        TaskView task = queries.get(id);
        PageRequest first = PageRequest.of(MAX_PAGE, 0L);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("task", task);
        result.put("comments", comments.list(id, first).items());
        result.put("evidence", evidences.list(id, first).items());
        result.put("hints", hints.list(id, HintStatus.PENDING, first).items());
        Relations.TaskRelations related = relations.list(id);
        result.put("relations", related.items());
        result.put("blockers", related.blockers());
        result.put(
                "children",
                related.items().stream()
                        .filter(r -> r.kind() == RelationKind.CHILD)
                        .map(Relations.Relation::task)
                        .toList());
        result.put("checklist", checklists.list(id).items());
        return result;
    }

    /** A task created as a subtask: on the parent's board unless {@code board} names another. */
    private TaskView createSubtask(ToolArguments a) {
        long parent = a.requiredLong("parent_id");
        Map<String, Object> body = withBoardAndColumn(a);
        if (!body.containsKey("board_id")) {
            body.put("board_id", queries.get(parent).boardId());
        }
        return tasks.create(bodies.bind(json.valueToTree(body), CreateTask.class));
    }

    /** The task's hints: pending ones unless {@code status} names another state, or {@code all}. */
    private Map<String, Object> getHints(ToolArguments a) {
        long id = a.requiredLong("task_id");
        String status = a.optionalString("status");
        HintStatus wanted = status == null
                ? HintStatus.PENDING
                : status.strip().equalsIgnoreCase("all") ? null : WireEnums.parse(HintStatus.class, "status", status);
        return Map.of(
                "hints", hints.list(id, wanted, PageRequest.of(MAX_PAGE, 0L)).items());
    }

    private TaskView editTask(ToolArguments a) {
        long id = a.requiredLong("task_id");
        Map<String, Object> fields = a.without("task_id", "expected_version", "force");
        if (fields.isEmpty()) {
            throw ApiException.invalid("task_id", "give at least one field to change");
        }
        return tasks.update(
                id, expected(a), TaskPatch.of(bodies.patch(json.valueToTree(fields), UpdateTask.class)), force(a));
    }

    private TaskView moveTask(ToolArguments a) {
        Object column = a.raw("column");
        Long columnId = isId(column) ? a.optionalLong("column") : null;
        String columnName = columnId == null ? a.optionalString("column") : null;
        MoveTask move = new MoveTask(
                columnId,
                columnName,
                a.optionalInt("position"),
                a.optionalLong("before_id"),
                a.optionalLong("after_id"));
        bodies.validate(move);
        return tasks.move(a.requiredLong("task_id"), expected(a), move, force(a));
    }

    /** {@code expected_version}: the task's version the caller saw, as REST's {@code If-Match} (412 when stale). */
    private static Precondition expected(ToolArguments a) {
        return Precondition.ofNullable(a.optionalLong("expected_version"));
    }

    /**
     * {@code force}: override another's live claim or open blockers (members and admins; recorded in
     * history), as REST's {@code ?force=true}.
     */
    private static Overrides force(ToolArguments a) {
        return Overrides.of(a.optionalBoolean("force"), null);
    }

    private Map<String, Object> claimNext(ToolArguments a) {
        ClaimNextTask request = bodies.bind(json.valueToTree(withBoardAndColumn(a)), ClaimNextTask.class);
        Optional<TaskView> claimed = tasks.claimNext(request);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("claimed", claimed.isPresent());
        result.put("task", claimed.orElse(null));
        if (claimed.isEmpty()) {
            result.put(
                    "message",
                    "no task is available: every matching open task is claimed by someone else or blocked"
                            + " by an open task, or there is none; try later or without filters");
        }
        return result;
    }

    /** Completes the task with its notes and evidence, all or nothing (REST's complete, the same code path). */
    private Map<String, Object> completeTask(ToolArguments a) {
        Completed completed = completions.complete(
                a.requiredLong("task_id"),
                expected(a),
                Overrides.of(a.optionalBoolean("force"), a.optionalString("cascade")),
                new CompleteTask(
                        a.optionalString("notes"),
                        a.optionalString("evidence_text"),
                        a.optionalString("evidence_link"),
                        null));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("task", completed.task());
        result.put("comment", completed.comment());
        result.put("evidence", completed.evidence());
        return result;
    }

    // ---- argument translation ----

    /** The arguments with {@code board} resolved to {@code board_id} and {@code column} split into id or name. */
    private Map<String, Object> withBoardAndColumn(ToolArguments a) {
        Map<String, Object> body = a.without("board", "column");
        if (a.has("board")) {
            body.put("board_id", board(a));
        }
        Object column = a.raw("column");
        if (column != null) {
            body.put(isId(column) ? "column_id" : "column", isId(column) ? a.optionalLong("column") : column);
        }
        return body;
    }

    /** The board named by id or exact (case-insensitive) name; a miss lists the boards there are. */
    private long board(ToolArguments a) {
        Object v = a.raw("board");
        if (v == null) {
            throw ApiException.invalid("board", "is required: a board id or name (see list_boards)");
        }
        if (isId(v)) {
            return a.optionalLong("board");
        }
        String name = a.optionalString("board").strip();
        if (name.codePointCount(0, name.length()) > MAX_BOARD_NAME) {
            // no board can have it; and the refusal must not echo a huge argument into the agent's context
            throw ApiException.invalid(
                    "board", "must be a board id or a board name of at most " + MAX_BOARD_NAME + " characters");
        }
        return boards.idNamed("board", name).orElseThrow(() -> {
            List<Board> all =
                    boards.list(PageRequest.of(PageRequest.MAX_LIMIT, 0L)).items();
            return ApiException.invalid(
                    "board",
                    "no board named '" + name + "'; boards: "
                            + String.join(
                                    ", ",
                                    all.stream()
                                            .map(b -> b.name() + " (" + b.id() + ")")
                                            .toList()));
        });
    }

    private Long columnId(ToolArguments a, Long board) {
        Object v = a.raw("column");
        if (v == null) {
            return null;
        }
        if (isId(v)) {
            return a.optionalLong("column");
        }
        if (board == null) {
            throw ApiException.invalid("column", "give board too to find a column by name");
        }
        String name = a.optionalString("column");
        if (name.codePointCount(0, name.length()) > MAX_COLUMN_NAME) {
            // as create_task, move_task and claim_next_task refuse it, without echoing it back
            throw ApiException.invalid(
                    "column", "must be a column id or a column name of at most " + MAX_COLUMN_NAME + " characters");
        }
        return boards.resolveColumn(boards.get(board), null, name).id();
    }

    private static boolean isId(Object v) {
        return v instanceof Number || (v instanceof String s && Ids.parse(s.strip()) != null);
    }

    private static PageRequest page(ToolArguments a) {
        Integer limit = a.optionalInt("limit");
        if (limit != null && limit > MAX_PAGE) {
            throw ApiException.invalid("limit", "must be at most " + MAX_PAGE);
        }
        return PageRequest.of(limit, a.optionalLong("offset"));
    }

    private static int perColumn(ToolArguments a) {
        Integer n = a.optionalInt("per_column");
        if (n != null && (n < 1 || n > MAX_PAGE)) {
            throw ApiException.invalid("per_column", "must be between 1 and " + MAX_PAGE);
        }
        return n == null ? 20 : n;
    }

    private static Integer lease(ToolArguments a) {
        Integer seconds = a.optionalInt("lease_seconds");
        if (seconds != null && (seconds < TaskRequests.MIN_LEASE_SECONDS || seconds > TaskRequests.MAX_LEASE_SECONDS)) {
            throw ApiException.invalid(
                    "lease_seconds",
                    "must be between " + TaskRequests.MIN_LEASE_SECONDS + " and " + TaskRequests.MAX_LEASE_SECONDS);
        }
        return seconds;
    }

    private static String required(ToolArguments a, String name) {
        String v = a.optionalString(name);
        if (v == null || v.isBlank()) {
            throw ApiException.invalid(name, "must not be blank");
        }
        return v;
    }

    private static Priority priority(String p) {
        try {
            return Priority.fromWire(p);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("priority", e.getMessage());
        }
    }

    private static <E extends Enum<E>> List<E> enums(Class<E> type, String field, List<String> values) {
        return values.stream().map(v -> WireEnums.parse(type, field, v)).toList();
    }
}
