package dev.agentkanban.task;

import dev.agentkanban.events.EventType;
import dev.agentkanban.events.Outbox;
import dev.agentkanban.history.HistoryLog;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.identity.Role;
import dev.agentkanban.identity.Roles;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Precondition;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.platform.Versions;
import dev.agentkanban.platform.WireEnums;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;

/**
 * Relations between tasks of one workspace (issue 14): blockers, subtasks, related tasks and
 * duplicates. Adding or removing one is one transaction with a history row and a {@code task_updated}
 * event on each of the two tasks; neither may be archived (409 {@code task-archived}). A relation the
 * tasks' views show (blocks, parent) makes a new version of the tasks that show it (V71). A workspace's relation writes take turns on an advisory lock, so
 * the cycle check (a task may not block itself through others, nor be its own ancestor) holds even
 * for two requests that would only together close a cycle.
 *
 * <p>Also the rules other task changes obey, called by {@link Tasks}: a task with open blockers may
 * not begin or finish work unless a member forces it, and closing a task announces
 * {@code task_unblocked} for each task it was the last open blocker of.
 */
@Service
public class Relations {

    /** At most this many levels of tasks in one parent/child tree (a top-level task is level 1). */
    static final int MAX_DEPTH = 5;

    private final RelationRepository repo;
    private final TaskQueries queries;
    private final TaskRefs refs;
    private final Transactions tx;
    private final Outbox outbox;
    private final HistoryLog history;

    Relations(
            RelationRepository repo,
            TaskQueries queries,
            TaskRefs refs,
            Transactions tx,
            Outbox outbox,
            HistoryLog history) {
        this.repo = repo;
        this.queries = queries;
        this.refs = refs;
        this.tx = tx;
        this.outbox = outbox;
        this.history = history;
    }

    /** One relation seen from a task: its id, how the task names it, and the other task. */
    public record Relation(long id, RelationKind kind, TaskLink task) {}

    /**
     * A task's relations, with whether it is blocked and by which open tasks, and the task's version as
     * this transaction left it (a write's answer gives it as {@code ETag}, for the next {@code If-Match}).
     */
    public record TaskRelations(
            long taskId, long taskVersion, boolean blocked, List<TaskLink> blockers, List<Relation> items) {}

    public TaskRelations list(long taskId) {
        return tx.read(() -> {
            refs.require(taskId);
            return relationsOf(taskId);
        });
    }

    /** Relates the task to another one; {@code kind} as the task names it (e.g. {@code blocked_by}). */
    public TaskRelations add(long taskId, String kindName, Long otherId) {
        return add(taskId, null, kindName, otherId);
    }

    /**
     * {@link #add(long, String, Long)}; {@code expectedVersion} (If-Match), when given, is the task's
     * version the caller saw, checked under the task's lock: 412 when it changed since.
     */
    public TaskRelations add(long taskId, Precondition expectedVersion, String kindName, Long otherId) {
        return tx.write(() -> {
            // a task of another workspace is a 404, an archived one a 409, before anything about the request
            refs.requireChangeable(taskId);
            link(taskId, expectedVersion, kind(kindName), other(taskId, otherId), true, true);
            return relationsOf(taskId);
        });
    }

    /** Removes a relation; {@code expectedVersion} (If-Match) as for {@link #add(long, Long, String, Long)}. */
    public TaskRelations remove(long taskId, Precondition expectedVersion, String kindName, Long otherId) {
        long ws = ws();
        return tx.write(() -> {
            refs.requireChangeable(taskId);
            RelationKind kind = kind(kindName);
            long other = other(taskId, otherId);
            TaskRef[] both = lockBoth(ws, taskId, expectedVersion, other);
            TaskRef self = both[0];
            TaskRef that = both[1];
            long[] ends = ends(kind, taskId, other);
            RelationRepository.Row row = repo.find(ws, kind.stored, ends[0], ends[1])
                    .orElseThrow(
                            () -> ApiException.notFound("relation", "'" + kind + " " + other + "' of task " + taskId));
            repo.delete(ws, row.id());
            announce(self, kind, that, "removed");
            announce(that, RelationKind.of(kind.stored, !kind.outgoing), self, "removed");
            if (kind.stored.equals("blocks")) {
                TaskRef blocked = ends[1] == taskId ? self : that;
                long blocker = ends[0];
                if (queries.find(blocker).map(v -> v.status().isOpen()).orElse(false)) {
                    unblockIfFree(blocked.id(), blocker);
                }
            }
            return relationsOf(taskId);
        });
    }

    /**
     * Relates two tasks inside the caller's write transaction (an import's), with the checks of
     * {@link #add} that keep the breakdown sound (cycles, a second parent, depth); {@code kind} as
     * {@code taskId} names it. A completed parent with an open subtask is taken as the file has it: that
     * state can arise (a subtask reopened under its completed parent), and an export must import again.
     */
    public void relate(long taskId, RelationKind kind, long other) {
        link(taskId, null, kind, other(taskId, other), true, false);
    }

    /**
     * Adds the relation inside the caller's write transaction: 404 when either task is not in the
     * workspace, 409 {@code task-archived} when either is archived (restore it first), 409 for a duplicate, a cycle (naming its path), a second parent or a tree deeper than
     * {@link #MAX_DEPTH}.
     */
    void link(long taskId, RelationKind kind, long other, boolean announceOther) {
        link(taskId, null, kind, other, announceOther, true);
    }

    private void link(
            long taskId,
            Precondition expectedVersion,
            RelationKind kind,
            long other,
            boolean announceOther,
            boolean openParentForOpenChild) {
        long ws = ws();
        TaskRef[] both = lockBoth(ws, taskId, expectedVersion, other);
        TaskRef self = both[0];
        TaskRef that = both[1];
        long[] ends = ends(kind, taskId, other);
        long from = ends[0];
        long to = ends[1];
        if (repo.find(ws, kind.stored, from, to).isPresent()) {
            throw ApiException.conflict(
                    "duplicate",
                    "task " + taskId + " already " + kind.toString().replace('_', ' ') + " task " + other,
                    Map.of("kind", kind.toString(), "task_id", other));
        }
        check(ws, kind.stored, from, to);
        // checked on new relations only: a document restored as it was (an older export) keeps what it had
        if (kind.stored.equals("parent") && openParentForOpenChild) {
            requireOpenParentForOpenChild(from, to);
        }
        if (kind.stored.equals("duplicate_of")
                && repo.find(ws, "duplicate_of", to, from).isPresent()) {
            throw ApiException.conflict(
                    "cycle",
                    "task " + from + " cannot be a duplicate of task " + to + ": task " + to
                            + " is already a duplicate of task " + from,
                    Map.of("path", List.of(from, to, from)));
        }
        repo.insert(ws, kind.stored, from, to, CurrentRequest.get().actor());
        announce(self, kind, that, "added");
        if (announceOther) {
            announce(that, RelationKind.of(kind.stored, !kind.outgoing), self, "added");
        } else {
            history.record(
                    that,
                    "relation_added",
                    RelationKind.of(kind.stored, !kind.outgoing).toString(),
                    null,
                    Long.toString(self.id()));
        }
    }

    /**
     * Takes the workspace's relation lock, then both tasks' row locks in id order: 404 when either is
     * not in the workspace, 409 when either is archived, 412 when {@code taskId}'s version, read under
     * its lock, is not {@code expectedVersion} (when given). Answers {@code {task, other}}.
     */
    private TaskRef[] lockBoth(long ws, long taskId, Precondition expectedVersion, long other) {
        repo.lockWorkspace(ws);
        TaskRef self = refs.requireChangeable(taskId);
        TaskRef that = refs.requireChangeable(other);
        Long version = repo.lockTasks(ws, List.of(Math.min(taskId, other), Math.max(taskId, other)))
                .get(taskId);
        if (version != null) {
            Versions.check(expectedVersion, version);
        }
        return new TaskRef[] {self, that};
    }

    /** The rules of a new stored relation: 409 for a blocking cycle, a parent cycle, a second parent, a too deep tree. */
    private void check(long ws, String stored, long from, long to) {
        switch (stored) {
            case "blocks" ->
                repo.blockPath(ws, to, from).ifPresent(path -> {
                    List<Long> cycle = new ArrayList<>(List.of(from));
                    cycle.addAll(path);
                    throw ApiException.conflict(
                            "cycle",
                            "task " + from + " cannot block task " + to + ": that would close the cycle "
                                    + cycle.stream().map(id -> "#" + id).collect(Collectors.joining(" blocks ")),
                            Map.of("path", cycle));
                });
            case "parent" -> checkTree(ws, from, to);
            default -> {}
        }
    }

    /** A completed parent has no open subtasks (completing one with them is refused), so it takes no new one. */
    private void requireOpenParentForOpenChild(long parent, long child) {
        boolean parentCompleted = queries.find(parent)
                .map(t -> t.status() == TaskStatus.COMPLETED)
                .orElse(false);
        boolean childOpen = queries.find(child).map(t -> t.status().isOpen()).orElse(false);
        if (parentCompleted && childOpen) {
            throw ApiException.conflict(
                    "parent-completed",
                    "task " + parent + " is completed and cannot take the open task " + child
                            + " as a subtask; reopen it first, or add a completed or cancelled task",
                    Map.of("parent_id", parent));
        }
    }

    private void checkTree(long ws, long parent, long child) {
        repo.ancestorPath(ws, parent, child).ifPresent(up -> {
            List<Long> cycle = new ArrayList<>(up.reversed());
            cycle.add(child);
            throw ApiException.conflict(
                    "cycle",
                    "task " + parent + " cannot be the parent of task " + child
                            + ": task " + child + " is its ancestor, the cycle would be "
                            + cycle.stream().map(id -> "#" + id).collect(Collectors.joining(" > ")),
                    Map.of("path", cycle));
        });
        List<TaskLink> parents = repo.of(ws, child).stream()
                .filter(l -> l.kind().equals("parent") && !l.outgoing())
                .map(RelationRepository.Linked::task)
                .toList();
        if (!parents.isEmpty()) {
            throw ApiException.conflict(
                    "has-parent",
                    "task " + child + " is already a subtask of task "
                            + parents.getFirst().id() + "; remove that relation first",
                    Map.of("parent_id", parents.getFirst().id()));
        }
        int levels = repo.ancestors(ws, parent) + 1 + 1 + repo.descendants(ws, child);
        if (levels > MAX_DEPTH) {
            throw ApiException.conflict(
                    "too-deep",
                    "making task " + child + " a subtask of task " + parent + " would nest " + levels
                            + " levels of tasks; at most " + MAX_DEPTH + " are allowed",
                    Map.of("max_depth", MAX_DEPTH));
        }
    }

    // ---- the rules other task changes obey (called by Tasks inside their transaction) ----

    /**
     * Refuses (409, naming the blockers) a change that begins or finishes work on a task with open
     * blockers, unless {@code force}: then the caller must be a member, and the override is recorded in
     * the task's history.
     */
    void requireUnblocked(Task t, boolean force) {
        List<TaskLink> blockers = repo.openBlockers(t.workspaceId(), t.id());
        if (blockers.isEmpty()) {
            return;
        }
        String names =
                blockers.stream().map(b -> "#" + b.id() + " " + b.title()).collect(Collectors.joining(", "));
        if (!force) {
            throw ApiException.conflict(
                    "blocked",
                    "task " + t.id() + " is blocked by " + names + "; finish those first, or a member may force it",
                    Map.of(
                            "blockers",
                            blockers,
                            "blocked_by",
                            blockers.stream().map(TaskLink::id).toList()));
        }
        Roles.require(Role.MEMBER);
        history.record(
                new TaskRef(t.id(), t.boardId(), t.workspaceId()),
                "forced_past_blockers",
                "blocked_by",
                null,
                blockers.stream().map(b -> Long.toString(b.id())).collect(Collectors.joining(",")));
    }

    /**
     * Detaches the subtasks of a task being deleted: they become top-level tasks (relation rows
     * removed). Like any relation removed, each writes {@code relation_removed} on both tasks and a
     * {@code task_updated} for the subtask (its parent and version changed); the parent's own event is
     * its {@code task_deleted}. Each subtask is locked first.
     */
    void detachChildren(TaskRef parent) {
        long ws = ws();
        List<TaskLink> children = repo.children(ws, parent.id(), false);
        repo.lockTasks(ws, children.stream().map(TaskLink::id).toList());
        repo.deleteChildLinks(ws, parent.id());
        for (TaskLink c : children) {
            history.record(parent, "relation_removed", RelationKind.CHILD.toString(), Long.toString(c.id()), null);
            announce(new TaskRef(c.id(), c.boardId(), ws), RelationKind.PARENT, parent, "removed");
        }
    }

    List<TaskLink> openChildren(long taskId) {
        return repo.openChildren(ws(), taskId);
    }

    List<TaskLink> children(long taskId) {
        return repo.children(ws(), taskId, false);
    }

    /**
     * After {@code closed} was completed, cancelled or deleted: appends
     * {@code task_unblocked} for each open task it blocked that has no other open blocker now. Each
     * such task is locked first, so that two blockers closing at the same time take turns and the
     * second one sees the first as closed: the event is appended exactly once.
     */
    void announceUnblocked(long closed, List<Long> dependants) {
        for (long dependant : dependants) {
            unblockIfFree(dependant, closed);
        }
    }

    /**
     * After {@code reopened} was reopened: appends {@code task_blocked} for each open task it blocks
     * that had no other open blocker, so it is blocked again (a live board shows the badge at once).
     * Each such task is locked first, as in {@link #announceUnblocked}.
     */
    void announceBlocked(long reopened, List<Long> dependants) {
        for (long dependant : dependants) {
            announceIfOnlyBlocker(dependant, reopened, EventType.TASK_BLOCKED, "blocked_by");
        }
    }

    /** The open tasks {@code blocker} blocks (read before it closes or is deleted). */
    List<Long> dependantsOf(long blocker) {
        return repo.openDependants(ws(), blocker);
    }

    private void unblockIfFree(long dependant, long closed) {
        announceIfOnlyBlocker(dependant, closed, EventType.TASK_UNBLOCKED, "unblocked_by");
    }

    /**
     * Appends {@code event} {@code {task, <key>: blocker}} for the dependant when {@code blocker} is the
     * only one of its blockers that counts (no other is open), after locking the dependant.
     */
    private void announceIfOnlyBlocker(long dependant, long blocker, EventType event, String key) {
        long ws = ws();
        repo.lockTasks(ws, List.of(dependant));
        if (repo.openBlockersExcept(ws, dependant, blocker) == 0) {
            TaskView view = queries.find(dependant).orElseThrow();
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("task", view);
            payload.put(key, blocker);
            outbox.append(event, view.boardId(), dependant, payload);
        }
    }

    // ---- the machinery ----

    private TaskRelations relationsOf(long taskId) {
        long ws = ws();
        List<Relation> items = repo.of(ws, taskId).stream()
                .map(l -> new Relation(l.relationId(), RelationKind.of(l.kind(), l.outgoing()), l.task()))
                .toList();
        List<TaskLink> blockers = items.stream()
                .filter(r ->
                        r.kind() == RelationKind.BLOCKED_BY && r.task().status().isOpen())
                .map(Relation::task)
                .toList();
        return new TaskRelations(taskId, refs.version(taskId), !blockers.isEmpty(), blockers, items);
    }

    private void announce(TaskRef task, RelationKind kind, TaskRef other, String change) {
        history.record(
                task,
                "relation_" + change,
                kind.toString(),
                change.equals("removed") ? Long.toString(other.id()) : null,
                change.equals("added") ? Long.toString(other.id()) : null);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("task", queries.find(task.id()).orElseThrow());
        payload.put("relation", Map.of("change", change, "kind", kind.toString(), "task_id", other.id()));
        outbox.append(EventType.TASK_UPDATED, task.boardId(), task.id(), payload);
    }

    /** {from_task_id, to_task_id} of the stored row for the relation as {@code taskId} names it. */
    private static long[] ends(RelationKind kind, long taskId, long other) {
        if (kind == RelationKind.RELATES_TO) {
            return new long[] {Math.min(taskId, other), Math.max(taskId, other)};
        }
        return kind.outgoing ? new long[] {taskId, other} : new long[] {other, taskId};
    }

    private static RelationKind kind(String name) {
        if (name == null || name.isBlank()) {
            throw ApiException.invalid(
                    "kind",
                    "is required: one of blocks, blocked_by, parent, child, relates_to,"
                            + " duplicate_of, duplicated_by");
        }
        return WireEnums.parse(RelationKind.class, "kind", name);
    }

    private static long other(long taskId, Long otherId) {
        if (otherId == null) {
            throw ApiException.invalid("task_id", "is required: the other task's id");
        }
        if (otherId == taskId) {
            throw ApiException.invalid("task_id", "a task cannot be related to itself");
        }
        return otherId;
    }

    private static long ws() {
        RequestContext ctx = CurrentRequest.get();
        return ctx.workspaceId();
    }

    /**
     * Inserts a relation as it was elsewhere (imports) between tasks the import just wrote, inside the
     * import's write transaction; {@code kind} as stored. A pair that has it already keeps it. A
     * document is not trusted: the rules of {@link #add} hold (409 {@code cycle}, {@code has-parent},
     * {@code too-deep}, by the new task ids), and the caller's transaction is then rolled back.
     */
    public void restore(String kind, long from, long to, String createdBy, java.time.Instant createdAt) {
        Transactions.requireActive("restoring must happen inside the import's transaction");
        long ws = CurrentRequest.get().workspaceId();
        if (repo.find(ws, kind, from, to).isPresent()) {
            return;
        }
        check(ws, kind, from, to);
        repo.restore(ws, kind, from, to, createdBy, createdAt);
    }
}
