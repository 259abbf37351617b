package dev.agentkanban.task;

import dev.agentkanban.board.Board;
import dev.agentkanban.board.BoardColumn;
import dev.agentkanban.board.Boards;
import dev.agentkanban.board.ColumnKind;
import dev.agentkanban.board.ColumnLock;
import dev.agentkanban.events.EventType;
import dev.agentkanban.events.Outbox;
import dev.agentkanban.field.CustomFields;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.identity.Role;
import dev.agentkanban.identity.Roles;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Precondition;
import dev.agentkanban.platform.StoredJson;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.platform.Versions;
import dev.agentkanban.task.TaskRequests.ClaimNextTask;
import dev.agentkanban.task.TaskRequests.CreateTask;
import dev.agentkanban.task.TaskRequests.MoveTask;
import dev.agentkanban.task.TaskRequests.ReportIssue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * The task feature's write API. Each operation is one transaction: the row change (the triggers add
 * history and timestamps) and one outbox event. Operations that place a task in a column lock that
 * column first, then the task, so concurrent writers into one column take turns and positions stay a
 * strict order.
 */
@Service
public class Tasks {

    /** The largest metadata object, in bytes of JSON (the API's and the CSV import's limit). */
    public static final int MAX_METADATA_BYTES = 65_536;

    private final TaskRepository repo;
    private final TaskQueries queries;
    private final Boards boards;
    private final Transactions tx;
    private final Outbox outbox;
    private final JsonMapper json;
    private final Duration defaultLease;
    private final TaskTagging tags;
    private final Relations relations;
    private final Trash trash;
    private final CustomFields fields;

    Tasks(
            TaskRepository repo,
            TaskQueries queries,
            Boards boards,
            Transactions tx,
            Outbox outbox,
            JsonMapper json,
            @Value("${kanban.claim-lease:PT15M}") Duration defaultLease,
            TaskTagging tags,
            Relations relations,
            Trash trash,
            CustomFields fields) {
        this.repo = repo;
        this.queries = queries;
        this.boards = boards;
        this.tx = tx;
        this.outbox = outbox;
        this.json = json;
        this.defaultLease = defaultLease;
        this.tags = tags;
        this.relations = relations;
        this.trash = trash;
        this.fields = fields;
    }

    /** Where in a column: before or after another task, at an index, or (all null) at the end. */
    record Placement(Long beforeId, Long afterId, Integer index) {
        static final Placement END = new Placement(null, null, null);
    }

    public TaskView create(CreateTask request) {
        RequestContext ctx = CurrentRequest.get();
        Map<String, Object> metadata = checkedMetadata(request.metadata());
        return tx.write(() -> insert(request, ctx, metadata));
    }

    /** Creates the task inside the caller's write transaction. */
    private TaskView insert(CreateTask request, RequestContext ctx, Map<String, Object> metadata) {
        TaskStatus status = request.status();
        if (status == TaskStatus.CANCELLED) {
            throw ApiException.invalid(
                    "status", "a new task is pending, in_progress or completed; cancel it with its reason afterwards");
        }
        // seed 003's tasks have no board: without board_id and column_id a workspace's only board is meant
        Long boardId = request.boardId() == null && request.columnId() == null
                ? boards.onlyBoardId().orElse(null)
                : request.boardId();
        Long columnId = request.columnId() == null && request.column() == null && status != null
                ? columnForNewTask(boardId, status)
                : request.columnId();
        ColumnLock lock = lockTarget(boardId, columnId, request.column(), 0);
        BoardColumn column = lock.column();
        if (status != null) {
            requireStatusFits(status, column);
        }
        requireWipRoom(column, lock);
        Task t = Task.created(
                ctx.workspaceId(),
                ctx.actor(),
                column,
                place(column, 0, new Placement(null, null, request.position()), lock),
                TaskContent.of(request, metadata),
                status == null ? Task.statusOnArrival(column) : status);
        if (request.fields() != null && !request.fields().isEmpty()) {
            t.setCustomFields(fields.apply(t.boardId(), Map.of(), request.fields(), true));
        }
        boolean more = (request.tags() != null && !request.tags().isEmpty())
                || request.parentId() != null
                || t.content().assignee() != null;
        if (!more) {
            // nothing else changes what the view shows (tags, relations, the assignees V31's trigger
            // writes after the row): the insert answers it (one round trip)
            TaskView view = queries.written(repo.insertion(t)).orElseThrow();
            return publish(EventType.TASK_CREATED, view, Map.of());
        }
        long id = repo.insert(t);
        if (request.tags() != null && !request.tags().isEmpty()) {
            tags.setByNames(new TaskRef(id, t.boardId(), t.workspaceId()), request.tags());
        }
        if (request.parentId() != null) {
            relations.link(request.parentId(), RelationKind.CHILD, id, false);
        }
        return publish(EventType.TASK_CREATED, id, Map.of());
    }

    /**
     * PUT: replaces every editable field; those not sent take their defaults (empty, medium priority,
     * one occurrence), as on creation. The status and column, which are not fields of the task's
     * content, change only when sent.
     */
    public TaskView replace(long id, Precondition expectedVersion, TaskPatch replacement, Overrides overrides) {
        return update(id, expectedVersion, replacement, overrides);
    }

    /**
     * Inserts a task as it was elsewhere (imports and restores) inside the caller's write transaction:
     * the insert fires the same triggers as a created task (audit row, counters); the caller appends the
     * task's event once what hangs off it is written. The caller holds the column's lock.
     */
    public long restore(RestoredTask task) {
        Transactions.requireActive("a restored task must be inserted inside the import's transaction");
        return repo.insert(CurrentRequest.get().workspaceId(), task);
    }

    /** A task id no row will take: for the restored trail of a task that no longer exists. */
    public long reserveId() {
        return repo.reserveId();
    }

    /** Applies the fields present in {@code patch}. */
    public TaskView update(long id, Precondition expectedVersion, TaskPatch patch) {
        return update(id, expectedVersion, patch, Overrides.NONE);
    }

    public TaskView update(long id, Precondition expectedVersion, TaskPatch patch, Overrides overrides) {
        if (patch.metadata() != null) {
            checkedMetadata(patch.metadata().value());
        }
        // by name, the target column is found on the task's board, read before the write
        BoardColumn named = patch.moves() && patch.columnId() == null
                ? boards.resolveColumn(
                        tx.read(() -> boards.require(loadUnlocked(id).boardId())), null, patch.column())
                : null;
        boolean statusMoves = patch.status() != null && !patch.moves();
        return whileInPlace(() -> {
            Task before = statusMoves ? loadUnlocked(id) : null;
            return tx.write(() -> {
                ColumnLock target = patch.moves()
                        ? lockDestination(id, named != null ? named.id() : patch.columnId(), "column_id")
                        : null;
                // a status alone moves the task as the lifecycle endpoints do; its column is locked first
                Board board =
                        statusMoves && before.status() != patch.status() ? boards.require(before.boardId()) : null;
                BoardColumn implied = board == null ? null : columnForStatus(board, before, patch.status());
                if (implied != null) {
                    boards.lockColumn(implied.id());
                }
                TaskRepository.Locked locked = lockWithRelations(id, expectedVersion);
                Task t = locked.task();
                if (before != null) {
                    requireInPlace(before, t);
                }
                if (target != null) {
                    requireSameBoard(t, target, named != null ? "column" : "column_id");
                }
                respectClaim(t, overrides.force());
                t.edit(patch);
                if (patch.changesFields()) {
                    t.setCustomFields(
                            fields.apply(t.boardId(), t.customFields(), patch.fields(), patch.replacesFields()));
                }
                EventType event = EventType.TASK_UPDATED;
                Map<String, Object> extra = new HashMap<>();
                if (target != null && target.column().id() != t.columnId()) {
                    extra.put("from_column_id", t.columnId());
                    relocate(
                            target.board(), t, target.column(), Placement.END, Task.StatusOnMove.FOLLOW_COLUMN, target);
                    event = EventType.TASK_MOVED;
                }
                if (target != null && patch.status() != null) {
                    requireStatusFits(patch.status(), target.column());
                }
                if (patch.status() != null && patch.status() != t.status()) {
                    t.changeStatus(patch.status(), patch.cancelReason());
                    if (t.status() == TaskStatus.COMPLETED) {
                        event = EventType.TASK_COMPLETED;
                    }
                }
                if (implied != null && implied.id() != t.columnId()) {
                    extra.put("from_column_id", t.columnId());
                    relocate(board, t, implied, Placement.END, Task.StatusOnMove.KEEP);
                    event = t.status() == TaskStatus.COMPLETED ? EventType.TASK_COMPLETED : EventType.TASK_MOVED;
                }
                TaskView saved = save(locked, overrides);
                if (patch.tags() != null
                        && tags.setByNames(new TaskRef(id, t.boardId(), t.workspaceId()), patch.tags())) {
                    if (saved.version() == t.version()) {
                        // the row itself did not change: the new tags are this request's one new version
                        repo.touch(id);
                    }
                    return publish(event, id, extra);
                }
                return publish(event, saved, extra);
            });
        });
    }

    /**
     * The column a new task with a status but no column goes into, as the lifecycle endpoints would put
     * it: completed into the board's first done column, in progress into its first in-progress column
     * (else the first column), pending into the first column.
     */
    private Long columnForNewTask(Long boardId, TaskStatus status) {
        if (boardId == null) {
            return null;
        }
        Board board = boards.require(boardId);
        BoardColumn target = switch (status) {
            case COMPLETED -> board.firstOfKind(ColumnKind.DONE);
            case IN_PROGRESS -> board.firstOfKind(ColumnKind.IN_PROGRESS);
            default -> null;
        };
        if (status == TaskStatus.COMPLETED && target == null) {
            throw noDoneColumn(boardId);
        }
        return (target != null ? target : board.columns().getFirst()).id();
    }

    /**
     * The 409 for completing a task (creating it completed, {@code complete}, a {@code status} of
     * completed) on a board without a done column: a completed task sits in a done column.
     */
    private static ApiException noDoneColumn(long boardId) {
        return ApiException.conflict(
                "status-column-conflict", "board " + boardId + " has no done column for a completed task");
    }

    /** A done column holds completed (or cancelled) tasks only, and completed tasks sit in a done column. */
    private static void requireStatusFits(TaskStatus status, BoardColumn column) {
        if (!status.fits(column)) {
            throw ApiException.conflict(
                    "status-column-conflict",
                    "status '" + status + "' does not fit column '" + column.name() + "' ("
                            + column.kind() + "): a done column holds completed tasks, and a completed task"
                            + " sits in a done column");
        }
    }

    public void delete(long id, Precondition expectedVersion) {
        delete(id, expectedVersion, Overrides.NONE);
    }

    /**
     * Deletes the task: it goes to the trash ({@link TaskArchive}), restorable until the retention
     * purges it. One with subtasks only with {@code cascade} delete (them too) or detach (they stay, as
     * top-level tasks). An archived task moves from the archive to the trash.
     */
    public void delete(long id, Precondition expectedVersion, Overrides overrides) {
        tx.write(() -> {
            TaskRepository.Locked locked = repo.lock(CurrentRequest.get().workspaceId(), id)
                    .orElseThrow(() -> ApiException.notFound("task", id));
            if (!locked.onBoard()) {
                if (trash.trashIfArchived(id, expectedVersion)) {
                    return;
                }
                throw trash.notOnBoard(id);
            }
            Task t = checkedVersion(locked.task(), expectedVersion);
            respectClaim(t, overrides.force());
            if (locked.hasChildren()) {
                settleChildrenOfDeleted(t, overrides);
            }
            List<Long> dependants = locked.openDependants() ? relations.dependantsOf(id) : List.of();
            trash.putInTrash(t.workspaceId(), id);
            relations.announceUnblocked(id, dependants);
            trash.announceDeleted(id, t.boardId(), t.columnId(), t.title());
        });
    }

    public TaskView move(long id, Precondition expectedVersion, MoveTask request) {
        return move(id, expectedVersion, request, Overrides.NONE);
    }

    public TaskView move(long id, Precondition expectedVersion, MoveTask request, Overrides overrides) {
        if (request.beforeId() != null && request.afterId() != null) {
            throw ApiException.invalid("before_id", "give before_id or after_id, not both");
        }
        // without a column id the target is found from the task as it is (its column, or a name on its board)
        BoardColumn found;
        if (request.columnId() == null) {
            Task before = loadUnlocked(id);
            Board board = tx.read(() -> boards.require(before.boardId()));
            found = request.column() == null
                    ? column(board, before.columnId())
                    : boards.resolveColumn(board, null, request.column());
        } else {
            found = null;
        }
        return tx.write(() -> {
            ColumnLock target = lockDestination(id, found != null ? found.id() : request.columnId(), "column_id");
            if (request.columnId() != null) {
                requireNamed(target.column(), request.column());
            }
            TaskRepository.Locked locked = lockWithRelations(id, expectedVersion);
            Task t = locked.task();
            requireSameBoard(t, target, request.column() != null ? "column" : "column_id");
            respectClaim(t, overrides.force());
            long from = t.columnId();
            relocate(
                    target.board(),
                    t,
                    target.column(),
                    new Placement(request.beforeId(), request.afterId(), request.position()),
                    Task.StatusOnMove.FOLLOW_COLUMN,
                    target);
            return publish(EventType.TASK_MOVED, save(locked, overrides), Map.of("from_column_id", from));
        });
    }

    /** pending → in progress; pulls the task into the board's first working column when it sits in backlog/todo. */
    public TaskView start(long id, Precondition expectedVersion) {
        return start(id, expectedVersion, Overrides.NONE);
    }

    public TaskView start(long id, Precondition expectedVersion, Overrides overrides) {
        return transition(
                id,
                expectedVersion,
                overrides,
                EventType.TASK_UPDATED,
                (board, t) -> {
                    BoardColumn current = column(board, t.columnId());
                    boolean waiting = current.kind() == ColumnKind.BACKLOG || current.kind() == ColumnKind.TODO;
                    return waiting ? board.firstOfKind(ColumnKind.IN_PROGRESS) : null;
                },
                Task::start);
    }

    /**
     * Completes the task and moves it to the board's first done column (when it is elsewhere); on a board
     * without a done column a 409 {@code status-column-conflict}, as for a task created completed there.
     */
    public TaskView complete(long id, Precondition expectedVersion) {
        return complete(id, expectedVersion, Overrides.NONE);
    }

    /** Completes the task; a parent with open subtasks only with {@code cascade} complete or cancel (applied to them first). */
    public TaskView complete(long id, Precondition expectedVersion, Overrides overrides) {
        return transition(
                id,
                expectedVersion,
                overrides,
                EventType.TASK_COMPLETED,
                (board, t) -> {
                    if (column(board, t.columnId()).isDone()) {
                        return null;
                    }
                    BoardColumn done = board.firstOfKind(ColumnKind.DONE);
                    if (done == null && t.status().isOpen()) {
                        throw noDoneColumn(board.id()); // a closed task answers its illegal transition
                    }
                    return done;
                },
                Task::complete);
    }

    public TaskView cancel(long id, Precondition expectedVersion, String reason) {
        return cancel(id, expectedVersion, reason, false);
    }

    public TaskView cancel(long id, Precondition expectedVersion, String reason, boolean force) {
        return transition(
                id,
                expectedVersion,
                Overrides.of(force, null),
                EventType.TASK_UPDATED,
                (board, t) -> null,
                t -> t.cancel(reason));
    }

    /** Reopens a completed or cancelled task; one sitting in a done column goes back to the first to-do column. */
    public TaskView reopen(long id, Precondition expectedVersion) {
        return reopen(id, expectedVersion, false);
    }

    public TaskView reopen(long id, Precondition expectedVersion, boolean force) {
        return transition(
                id,
                expectedVersion,
                Overrides.of(force, null),
                EventType.TASK_UPDATED,
                (board, t) -> {
                    if (!column(board, t.columnId()).isDone()) {
                        return null;
                    }
                    return board.reopenColumn();
                },
                Task::reopen);
    }

    /**
     * Claims the task for the caller as a lease (default {@code kanban.claim-lease}, 15 minutes);
     * claiming one's own claim renews it. Taking over a claim whose lease ran out records a
     * {@code claim_expired} history row for the previous holder before the new {@code claimed} row.
     */
    public TaskView claim(long id, Integer leaseSeconds) {
        return claim(id, null, leaseSeconds);
    }

    /** {@link #claim(long, Integer)}, checking the task's version the caller saw (If-Match) when given. */
    public TaskView claim(long id, Precondition expectedVersion, Integer leaseSeconds) {
        RequestContext ctx = CurrentRequest.get();
        Duration lease = lease(leaseSeconds);
        return tx.write(() -> {
            Task t = lockForChange(id, expectedVersion);
            takeClaim(t, ctx.actor(), lease);
            return publish(EventType.TASK_CLAIMED, id, Map.of());
        });
    }

    /** Extends the caller's own claim; 409 when the task is not claimed by the caller (any more). */
    public TaskView renew(long id, Integer leaseSeconds) {
        return renew(id, null, leaseSeconds);
    }

    /** {@link #renew(long, Integer)}, checking the task's version the caller saw (If-Match) when given. */
    public TaskView renew(long id, Precondition expectedVersion, Integer leaseSeconds) {
        RequestContext ctx = CurrentRequest.get();
        Duration lease = lease(leaseSeconds);
        return tx.write(() -> {
            Task t = lockForChange(id, expectedVersion);
            t.renew(ctx.actor(), Instant.now().plus(lease));
            repo.update(t);
            return publish(EventType.TASK_CLAIMED, id, Map.of("renewed", true));
        });
    }

    /**
     * Atomically picks the board's most urgent, oldest claimable task matching the request and claims
     * it for the caller. Claimable: pending, or in progress under a lease that ran out; never claimed
     * by someone else with a live lease, never blocked by an open task. Among equally urgent tasks the
     * one that blocks the most open tasks comes first (finishing it frees the most work). Concurrent
     * callers skip each other's locked rows ({@code FOR NO KEY UPDATE SKIP LOCKED}), so two agents never
     * get the same task. A row another transaction holds only for its key (an insert referencing the task,
     * such as the notification fan-out's automatic watch, takes FOR KEY SHARE) is not skipped, so a more
     * urgent task is never passed over for that: the claim waits the moment for that transaction. A
     * claimable task held by a claimer or writer is looked for again a few times before the answer is
     * "nothing", so an agent is not sent away from work that is there. Empty when nothing
     * qualifies; 404 when the board (or the named column) is not in the workspace.
     */
    public Optional<TaskView> claimNext(ClaimNextTask request) {
        RequestContext ctx = CurrentRequest.get();
        Duration lease = lease(request.leaseSeconds());
        for (int attempt = 1; ; attempt++) {
            ClaimAttempt tried = tx.write(() -> {
                Board board = boards.require(request.boardId());
                Long columnId = request.columnId() == null && request.column() == null
                        ? null
                        : boards.resolveColumn(board, request.columnId(), request.column())
                                .id();
                Optional<Long> picked = nextClaimable(ctx, board, columnId, request, true);
                if (picked.isEmpty()) {
                    return new ClaimAttempt(
                            Optional.empty(),
                            nextClaimable(ctx, board, columnId, request, false).isPresent());
                }
                Task t = lockForChange(picked.get(), null);
                takeClaim(t, ctx.actor(), lease);
                return new ClaimAttempt(
                        Optional.of(publish(EventType.TASK_CLAIMED, t.id(), Map.of("claim_next", true))), false);
            });
            if (tried.claimed().isPresent() || !tried.heldElsewhere() || attempt == CLAIM_ATTEMPTS) {
                return tried.claimed();
            }
            // a claimable task exists but another transaction holds its row for a moment (a claimer about
            // to take it, or an insert that references it): look again shortly instead of saying "nothing"
            try {
                Thread.sleep(CLAIM_RETRY_PAUSE.multipliedBy(attempt));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    private static final int CLAIM_ATTEMPTS = 8;
    private static final Duration CLAIM_RETRY_PAUSE = Duration.ofMillis(10);

    /** One try of {@link #claimNext}: the task claimed, else whether a claimable one was held by others. */
    private record ClaimAttempt(Optional<TaskView> claimed, boolean heldElsewhere) {}

    private Optional<Long> nextClaimable(
            RequestContext ctx, Board board, Long columnId, ClaimNextTask request, boolean lock) {
        return repo.nextClaimable(
                ctx.workspaceId(),
                board.id(),
                ctx.actor(),
                columnId,
                request.priority(),
                blankToNull(request.epic()),
                blankToNull(request.tag()),
                lock);
    }

    /**
     * Seed 000's agent rule: an issue is found by its normalised title on the board (lower case,
     * whitespace and punctuation collapsed, invisible characters dropped, NFKC, trimmed: the SQL function
     * normalised_title; an open match first, else the latest closed one) or created. A
     * repeat counts one more occurrence, and a completed or cancelled issue is reopened as a new
     * occurrence (back to the board's first to-do column when it sits in a done column). Reports of one
     * title on one board take turns on a transaction-scoped advisory lock, so concurrent reports of a
     * new issue create it once.
     */
    public ReportedIssue reportIssue(ReportIssue request) {
        return tx.write(() -> {
            Board board = boards.require(request.boardId());
            repo.lockIssueTitle(board.id(), request.title());
            Optional<Task> found = repo.findIssue(CurrentRequest.get().workspaceId(), board.id(), request.title());
            if (found.isEmpty()) {
                TaskView created = insert(
                        new CreateTask(
                                board.id(),
                                request.columnId(),
                                request.column(),
                                request.title(),
                                request.description(),
                                request.acceptanceCriteria(),
                                request.priority(),
                                request.epic(),
                                request.area(),
                                null,
                                null,
                                null,
                                1,
                                null,
                                request.tags(),
                                null,
                                null,
                                null,
                                null),
                        CurrentRequest.get(),
                        Map.of());
                if (request.duplicateOf() != null) {
                    relations.link(created.id(), RelationKind.DUPLICATE_OF, request.duplicateOf(), true);
                    created = queries.find(created.id()).orElseThrow();
                }
                return new ReportedIssue(created, true, false);
            }
            Task before = found.get();
            ColumnLock target = null;
            boolean inDone = column(board, before.columnId()).isDone();
            if (!before.status().isOpen() && inDone) {
                target = reopenTarget(board, before.id());
            }
            Task t = lockForChange(before.id(), null);
            int previous = t.occurrenceCount();
            // a closed issue in a done column comes back only where there is room: with every open column it
            // could go to at its WIP limit the occurrence is still counted, and the issue stays closed
            boolean reopens = !t.status().isOpen() && (!inDone || target != null);
            long from = t.columnId();
            if (reopens) {
                t.reportAgain();
            } else {
                t.countAgain();
            }
            if (reopens && inDone && target != null && target.column().id() != t.columnId()) {
                relocate(board, t, target.column(), Placement.END, Task.StatusOnMove.KEEP, target);
            }
            repo.update(t);
            if (reopens) {
                relations.announceBlocked(t.id(), relations.dependantsOf(t.id()));
            }
            repo.recordChange(
                    t.id(),
                    "occurrence_count",
                    Integer.toString(previous),
                    Integer.toString(t.occurrenceCount()),
                    "reported_again");
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("reported_again", true);
            if (from != t.columnId()) {
                extra.put("from_column_id", from);
            }
            return new ReportedIssue(publish(movedAs(EventType.TASK_UPDATED, from, t), t.id(), extra), false, reopens);
        });
    }

    /**
     * Where a closed issue in a done column reopens, locked with what placing it there needs (as a move's
     * destination is): the board's reopen column (its first to-do), else, when that one is at its WIP
     * limit, the backlog; null when neither exists or has room.
     */
    private ColumnLock reopenTarget(Board board, long taskId) {
        List<BoardColumn> candidates = new ArrayList<>();
        if (board.reopenColumn() != null) {
            candidates.add(board.reopenColumn());
        }
        BoardColumn backlog = board.firstOfKind(ColumnKind.BACKLOG);
        if (backlog != null && !candidates.contains(backlog)) {
            candidates.add(backlog);
        }
        for (BoardColumn candidate : candidates) {
            ColumnLock locked = lockDestination(taskId, candidate.id(), "column");
            Integer limit = locked.column().wipLimit();
            if (limit == null || locked.taskCount() < limit) {
                return locked;
            }
        }
        return null;
    }

    /** What {@link #reportIssue} did: the issue as it is now, and whether it was new or came back. */
    public record ReportedIssue(TaskView task, boolean created, boolean reopened) {}

    public TaskView release(long id) {
        return release(id, null);
    }

    /** Releases the caller's claim (an admin's: anyone's), checking the task's version (If-Match) when given. */
    public TaskView release(long id, Precondition expectedVersion) {
        RequestContext ctx = CurrentRequest.get();
        return tx.write(() -> {
            Task t = lockForChange(id, expectedVersion);
            t.release(ctx.actor(), ctx.role() == Role.ADMIN, Instant.now());
            repo.update(t);
            return publish(EventType.TASK_RELEASED, id, Map.of());
        });
    }

    // ---- the machinery ----

    /**
     * Writes a changed task under the work-breakdown rules (issue 14): a task with open blockers may
     * not begin or finish work (unless forced), a parent is completed only after its open subtasks
     * (with a cascade), and closing a task announces the tasks it no longer blocks.
     */
    private TaskView save(TaskRepository.Locked locked, Overrides overrides) {
        Task t = locked.task();
        // the relations the rules ask about were read under the task's lock: only a task that has them reads them
        if (t.beginsOrFinishesWork() && locked.blocked()) {
            relations.requireUnblocked(t, overrides.force());
        }
        if (t.completes() && locked.openChildren() && settleChildrenOfCompleted(t, overrides) && t.changedColumn()) {
            // the subtasks went to the done column first: place the parent after them
            t.reposition(place(column(boards.require(t.boardId()), t.columnId()), t.id(), Placement.END));
        }
        TaskView view;
        if (java.util.Objects.equals(locked.assignee(), t.content().assignee())) {
            // the update answers the task's view in the same round trip
            view = queries.written(repo.updating(t))
                    .orElseThrow(
                            () -> new IllegalStateException("task " + t.id() + " vanished inside its own transaction"));
        } else {
            // V31's trigger rewrites the assignees after the row: the view is read after the update
            repo.update(t);
            view = queries.find(t.id()).orElseThrow();
        }
        if (locked.openDependants() && t.closes()) {
            relations.announceUnblocked(t.id(), relations.dependantsOf(t.id()));
        } else if (locked.openDependants() && t.reopens()) {
            relations.announceBlocked(t.id(), relations.dependantsOf(t.id()));
        }
        return view;
    }

    /** Completes or cancels the open subtasks as the cascade says (409 without one); true when there were any. */
    private boolean settleChildrenOfCompleted(Task t, Overrides overrides) {
        List<TaskLink> open = relations.openChildren(t.id());
        if (open.isEmpty()) {
            return false;
        }
        Overrides.Cascade cascade = overrides.cascade();
        if (cascade == null) {
            throw ApiException.conflict(
                    "open-subtasks",
                    "task " + t.id() + " has open subtasks "
                            + open.stream()
                                    .map(c -> "#" + c.id() + " " + c.title())
                                    .toList()
                            + "; finish them first, or complete with cascade=complete or cascade=cancel",
                    Map.of("subtasks", open));
        }
        for (TaskLink child : open) {
            switch (cascade) {
                case COMPLETE -> complete(child.id(), null, overrides);
                case CANCEL -> cancel(child.id(), null, "parent task " + t.id() + " was completed");
                default ->
                    throw ApiException.invalid("cascade", "completing a task takes cascade=complete or cascade=cancel");
            }
        }
        return true;
    }

    private void settleChildrenOfDeleted(Task t, Overrides overrides) {
        List<TaskLink> children = relations.children(t.id());
        if (children.isEmpty()) {
            return;
        }
        Overrides.Cascade cascade = overrides.cascade();
        if (cascade == null) {
            throw ApiException.conflict(
                    "has-subtasks",
                    "task " + t.id() + " has subtasks "
                            + children.stream().map(c -> "#" + c.id()).toList()
                            + "; delete with cascade=delete to delete them too, or cascade=detach to keep them",
                    Map.of("subtasks", children));
        }
        switch (cascade) {
            case DELETE -> children.forEach(child -> delete(child.id(), null, overrides));
            case DETACH -> // the subtasks stay as top-level tasks
                relations.detachChildren(new TaskRef(t.id(), t.boardId(), t.workspaceId()));
            default -> throw ApiException.invalid("cascade", "deleting a task takes cascade=delete or cascade=detach");
        }
    }

    private Duration lease(Integer leaseSeconds) {
        return leaseSeconds == null ? defaultLease : Duration.ofSeconds(leaseSeconds);
    }

    /** Claims the locked task for {@code actor}, recording the lapse of a previous holder's expired lease. */
    private void takeClaim(Task t, String actor, Duration lease) {
        Instant now = Instant.now();
        if (t.claimExpiredFor(actor, now)) {
            repo.recordChange(t.id(), "claimed_by", t.claimedBy(), null, "claim_expired");
        }
        t.claim(actor, now, now.plus(lease));
        repo.update(t);
    }

    private interface TargetRule {
        BoardColumn target(Board board, Task t);
    }

    /**
     * A lifecycle change that may also move the task: the target column is decided from the task as it
     * is, locked, and the task is locked after it (the same lock order as every move).
     */
    private TaskView transition(
            long id,
            Precondition expectedVersion,
            Overrides overrides,
            EventType event,
            TargetRule rule,
            Consumer<Task> change) {
        return whileInPlace(() -> {
            Task before = loadUnlocked(id);
            return tx.write(() -> {
                Board board = boards.require(before.boardId());
                BoardColumn target = rule.target(board, before);
                if (target != null && target.id() != before.columnId()) {
                    boards.lockColumn(target.id());
                }
                TaskRepository.Locked locked = lockWithRelations(id, expectedVersion);
                Task t = locked.task();
                if (t.columnId() != before.columnId() && !sameTarget(target, rule, board, t)) {
                    // moved meanwhile to where the rule picks another column, whose lock comes first
                    throw new MovedMeanwhile();
                }
                respectClaim(t, overrides.force());
                long from = t.columnId();
                change.accept(t);
                if (target != null && target.id() != t.columnId()) {
                    // the explicit transition decided the status, not the column rule
                    relocate(board, t, target, Placement.END, Task.StatusOnMove.KEEP);
                }
                return publish(
                        movedAs(event, from, t),
                        save(locked, overrides),
                        from != t.columnId() ? Map.of("from_column_id", from) : Map.of());
            });
        });
    }

    /**
     * Thrown inside a write that chose a target column from the task as read before its lock, when the
     * locked task turns out to be in another column (a move committed in between) for which the write
     * would pick another target: the write is rolled back and run again ({@link #whileInPlace}), as the
     * column to lock first is now another.
     */
    private static final class MovedMeanwhile extends RuntimeException {
        MovedMeanwhile() {
            super(null, null, false, false);
        }
    }

    /** Whether the rule picks, for the task as locked, the column it picked (and locked) for it as read before. */
    private static boolean sameTarget(BoardColumn picked, TargetRule rule, Board board, Task locked) {
        BoardColumn now;
        try {
            now = rule.target(board, locked);
        } catch (IllegalStateException e) {
            return false; // moved into a column made after the board was read
        }
        return picked == null ? now == null : now != null && now.id() == picked.id();
    }

    private static void requireInPlace(Task before, Task locked) {
        if (locked.columnId() != before.columnId()) {
            throw new MovedMeanwhile();
        }
    }

    /** Runs {@code write} again while a move beats it ({@link MovedMeanwhile}), a few times, then a 409. */
    private static TaskView whileInPlace(java.util.function.Supplier<TaskView> write) {
        for (int attempt = 1; ; attempt++) {
            try {
                return write.get();
            } catch (MovedMeanwhile e) {
                if (attempt == 3) {
                    throw ApiException.conflict("task-moved", "the task kept moving while this ran; try again");
                }
            }
        }
    }

    /**
     * Where a status set by a PATCH or PUT takes the task from its column, as the lifecycle endpoints move
     * it (null: it stays): completed into the board's first done column (409 when it has none), pending or
     * in progress out of a done column (in progress from a waiting or done column into the first
     * in-progress column).
     */
    private static BoardColumn columnForStatus(Board board, Task t, TaskStatus status) {
        BoardColumn current = column(board, t.columnId());
        BoardColumn target = switch (status) {
            case COMPLETED -> {
                BoardColumn done = current.isDone() ? null : board.firstOfKind(ColumnKind.DONE);
                if (!current.isDone() && done == null) {
                    throw noDoneColumn(board.id());
                }
                yield done;
            }
            case PENDING -> current.isDone() ? board.reopenColumn() : null;
            case IN_PROGRESS -> {
                boolean waiting =
                        current.kind() == ColumnKind.BACKLOG || current.kind() == ColumnKind.TODO || current.isDone();
                BoardColumn working = board.firstOfKind(ColumnKind.IN_PROGRESS);
                yield !waiting ? null : working != null ? working : current.isDone() ? board.reopenColumn() : null;
            }
            case CANCELLED -> null;
        };
        return target == null || target.id() == current.id() ? null : target;
    }

    /**
     * Moves {@code t} into {@code target} (whose lock the caller holds) at the placement, checking its WIP
     * limit; {@code board} is the task's board as the caller loaded it (its columns name the source).
     */
    private void relocate(Board board, Task t, BoardColumn target, Placement placement, Task.StatusOnMove policy) {
        relocate(board, t, target, placement, policy, null);
    }

    /** As above, with what {@code lock} (when not null: the target's) read under the column's lock. */
    private void relocate(
            Board board, Task t, BoardColumn target, Placement placement, Task.StatusOnMove policy, ColumnLock lock) {
        // the caller's board may predate a column the task was moved into meanwhile: then read it again
        BoardColumn from = board.columns().stream().anyMatch(c -> c.id() == t.columnId())
                ? column(board, t.columnId())
                : column(boards.require(t.boardId()), t.columnId());
        if (target.boardId() != t.boardId()) {
            throw ApiException.invalid("column_id", "column " + target.id() + " is on another board");
        }
        if (from.id() != target.id()) {
            requireWipRoom(target, lock);
        }
        t.moveTo(from, target, place(target, t.id(), placement, lock), policy);
    }

    /**
     * A position at the end of the column for a task coming back to its board (from the archive or the
     * trash), under the column's lock and WIP limit like any placement; inside the caller's transaction.
     */
    long placeReturning(long columnId, long selfId) {
        BoardColumn column = boards.lockColumn(columnId);
        requireWipRoom(column);
        return place(column, selfId, Placement.END);
    }

    private void requireWipRoom(BoardColumn column) {
        requireWipRoom(column, null);
    }

    /** The WIP check; {@code lock}, when not null, is the column's and counted its tasks under the lock. */
    private void requireWipRoom(BoardColumn column, ColumnLock lock) {
        if (column.wipLimit() == null) {
            return;
        }
        long count = lock != null ? lock.taskCount() : repo.countInColumn(column.id());
        if (count >= column.wipLimit()) {
            throw ApiException.conflict(
                    "wip-limit",
                    "column '" + column.name() + "' is at its WIP limit of " + column.wipLimit() + " (" + count
                            + (count == 1 ? " task)" : " tasks)"),
                    Map.of("column_id", column.id(), "wip_limit", column.wipLimit(), "task_count", count));
        }
    }

    /**
     * A free position in the column for the placement, renumbering the column once if there is no gap
     * left. Renumbering changes the position of every task in the column without changing the tasks,
     * so it is announced as one {@code bulk_update} of the column: a live board that keeps positions
     * reloads it instead of placing later moves among stale positions.
     */
    private long place(BoardColumn column, long selfId, Placement p) {
        return place(column, selfId, p, null);
    }

    /** As above; {@code lock}, when not null, is the column's and read its last position under the lock. */
    private long place(BoardColumn column, long selfId, Placement p, ColumnLock lock) {
        OptionalLong position = tryPlace(column.id(), selfId, p, lock);
        if (position.isEmpty()) {
            repo.renumber(column.id());
            outbox.append(
                    EventType.BULK_UPDATE,
                    column.boardId(),
                    null,
                    Map.of("operation", "renumber", "column_id", column.id()));
            position = tryPlace(column.id(), selfId, p, null);
        }
        return position.orElseThrow(
                () -> new IllegalStateException("no position after renumbering column " + column.id()));
    }

    private OptionalLong tryPlace(long columnId, long selfId, Placement p, ColumnLock lock) {
        if (p.beforeId() != null || p.afterId() != null) {
            boolean before = p.beforeId() != null;
            long anchorId = before ? p.beforeId() : p.afterId();
            String field = before ? "before_id" : "after_id";
            if (anchorId == selfId) {
                throw ApiException.invalid(field, "a task cannot be placed next to itself");
            }
            Task anchor = repo.find(CurrentRequest.get().workspaceId(), anchorId, false)
                    .filter(a -> a.columnId() == columnId)
                    .orElseThrow(
                            () -> ApiException.invalid(field, "task " + anchorId + " is not in the target column"));
            Long neighbour = repo.neighbour(columnId, selfId, anchor.position(), before);
            return before
                    ? Position.between(neighbour, anchor.position())
                    : Position.between(anchor.position(), neighbour);
        }
        if (p.index() != null) {
            int index = p.index();
            if (index == 0) {
                return Position.between(null, repo.firstPosition(columnId, selfId));
            }
            var around = repo.positionsFrom(columnId, selfId, index - 1, 2);
            if (around.isEmpty()) {
                return Position.between(repo.lastPosition(columnId, selfId), null);
            }
            return Position.between(around.get(0), around.size() > 1 ? around.get(1) : null);
        }
        return Position.between(lock != null ? lock.lastPosition() : repo.lastPosition(columnId, selfId), null);
    }

    private Task loadUnlocked(long id) {
        return tx.read(
                () -> repo.find(CurrentRequest.get().workspaceId(), id, false).orElseThrow(() -> trash.notOnBoard(id)));
    }

    private Task lockForChange(long id, Precondition expectedVersion) {
        return lockWithRelations(id, expectedVersion).task();
    }

    /** Locks the task on its board, checking the version, with what its relations say (read under the lock). */
    private TaskRepository.Locked lockWithRelations(long id, Precondition expectedVersion) {
        TaskRepository.Locked locked = repo.lock(CurrentRequest.get().workspaceId(), id)
                .filter(TaskRepository.Locked::onBoard)
                .orElseThrow(() -> trash.notOnBoard(id));
        checkedVersion(locked.task(), expectedVersion);
        return locked;
    }

    private static Task checkedVersion(Task t, Precondition expectedVersion) {
        Versions.check(expectedVersion, t.version());
        return t;
    }

    /**
     * Locks the column a task moves to (first, as every placement does) with its board and what placing
     * at its end needs, in one round trip. A column that is not in the workspace is refused as the task's
     * board would refuse it: 404 when the task is missing, else 422 naming {@code field}.
     */
    private ColumnLock lockDestination(long taskId, long columnId, String field) {
        return boards.lockColumnForPlacement(columnId, taskId).orElseThrow(() -> {
            Board board = boards.require(loadUnlocked(taskId).boardId());
            boards.resolveColumn(board, columnId, null);
            return ApiException.invalid(field, "column " + columnId + " is not on board " + board.id());
        });
    }

    /** 422 when the locked target column is on another board than the task's (naming the valid columns). */
    private void requireSameBoard(Task t, ColumnLock target, String field) {
        if (target.board().id() != t.boardId()) {
            Board board = boards.require(t.boardId());
            boards.resolveColumn(board, target.column().id(), null);
            throw ApiException.invalid(field, "column " + target.column().id() + " is not on board " + board.id());
        }
    }

    /** A request that gives both {@code column_id} and {@code column} names one column with them (else 422). */
    private static void requireNamed(BoardColumn column, String columnName) {
        if (columnName != null && !column.name().equalsIgnoreCase(columnName.trim())) {
            throw ApiException.invalid(
                    "column", "'" + columnName.trim() + "' is not column " + column.id() + " (give one of the two)");
        }
    }

    /**
     * The column a new task goes to, locked with its board and what placing at its end needs: by id in one
     * round trip; by name or by default (the board's first column) after reading the board.
     */
    private ColumnLock lockTarget(Long boardId, Long columnId, String columnName, long selfId) {
        if (columnId != null) {
            Optional<ColumnLock> lock = boards.lockColumnForPlacement(columnId, selfId);
            if (lock.isPresent() && (boardId == null || lock.get().board().id() == boardId)) {
                requireNamed(lock.get().column(), columnName);
                return lock.get();
            }
            if (boardId == null) {
                throw ApiException.notFound("column", columnId);
            }
            // missing or on another board: refused as the named board's columns say
            boards.resolveColumn(boards.require(boardId), columnId, null);
            throw ApiException.invalid("column_id", "column " + columnId + " is not on board " + boardId);
        }
        if (boardId == null) {
            throw ApiException.invalid(
                    "board_id", "is required (or give column_id) unless the workspace has exactly one board");
        }
        BoardColumn column = boards.resolveColumn(boards.require(boardId), null, columnName);
        return boards.lockColumnForPlacement(column.id(), selfId).orElseThrow(() -> {
            boards.require(boardId); // the board deleted meanwhile (the lock waited for its delete): 404 board
            return ApiException.notFound("column", column.id());
        });
    }

    /**
     * Claims are binding: changing a task that someone else holds under a live claim is a 409 naming
     * the holder and the claim's expiry, unless a member or admin overrides it explicitly
     * ({@code force}), which is recorded in the task's history ({@code claim_overridden}).
     */
    private void respectClaim(Task t, boolean force) {
        if (t.claimedByAnotherAt(CurrentRequest.get().actor(), Instant.now())) {
            respectClaim(t.id(), t.claimedBy(), t.claimExpiresAt(), force);
        }
    }

    /** The 409 for a change to a task another caller holds a live claim on. */
    static ApiException claimedByAnother(long id, String claimedBy, Instant claimExpiresAt) {
        return ApiException.conflict(
                "claimed-by-another",
                "task " + id + " is claimed by " + claimedBy + " until " + claimExpiresAt
                        + "; wait, ask them to release it, or (members and admins) override with force",
                Map.of("claimed_by", claimedBy, "claim_expires_at", claimExpiresAt.toString()));
    }

    /**
     * The claim rule for a locked task held by another caller under a live lease (also applied by
     * {@link TaskArchive}): 409 {@code claimed-by-another} naming the holder and the expiry unless
     * {@code force}; forcing is for members and admins and is recorded as {@code claim_overridden}.
     */
    void respectClaim(long id, String claimedBy, Instant claimExpiresAt, boolean force) {
        RequestContext ctx = CurrentRequest.get();
        if (!force) {
            throw claimedByAnother(id, claimedBy, claimExpiresAt);
        }
        if (!ctx.role().atLeast(Role.MEMBER)) {
            throw Roles.forbidden("only members and admins can override " + claimedBy + "'s claim on task " + id);
        }
        repo.recordChange(id, "claimed_by", claimedBy, ctx.actor(), "claim_overridden");
    }

    /**
     * The event of a write that may have moved the task out of column {@code from}: a move is a
     * {@code task_moved} (as a move or an edit naming a column is), unless the write has a more specific
     * event than {@code task_updated} (a completion stays {@code task_completed}, a claim {@code task_claimed}).
     */
    private static EventType movedAs(EventType event, long from, Task t) {
        return event == EventType.TASK_UPDATED && from != t.columnId() ? EventType.TASK_MOVED : event;
    }

    private TaskView publish(EventType event, long id, Map<String, Object> extra) {
        return publish(event, queries.find(id).orElseThrow(), extra);
    }

    private TaskView publish(EventType event, TaskView view, Map<String, Object> extra) {
        long id = view.id();
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("task", view);
        payload.putAll(extra);
        outbox.append(event, view.boardId(), id, payload);
        return view;
    }

    private static BoardColumn column(Board board, long columnId) {
        return board.columns().stream()
                .filter(c -> c.id() == columnId)
                .findFirst()
                .orElseThrow(
                        () -> new IllegalStateException("column " + columnId + " missing from board " + board.id()));
    }

    private Map<String, Object> checkedMetadata(Map<String, Object> metadata) {
        if (metadata == null) {
            return Map.of();
        }
        // stored exactly or refused: no "Infinity" for 1e999999, no "?" for a lone surrogate
        StoredJson.check("metadata", metadata);
        if (json.writeValueAsBytes(metadata).length > MAX_METADATA_BYTES) {
            throw ApiException.invalid("metadata", "must be at most " + MAX_METADATA_BYTES + " bytes of JSON");
        }
        return metadata;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
