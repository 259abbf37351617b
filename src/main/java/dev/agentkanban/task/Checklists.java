package dev.agentkanban.task;

import dev.agentkanban.events.EventType;
import dev.agentkanban.events.Outbox;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Patch;
import dev.agentkanban.platform.Precondition;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.platform.Versions;
import dev.agentkanban.task.TaskRequests.AddChecklistItem;
import dev.agentkanban.task.TaskRequests.CreateTask;
import dev.agentkanban.task.TaskRequests.MoveChecklistItem;
import dev.agentkanban.task.TaskRequests.UpdateChecklistItem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.springframework.stereotype.Service;

/**
 * Checklists (issue 14): ordered items of a task. A checklist belongs to its task's version: every
 * change locks the task (checking {@code If-Match} against its version), makes a new version of it,
 * records a history row and appends a {@code task_updated} event carrying the task and the change.
 * Items are ordered by gap positions like tasks in a column ({@link Position}).
 */
@Service
public class Checklists {

    /** At most this many items on one task. */
    static final int MAX_ITEMS = 200;

    private final ChecklistRepository repo;
    private final TaskRepository tasksRepo;
    private final TaskQueries queries;
    private final Tasks tasks;
    private final Transactions tx;
    private final Outbox outbox;
    private final Trash trash;

    Checklists(
            ChecklistRepository repo,
            TaskRepository tasksRepo,
            TaskQueries queries,
            Tasks tasks,
            Transactions tx,
            Outbox outbox,
            Trash trash) {
        this.repo = repo;
        this.tasksRepo = tasksRepo;
        this.queries = queries;
        this.tasks = tasks;
        this.tx = tx;
        this.outbox = outbox;
        this.trash = trash;
    }

    /** A task's checklist in order, with how many items are done. */
    public record Checklist(long taskId, List<ChecklistItem> items, long done, long total) {}

    /** What a checklist change left: the item (null once deleted) and the task at its new version. */
    public record ItemChange(ChecklistItem item, TaskView task) {}

    /** A checklist item turned into a subtask: the new task, and its parent at its new version. */
    public record Converted(TaskView subtask, TaskView task) {}

    /** The texts of the task's checklist items in order (what a board template keeps of them). */
    public List<String> texts(long taskId) {
        return list(taskId).items().stream().map(ChecklistItem::text).toList();
    }

    public Checklist list(long taskId) {
        return tx.read(() -> {
            Task t = tasksRepo.find(ws(), taskId, false).orElseThrow(() -> ApiException.notFound("task", taskId));
            List<ChecklistItem> items = repo.list(t.workspaceId(), t.id());
            return new Checklist(
                    t.id(), items, items.stream().filter(ChecklistItem::done).count(), items.size());
        });
    }

    public ItemChange add(long taskId, Precondition expectedVersion, AddChecklistItem request) {
        String text = request.text().strip();
        return tx.write(() -> {
            Task t = lock(taskId, expectedVersion);
            if (repo.count(t.id()) >= MAX_ITEMS) {
                throw ApiException.conflict(
                        "checklist-full",
                        "task " + t.id() + " has " + MAX_ITEMS + " checklist items, the most a task may have");
            }
            long position = place(t.id(), 0, request.position(), request.beforeId(), request.afterId());
            ChecklistItem item = repo.insert(
                    t.workspaceId(),
                    t.id(),
                    position,
                    text,
                    Boolean.TRUE.equals(request.done()),
                    blankToNull(request.assignee()),
                    request.dueDate(),
                    CurrentRequest.get().actor(),
                    null);
            return changed(t, item, "added", null, item.text());
        });
    }

    public ItemChange update(long taskId, long itemId, Precondition expectedVersion, Patch<UpdateChecklistItem> patch) {
        UpdateChecklistItem v = patch.values();
        if ((patch.has("text") && v.text() == null) || (patch.has("done") && v.done() == null)) {
            throw ApiException.invalid(patch.has("text") && v.text() == null ? "text" : "done", "must not be null");
        }
        return tx.write(() -> {
            Task t = lock(taskId, expectedVersion);
            ChecklistItem old = item(t, itemId);
            ChecklistItem changed = new ChecklistItem(
                    old.id(),
                    old.taskId(),
                    old.position(),
                    patch.has("text") ? v.text().strip() : old.text(),
                    patch.has("done") ? v.done() : old.done(),
                    patch.has("assignee") ? blankToNull(v.assignee()) : old.assignee(),
                    patch.has("due_date") ? v.dueDate() : old.dueDate(),
                    old.createdBy(),
                    old.createdAt(),
                    old.updatedAt());
            ChecklistItem saved = repo.update(changed);
            String change = old.done() != saved.done() ? (saved.done() ? "checked" : "unchecked") : "updated";
            return changed(t, saved, change, old.text(), saved.text());
        });
    }

    public ItemChange move(long taskId, long itemId, Precondition expectedVersion, MoveChecklistItem request) {
        if (request.beforeId() != null && request.afterId() != null) {
            throw ApiException.invalid("before_id", "give before_id or after_id, not both");
        }
        return tx.write(() -> {
            Task t = lock(taskId, expectedVersion);
            ChecklistItem old = item(t, itemId);
            long position = place(t.id(), old.id(), request.position(), request.beforeId(), request.afterId());
            ChecklistItem moved = repo.update(new ChecklistItem(
                    old.id(),
                    old.taskId(),
                    position,
                    old.text(),
                    old.done(),
                    old.assignee(),
                    old.dueDate(),
                    old.createdBy(),
                    old.createdAt(),
                    old.updatedAt()));
            return changed(t, moved, "moved", null, null);
        });
    }

    public ItemChange delete(long taskId, long itemId, Precondition expectedVersion) {
        return tx.write(() -> {
            Task t = lock(taskId, expectedVersion);
            ChecklistItem old = item(t, itemId);
            repo.delete(old.id());
            return changed(t, old, "deleted", old.text(), null);
        });
    }

    /**
     * Turns the item into a subtask of the task (on the task's board, first column; with the item's
     * text, assignee and due date) and removes it from the checklist, in one transaction.
     */
    public Converted convert(long taskId, long itemId, Precondition expectedVersion) {
        return tx.write(() -> {
            Task t = lock(taskId, expectedVersion);
            ChecklistItem item = item(t, itemId);
            repo.delete(item.id());
            TaskView subtask = tasks.create(CreateTask.subtask(
                    t.boardId(),
                    item.text(),
                    t.content().epic(),
                    t.content().area(),
                    item.assignee(),
                    item.dueDate(),
                    t.id()));
            ItemChange change = changed(t, item, "converted", item.text(), "#" + subtask.id());
            return new Converted(queries.find(subtask.id()).orElseThrow(), change.task());
        });
    }

    // ---- the machinery ----

    private Task lock(long taskId, Precondition expectedVersion) {
        Task t = tasksRepo.find(ws(), taskId, true).orElseThrow(() -> trash.notOnBoard(taskId));
        Versions.check(expectedVersion, t.version());
        t.requireNotClaimedByAnother(CurrentRequest.get().actor(), java.time.Instant.now());
        return t;
    }

    private ChecklistItem item(Task t, long itemId) {
        return repo.find(t.workspaceId(), t.id(), itemId)
                .orElseThrow(() -> ApiException.notFound("checklist item", itemId + " of task " + t.id()));
    }

    /** The new task version, a history row and a {@code task_updated} event for a checklist change. */
    private ItemChange changed(Task t, ChecklistItem item, String change, String oldValue, String newValue) {
        repo.touchTask(t.id());
        tasksRepo.recordChange(t.id(), "checklist", oldValue, newValue, "checklist_item_" + change);
        TaskView view = queries.find(t.id()).orElseThrow();
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("task", view);
        payload.put("checklist", Map.of("change", change, "item", item));
        outbox.append(EventType.TASK_UPDATED, view.boardId(), t.id(), payload);
        return new ItemChange(
                change.equals("deleted") || change.equals("converted")
                        ? null
                        : repo.find(t.workspaceId(), t.id(), item.id()).orElseThrow(),
                view);
    }

    /** A free position for the placement (renumbering the checklist once when there is no gap left). */
    private long place(long taskId, long selfId, Integer index, Long beforeId, Long afterId) {
        OptionalLong position = tryPlace(taskId, selfId, index, beforeId, afterId);
        if (position.isEmpty()) {
            repo.renumber(taskId);
            position = tryPlace(taskId, selfId, index, beforeId, afterId);
        }
        return position.orElseThrow(
                () -> new IllegalStateException("no position after renumbering the checklist of " + taskId));
    }

    private OptionalLong tryPlace(long taskId, long selfId, Integer index, Long beforeId, Long afterId) {
        if (beforeId != null || afterId != null) {
            boolean before = beforeId != null;
            long anchorId = before ? beforeId : afterId;
            String field = before ? "before_id" : "after_id";
            if (anchorId == selfId) {
                throw ApiException.invalid(field, "an item cannot be placed next to itself");
            }
            ChecklistItem anchor = repo.find(ws(), taskId, anchorId)
                    .orElseThrow(() -> ApiException.invalid(field, "item " + anchorId + " is not on this checklist"));
            Long neighbour = repo.neighbour(taskId, selfId, anchor.position(), before);
            return before
                    ? Position.between(neighbour, anchor.position())
                    : Position.between(anchor.position(), neighbour);
        }
        if (index != null) {
            if (index == 0) {
                return Position.between(null, repo.neighbour(taskId, selfId, Long.MIN_VALUE, false));
            }
            List<Long> around = repo.positionsFrom(taskId, selfId, index - 1);
            if (!around.isEmpty()) {
                return Position.between(around.get(0), around.size() > 1 ? around.get(1) : null);
            }
        }
        return Position.between(repo.neighbour(taskId, selfId, Long.MAX_VALUE, true), null);
    }

    private static long ws() {
        return CurrentRequest.get().workspaceId();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /**
     * Inserts a checklist item as it was elsewhere (imports) on a task the import just wrote, inside the
     * import's write transaction; no history row or event of its own (the task's created row and event
     * cover it). A null creation time is now.
     */
    public void restore(
            long taskId,
            long position,
            String text,
            boolean done,
            String assignee,
            java.time.Instant due,
            String createdBy,
            java.time.Instant createdAt) {
        Transactions.requireActive("restoring must happen inside the import's transaction");
        repo.insert(
                CurrentRequest.get().workspaceId(), taskId, position, text, done, assignee, due, createdBy, createdAt);
    }
}
