package dev.agentkanban.agent;

import dev.agentkanban.task.Priority;
import dev.agentkanban.task.TaskRequests;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The MCP tools: name, a description written for a model, the argument schema and the hints. Plain
 * data, no Spring: the HTTP endpoint ({@link McpEndpoint}) serves it with handlers over the feature
 * APIs, and the stdio proxy ({@link StdioProxy}) serves the same list and forwards calls.
 */
final class ToolCatalog {

    static final String SERVER_NAME = "agent-kanban";

    static final String INSTRUCTIONS = """
            Agent Kanban: boards with ordered columns holding tasks. Typical loop: list_boards, then
            claim_next_task(board) to take the most urgent unclaimed task (a lease of 15 minutes unless
            lease_seconds says otherwise), work on it, renew_claim while working longer, add_comment for
            progress, and complete_task(task_id, notes) when done, or release_task to give it back. Use
            report_issue for problems you notice: it finds an existing issue by title or creates one.
            Every change is recorded in the task's history under your name. Errors come back as tool
            errors with an explanation; fix the arguments and try again.""";

    private static final List<String> PRIORITIES = Priority.wireNames();
    private static final List<String> STATUSES = List.of("pending", "in_progress", "completed", "cancelled");
    /** The priorities a filter takes: seed 002's critical is urgent. */
    private static final List<String> PRIORITY_FILTER = java.util.stream.Stream.concat(
                    PRIORITIES.stream(), java.util.stream.Stream.of("critical"))
            .toList();

    private ToolCatalog() {}

    /**
     * Write tools on the caller's own things, not the board's: any member may call them (a viewer too)
     * with a credential of the write scope.
     */
    static final java.util.Set<String> OWN_INBOX = java.util.Set.of("mark_notifications_read");

    /** Whether a tool only reads: every other tool (but {@link #OWN_INBOX}) needs the agent role in the workspace. */
    static boolean readOnly(Tool tool) {
        return tool.annotations() != null
                && Boolean.TRUE.equals(tool.annotations().readOnlyHint());
    }

    /** The tools this server offers, built once (at the first MCP request, or by the stdio proxy's start). */
    static List<Tool> tools() {
        return Built.TOOLS;
    }

    /** Holds the catalog, made when first asked for: its JSON schemas load the MCP SDK's classes. */
    private static final class Built {
        static final List<Tool> TOOLS = build();
    }

    private static List<Tool> build() {
        List<Tool> tools = new ArrayList<>();

        tools.add(tool("list_boards", "List boards", """
                Lists the boards of your workspace with their columns (id, name, kind, position, WIP limit).
                Use it first to find the board id or exact name that the other tools take as `board`.
                Returns {items: [board], total, limit, offset}; page with limit (1-100, default 50) and offset.""", readOnly(), schema(List.of(), limit(), offset())));

        tools.add(tool(
                "get_board_state",
                "Board state",
                """
                The board as a person sees it: every column in order with its task count, WIP limit and
                whether the limit is exceeded, and its first tasks (per_column, default 20, max 100) in board
                order. Each task carries time_in_column_seconds (how long it has sat in its column), status,
                priority, assignee, claim and tags. Use list_tasks to page through a long column.""",
                readOnly(),
                schema(
                        List.of("board"),
                        board(),
                        integer("per_column", "How many tasks to return per column (1-100, default 20).", 1, 100))));

        tools.add(tool("list_columns", "List columns", """
                The columns of a board in order: id, name, kind (backlog, todo, in_progress, blocked, review,
                done) and WIP limit, and the board's custom fields: name, type (text, number, date,
                single_select, multi_select, checkbox, member, url), options of select fields, visible.
                Moving a task into a `done` column completes it; out of one reopens it.
                Returns {columns: [...], fields: [...]}.""", readOnly(), schema(List.of("board"), board())));

        tools.add(tool("list_rules", "List automation rules", """
                The automation rules of a board: each has a name, enabled, a trigger (task_created, task_moved
                with an optional column_id, task_completed, tag_added with its tag, due_date_passed,
                children_done, task_unblocked), conditions (priority, tag, column_id, assignee; all must hold)
                and actions (assign, add_tag, remove_tag, set_priority, move_to_column, set_due_date, add_checklist_items,
                notify, comment). Rules run by themselves after a matching change; their changes show the actor
                rule:<name>. Read-only: people manage rules in the board's settings. Returns {rules: [...]}.""", readOnly(), schema(List.of("board"), board())));

        tools.add(tool(
                "list_tasks",
                "List tasks",
                """
                Searches tasks in your workspace. All filters are optional and combine with AND: board,
                column (id, or name together with board), status (list), priority (list), epic, assignee,
                tag, owner (user|agent), due_before, due_after, overdue (true|false), blocked (true: has an open blocker), ready
                (true: open and not blocked, i.e. workable now), parent_id (the subtasks of that task) and q
                (full-text search in title and description). Each task says blocked, blockers, parent_id and
                subtask and checklist progress, and its custom field values (fields, by field name). fields
                filters by custom fields: {"Points": "gt:3", "Stage": "Ready", "Reviewed": "true", "Due":
                "lt:2030-01-31", "Spec": "is:set"} (gt/gte/lt/lte compare numbers and dates; is:set/is:empty).
                sort is one of id, position, created_at, updated_at, due_date, title, priority,
                status, or cf.<field name>, with a leading - for descending. Returns {items: [task], total, limit, offset};
                at most 100 tasks a page (limit 1-100, default 50), page on with offset.""",
                readOnly(),
                schema(
                        List.of(),
                        board(),
                        column(),
                        statuses(),
                        priorities(),
                        text("epic", "Only tasks of this epic (exact)."),
                        text(
                                "assignee",
                                "Only tasks assigned to this member (username; me for yourself) or free-text name."),
                        text("tag", "Only tasks carrying this tag (case-insensitive name)."),
                        enumeration("owner", "Only tasks owned by a user or an agent.", List.of("user", "agent")),
                        text(
                                "due_before",
                                "Only tasks due before this date or time (ISO-8601, e.g. 2030-01-31 or"
                                        + " 2030-01-31T12:00:00Z)."),
                        text("due_after", "Only tasks due after this date or time (ISO-8601)."),
                        bool("overdue", "true: only overdue open tasks; false: only tasks that are not overdue."),
                        bool("blocked", "true: only tasks with an open blocker; false: only tasks without one."),
                        bool("ready", "true: only open tasks without open blockers (workable now); false: the others."),
                        integer("parent_id", "Only the subtasks of this task.", 1, null),
                        bool("unassigned", "true: only tasks nobody is assigned to; false: only assigned ones."),
                        text("q", "Full-text search (web search syntax: words, \"phrases\", -excluded)."),
                        object("fields", "Custom field conditions by field name, e.g. {\"Points\": \"gte:5\"}."),
                        text("sort", "Sort key, e.g. priority, -updated_at or -cf.Points."),
                        limit(),
                        offset())));

        tools.add(tool(
                "list_my_tasks",
                "List my tasks",
                """
                The tasks assigned to you (the caller): as a member assignee, or by your name in the
                assignee field. Open tasks (pending, in_progress) unless status says otherwise; board
                narrows to one board. Sorted by priority, most urgent first. Returns {items: [task], total,
                limit, offset}; at most 100 tasks a page (limit 1-100, default 50), page on with offset.""",
                readOnly(),
                schema(List.of(), board(), statuses(), limit(), offset())));

        tools.add(tool(
                "get_my_notifications",
                "Get my notifications",
                """
                Your inbox in this workspace, newest first: what happened (kind: assigned, mentioned,
                commented, moved, completed, due_soon, overdue, unblocked, rule), on which task (task_id,
                title), by whom (actor), when, and whether you have read it. Being mentioned (@your-name)
                or assigned lands here; poll it to learn about work that needs you. Unread ones only
                unless unread_only is false. Returns {items, total, limit, offset, unread_count}. Reading
                does not mark anything read: use mark_notifications_read.""",
                readOnly(),
                schema(
                        List.of(),
                        bool("unread_only", "Only unread notifications (default true)."),
                        limit(),
                        offset())));

        tools.add(tool(
                "mark_notifications_read",
                "Mark notifications read",
                """
                Marks one of your notifications read (notification_id), or all of them when no id is
                given. Returns the notification (or how many were marked) and your unread count.""",
                write(false, true),
                schema(List.of(), integer("notification_id", "The notification to mark read.", 1, null))));

        tools.add(tool("get_task", "Get a task", """
                One task in full: all fields (title, description, acceptance_criteria, status, priority,
                column, assignee, claimed_by and claim_expires_at, due_date, overdue, occurrence_count,
                metadata, version, time in column, tags, custom field values as fields {name: value}) plus its comments (oldest first, up to 100),
                its evidence (up to 100, without file contents), pending hints, its relations (blockers with
                their status, the tasks it blocks, parent, subtasks, related tasks, duplicates) and its
                checklist in order. task.blocked is true while an open task blocks it: then it cannot be
                started or completed until the blockers are done. Returns {task, comments, evidence, hints,
                relations, blockers, children, checklist}. A task of another workspace is reported as not
                found.""", readOnly(), schema(List.of("task_id"), taskId())));

        tools.add(tool(
                "create_task",
                "Create a task",
                """
                Creates a task on a board, by default at the end of the board's first column (column takes
                an id or a name). title is required (1-500 characters); description and
                acceptance_criteria are markdown; priority is low|medium|high|urgent (default medium);
                due_date is an ISO-8601 timestamp such as 2030-01-31T17:00:00Z; tags are names (created when
                new); fields sets custom field values by field name (list_columns lists the board's fields).
                Creating into a done column completes the task, into a working column starts it.
                Fails when the column is at its WIP limit. Returns the created task (with its id).""",
                write(false, false),
                schema(
                        List.of("board", "title"),
                        board(),
                        column(),
                        text("title", "Short summary of the work (1-500 characters)."),
                        description(),
                        criteria(),
                        priority(),
                        text("epic", "Epic or larger goal the task belongs to."),
                        text("area", "Area of the product or system."),
                        enumeration("owner", "Whether a user or an agent owns the work.", List.of("user", "agent")),
                        text("assignee", "Name of the user or agent to assign."),
                        text("due_date", "Due date as an ISO-8601 timestamp (2030-01-31T17:00:00Z)."),
                        tags(),
                        object("metadata", "Free-form JSON object (at most 64 KB)."),
                        customFields())));

        tools.add(tool(
                "edit_task",
                "Edit a task",
                """
                Changes the given fields of a task and leaves the others as they are; passing null clears an
                optional field. fields changes the custom field values it names ({"Points": 5, "Stage":
                "Ready", "Labels": ["ui"], "Reviewed": true, "Due": "2030-01-31"}; null clears one; a value
                the field refuses fails naming fields.<name>; list_columns lists the board's fields).
                tags replaces the task's tags with the names given. Use move_task to change the column and
                complete_task to finish it.
                expected_version (the task's version from get_task) makes the edit fail instead of
                overwriting a change someone else made in the meantime. Returns the updated task.""",
                write(true, true),
                schema(
                        List.of("task_id"),
                        taskId(),
                        text("title", "New title (1-500 characters)."),
                        description(),
                        criteria(),
                        priority(),
                        nullableText("epic", "Epic; null clears it."),
                        nullableText("area", "Area; null clears it."),
                        prop(
                                "owner",
                                List.of("string", "null"),
                                "Whether a user or an agent owns the work; null clears it.",
                                "enum",
                                java.util.Arrays.asList("user", "agent", null)),
                        nullableText("assignee", "Assignee name; null clears it."),
                        nullableText("due_date", "ISO-8601 timestamp; null clears it."),
                        object("metadata", "Replaces the metadata JSON object (at most 64 KB)."),
                        prop(
                                "tags",
                                "array",
                                "The task's tags become exactly these names (created when new), at most 50; [] removes"
                                        + " them all. Leave it out to keep the tags.",
                                "items",
                                Map.of("type", "string"),
                                "maxItems",
                                50),
                        customFields(),
                        expectedVersion(),
                        force())));

        tools.add(tool(
                "move_task",
                "Move a task",
                """
                Moves a task to a column of its board (by id or case-insensitive name), at the end unless
                position (0 = top), before_id or after_id says where. An unknown column fails with the list
                of valid columns. Moving into a done column completes the task, out of it reopens it, into a
                working column starts it. Fails when the target column is at its WIP limit. Returns the task.""",
                write(false, true),
                schema(
                        List.of("task_id", "column"),
                        taskId(),
                        column(),
                        integer("position", "Index in the target column (0 = top).", 0, null),
                        integer("before_id", "Place the task just before this task of the target column.", 1, null),
                        integer("after_id", "Place the task just after this task of the target column.", 1, null),
                        expectedVersion(),
                        force())));

        tools.add(tool(
                "claim_task",
                "Claim a task",
                """
                Claims one specific task for you as a lease (default 15 minutes, or lease_seconds 10-86400)
                and assigns it to you: while the lease lives, nobody else can edit, move or complete it
                (members and admins only with force). Claiming a task you already hold
                renews the lease. Fails when someone else holds a live claim, or the task is completed or
                cancelled. A lease that ran out lets anyone claim the task. Returns the task with claimed_by
                and claim_expires_at.""",
                write(false, true),
                schema(List.of("task_id"), taskId(), leaseSeconds(), expectedVersion())));

        tools.add(tool(
                "claim_next_task",
                "Claim the next task",
                """
                Takes the next task to work on: atomically picks the board's most urgent (urgent > high >
                medium > low), then oldest, task that nobody holds, and claims it for you as a lease (default
                15 minutes, or lease_seconds). Candidates are pending tasks, and in-progress tasks whose
                previous claim expired or was released; tasks assigned to someone else are left to them.
                claim_next_task skips blocked tasks (those waiting for an open
                blocker), and among equally urgent tasks prefers the one whose completion unblocks the most
                others. Narrow it with column (id or name), priority, epic or tag. Two
                agents calling this at the same time never get the same task. Returns {claimed: true, task}
                or, when nothing is available, {claimed: false, task: null, message}. Keep the claim alive
                with renew_claim; finish with complete_task or give it back with release_task.""",
                write(false, false),
                schema(
                        List.of("board"),
                        board(),
                        column(),
                        enumeration(
                                "priority",
                                "Only tasks of exactly this priority (critical is urgent).",
                                PRIORITY_FILTER),
                        text("epic", "Only tasks of this epic (exact)."),
                        text("tag", "Only tasks carrying this tag (case-insensitive)."),
                        leaseSeconds())));

        tools.add(tool(
                "renew_claim",
                "Renew a claim",
                """
                Extends your claim on a task: the lease runs lease_seconds (default 15 minutes) from now.
                Call it before the lease runs out when the work takes longer. Fails when you no longer hold
                the claim (released, or expired and taken by someone else): then stop working on the task.
                Returns the task with the new claim_expires_at.""",
                write(false, true),
                schema(List.of("task_id"), taskId(), leaseSeconds(), expectedVersion())));

        tools.add(tool(
                "release_task",
                "Release a task",
                """
                Gives a claimed task back to the pool without finishing it (for example when blocked); add a
                comment first to say why. Clears the claim and your assignment. Fails when the task is not
                claimed or is claimed by someone else (admins may release anyone's claim). Returns the task.""",
                write(false, false),
                schema(List.of("task_id"), taskId(), expectedVersion())));

        tools.add(tool(
                "complete_task",
                "Complete a task",
                """
                Marks a task completed and moves it to the board's done column, in one step with optional
                notes (added as a comment by you) and evidence: evidence_text (a note) and/or evidence_link
                (an http(s) URL, e.g. a pull request). All or nothing: if any part fails, nothing changes.
                The claim is released. Fails when the task is already completed or cancelled, and, for a
                parent with open subtasks, unless cascade says what becomes of them.
                Returns {task, comment, evidence}.""",
                write(false, false),
                schema(
                        List.of("task_id"),
                        taskId(),
                        text("notes", "What was done, for the record (markdown, up to 20000 characters)."),
                        text("evidence_text", "Evidence as text, e.g. test output (up to 20000 characters)."),
                        text("evidence_link", "Evidence as an http(s) link, e.g. a pull request URL."),
                        enumeration(
                                "cascade",
                                "For a parent with open subtasks: complete them with it, or cancel them.",
                                List.of("complete", "cancel")),
                        expectedVersion(),
                        force())));

        tools.add(tool(
                "add_comment",
                "Add a comment",
                """
                Adds a comment by you to a task (markdown, 1-20000 characters): progress, findings,
                questions, why you released it. Returns the comment (id, author, body, created_at).""",
                write(false, false),
                schema(
                        List.of("task_id", "body"),
                        taskId(),
                        text("body", "The comment text (markdown)."),
                        expectedVersion())));

        tools.add(tool("get_statistics", "Board statistics", """
                Statistics of a board: task counts per column and priority, counts by status (pending,
                in_progress, completed, cancelled, overdue), this week's progress, and time in column per
                column (mean, median, standard deviation, p95 in seconds) with each open task's status colour
                (critical when far slower than its column's usual, warning when slower, else good).
                Returns {statistics, time_in_column}.""", readOnly(), schema(List.of("board"), board())));

        tools.add(tool(
                "get_flow_metrics",
                "Flow metrics",
                """
                Flow metrics of a board rebuilt from its history, over the days from..to (YYYY-MM-DD,
                default the last 30 days up to today, at most 366) with day boundaries in tz (IANA zone,
                default UTC): cumulative_flow (tasks per column at the end of each day, counts aligned with
                columns), wip per day, throughput_daily and throughput_weekly (tasks completed),
                lead_time (created to completed) and cycle_time (first start of work to completed) with
                mean, p50, p85 and p95 in seconds, the completed tasks with their times, and aging_wip:
                open in-progress tasks with their age and whether it exceeds the p85 cycle time.
                Optional filters epic, tag and assignee.""",
                readOnly(),
                schema(
                        List.of("board"),
                        board(),
                        text("from", "First day, YYYY-MM-DD."),
                        text("to", "Last day, YYYY-MM-DD (included)."),
                        text("tz", "IANA time zone, e.g. Europe/Berlin."),
                        text("epic", "Only tasks of this epic (exact)."),
                        text("tag", "Only tasks carrying this tag."),
                        text("assignee", "Only tasks assigned to this name (exact)."))));

        tools.add(tool(
                "report_issue",
                "Report an issue",
                """
                Reports a problem you ran into without creating duplicates: looks for a task on the board
                with the same title (ignoring case, extra whitespace, punctuation, invisible characters
                and the width of characters). If there is one, its
                occurrence_count goes up by one (a completed or cancelled one is reopened as a new
                occurrence); otherwise a new task is created (in column, default the board's first column).
                Safe to call repeatedly and concurrently. Returns {task, created, reopened}.""",
                write(false, false),
                schema(
                        List.of("board", "title"),
                        board(),
                        column(),
                        text("title", "The issue in one line; this is what repeats are matched by."),
                        description(),
                        criteria(),
                        priority(),
                        text("epic", "Epic the issue belongs to."),
                        text("area", "Area of the product or system."),
                        tags(),
                        integer(
                                "duplicate_of",
                                "When the issue is new: record it as a duplicate of this task.",
                                1,
                                null))));

        tools.add(tool(
                "get_hints",
                "Get hints",
                """
                Hints for a task: suggestions from the analysis worker (or a colleague) such as a clearer
                title, a higher priority, tags, an epic, a likely duplicate or a stale or over-limit warning.
                Each hint has id, type (title, description, priority, tags, epic, actions, duplicate, stale,
                wip), message (why), suggestion (the proposed change as JSON) and status. Lists the pending
                hints unless status says applied, dismissed or all. Returns {hints: [...]}. Fails when the
                task does not exist. Apply one with apply_hint.""",
                readOnly(),
                schema(
                        List.of("task_id"),
                        taskId(),
                        enumeration(
                                "status",
                                "Which hints: pending (default), applied, dismissed or all.",
                                List.of("pending", "applied", "dismissed", "all")))));

        tools.add(tool(
                "apply_hint",
                "Apply a hint",
                """
                Applies a pending hint (from get_hints or get_task) to its task: a title, description,
                priority or epic hint sets that field (a normal edit: new version, recorded in the history
                under your name); a tags hint adds the tags (creating unknown ones); informational hints
                (actions, duplicate, stale, wip) only become applied. Fails when the hint does not exist or
                was already applied or dismissed; with expected_version, fails instead of applying when the
                task changed meanwhile. Returns {hint, task}.""",
                write(true, false),
                schema(
                        List.of("hint_id"),
                        integer("hint_id", "The hint's id from get_hints.", 1, null),
                        expectedVersion())));

        tools.add(tool(
                "add_dependency",
                "Add a dependency",
                """
                Records that task_id cannot be finished before blocked_by_task_id: task_id becomes blocked
                until that task is completed or cancelled. A blocked task cannot be started, moved into an
                in-progress, review or done column, or completed, and claim_next_task skips it. Both tasks
                must be in your workspace (any boards). Fails when the dependency exists already, or when it
                would close a cycle (the error names the path). Returns the task's relations {task_id,
                blocked, blockers, items}.""",
                write(false, false),
                schema(
                        List.of("task_id", "blocked_by_task_id"),
                        taskId(),
                        integer("blocked_by_task_id", "The task that must be done first.", 1, null),
                        expectedVersion())));

        tools.add(tool(
                "remove_dependency",
                "Remove a dependency",
                """
                Removes the dependency of task_id on blocked_by_task_id (added with add_dependency). When
                that was its last open blocker, the task is no longer blocked. Fails when there is no such
                dependency. Returns the task's relations {task_id, blocked, blockers, items}.""",
                write(true, false),
                schema(
                        List.of("task_id", "blocked_by_task_id"),
                        taskId(),
                        integer("blocked_by_task_id", "The task it should no longer wait for.", 1, null),
                        expectedVersion())));

        tools.add(tool(
                "create_subtask",
                "Create a subtask",
                """
                Creates a task as a subtask of parent_id: on the parent's board unless board says otherwise,
                by default in the board's first column. title is required (1-500 characters); the other
                fields are those of create_task. A parent cannot be completed while subtasks are open, and
                trees are at most 5 levels deep. Returns the created task (with parent_id).""",
                write(false, false),
                schema(
                        List.of("parent_id", "title"),
                        integer("parent_id", "The parent task's id.", 1, null),
                        board(),
                        column(),
                        text("title", "Short summary of the part (1-500 characters)."),
                        description(),
                        criteria(),
                        priority(),
                        text("assignee", "Name of the user or agent to assign."),
                        text("due_date", "Due date as an ISO-8601 timestamp (2030-01-31T17:00:00Z)."),
                        tags())));

        tools.add(tool(
                "add_checklist_item",
                "Add a checklist item",
                """
                Adds an item to a task's checklist: text (1-500 characters), at the end unless position
                (0 = first) says where; optional assignee and due_date. Use a checklist for small steps
                of one task, a subtask (create_subtask) for parts worth their own card. Each change is a
                new version of the task. Returns {item, task}.""",
                write(false, false),
                schema(
                        List.of("task_id", "text"),
                        taskId(),
                        text("text", "The step (1-500 characters)."),
                        integer("position", "Index in the checklist (0 = first).", 0, null),
                        text("assignee", "Who does this step."),
                        text("due_date", "ISO-8601 timestamp."),
                        expectedVersion())));

        tools.add(tool(
                "check_item",
                "Tick a checklist item",
                """
                Ticks (done true, the default) or unticks (done false) an item of a task's checklist; the
                item_id comes from get_task's checklist. Returns {item, task} with the task's checklist
                progress.""",
                write(false, true),
                schema(
                        List.of("task_id", "item_id"),
                        taskId(),
                        integer("item_id", "The checklist item's id.", 1, null),
                        bool("done", "true ticks the item (default), false unticks it."),
                        expectedVersion())));

        tools.add(tool(
                "list_archived",
                "List archived or deleted tasks",
                """
                Lists the tasks that are off the board: archived ones (the default; hidden from the board
                and from list_tasks, still readable with get_task) or, with trash true, the deleted ones in
                the trash (restorable until purge_after, when they are removed for good). Optional board
                narrows to one board. Returns {items, total, limit, offset}; restore one with
                restore_task.""",
                readOnly(),
                schema(
                        List.of(),
                        board(),
                        bool("trash", "true: list the trash (deleted tasks) instead of the archive."),
                        limit(),
                        offset())));

        tools.add(tool(
                "restore_task",
                "Restore an archived or deleted task",
                """
                Puts an archived task, or a deleted one from the trash, back on its board at the end of its
                column (a column at its WIP limit refuses it: make room first). A task already on the
                board is returned unchanged. Returns the task.""",
                write(false, true),
                schema(List.of("task_id"), taskId())));

        return List.copyOf(tools);
    }

    // ---- schema building ----

    private record Prop(String name, Map<String, Object> schema) {}

    private static Tool tool(
            String name, String title, String description, ToolAnnotations hints, Map<String, Object> schema) {
        ToolAnnotations titled = new ToolAnnotations(
                title, hints.readOnlyHint(), hints.destructiveHint(), hints.idempotentHint(), false, null);
        return Tool.builder()
                .name(name)
                .title(title)
                .description(description.strip())
                .inputSchema(schema)
                .annotations(titled)
                .build();
    }

    private static ToolAnnotations readOnly() {
        return new ToolAnnotations(null, true, false, true, false, null);
    }

    private static ToolAnnotations write(boolean destructive, boolean idempotent) {
        return new ToolAnnotations(null, false, destructive, idempotent, false, null);
    }

    private static Map<String, Object> schema(List<String> required, Prop... props) {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (Prop p : props) {
            properties.put(p.name(), p.schema());
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        if (!required.isEmpty()) {
            schema.put("required", required);
        }
        schema.put("additionalProperties", false);
        return schema;
    }

    private static Prop prop(String name, Object type, String description, Object... more) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("type", type);
        s.put("description", description);
        for (int i = 0; i + 1 < more.length; i += 2) {
            if (more[i + 1] != null) {
                s.put((String) more[i], more[i + 1]);
            }
        }
        return new Prop(name, s);
    }

    private static Prop board() {
        return prop("board", List.of("integer", "string"), "The board: its id (a number) or its exact name.");
    }

    private static Prop column() {
        return prop(
                "column",
                List.of("integer", "string"),
                "A column of the board: its id or its name (case-insensitive).");
    }

    private static Prop taskId() {
        return integer("task_id", "The task's id.", 1, null);
    }

    private static Prop text(String name, String description) {
        return prop(name, "string", description);
    }

    private static Prop nullableText(String name, String description) {
        return prop(name, List.of("string", "null"), description);
    }

    private static Prop description() {
        return nullableText("description", "Details in markdown.");
    }

    private static Prop criteria() {
        return nullableText("acceptance_criteria", "What must be true for the task to be done (markdown).");
    }

    private static Prop priority() {
        return enumeration(
                "priority",
                "low, medium, high or urgent (critical is accepted as urgent).",
                java.util.stream.Stream.concat(PRIORITIES.stream(), java.util.stream.Stream.of("critical"))
                        .toList());
    }

    /** A list filter: an array of values or one value (agents often send one as a string; commas split it). */
    private static Prop priorities() {
        return prop(
                "priority",
                List.of("array", "string"),
                "Only tasks with one of these priorities (critical is urgent): an array, or one value.",
                "items",
                Map.of("type", "string", "enum", PRIORITY_FILTER));
    }

    private static Prop statuses() {
        return prop(
                "status",
                List.of("array", "string"),
                "Only tasks with one of these statuses: an array, or one value.",
                "items",
                Map.of("type", "string", "enum", STATUSES));
    }

    private static Prop tags() {
        return prop(
                "tags",
                "array",
                "Tag names (created when new), at most 50.",
                "items",
                Map.of("type", "string"),
                "maxItems",
                50);
    }

    private static Prop enumeration(String name, String description, List<String> values) {
        return prop(name, "string", description, "enum", values);
    }

    private static Prop integer(String name, String description, Integer min, Integer max) {
        return prop(name, "integer", description, "minimum", min, "maximum", max);
    }

    private static Prop bool(String name, String description) {
        return prop(name, "boolean", description);
    }

    private static Prop object(String name, String description) {
        return prop(name, "object", description);
    }

    private static Prop customFields() {
        return object(
                "fields",
                "Custom field values by field name (numbers, YYYY-MM-DD dates, options, true/false, usernames, URLs).");
    }

    private static Prop limit() {
        return integer("limit", "Page size (1-100, default 50).", 1, 100);
    }

    private static Prop offset() {
        return integer("offset", "How many results to skip (default 0).", 0, null);
    }

    private static Prop leaseSeconds() {
        return integer(
                "lease_seconds",
                "Lease length in seconds (" + TaskRequests.MIN_LEASE_SECONDS + "-" + TaskRequests.MAX_LEASE_SECONDS
                        + ", default 900 = 15 minutes).",
                TaskRequests.MIN_LEASE_SECONDS,
                TaskRequests.MAX_LEASE_SECONDS);
    }

    private static Prop force() {
        return bool(
                "force",
                "Override someone else's live claim on the task (members and admins only; recorded in the"
                        + " task's history). Without it, a task claimed by someone else fails with who holds it and until when.");
    }

    private static Prop expectedVersion() {
        return integer(
                "expected_version",
                "Fail instead of overwriting if the task's version is no longer this one.",
                1,
                null);
    }
}
