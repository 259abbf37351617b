package dev.agentkanban.hint;

import dev.agentkanban.events.EventType;
import dev.agentkanban.events.Outbox;
import dev.agentkanban.hint.HintRequests.CreateHint;
import dev.agentkanban.history.HistoryLog;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.ApiException.FieldError;
import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.Precondition;
import dev.agentkanban.platform.RequestBodies;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.platform.Versions;
import dev.agentkanban.platform.WireEnums;
import dev.agentkanban.tag.Tags;
import dev.agentkanban.task.Checklists;
import dev.agentkanban.task.TaskPatch;
import dev.agentkanban.task.TaskQueries;
import dev.agentkanban.task.TaskRef;
import dev.agentkanban.task.TaskRefs;
import dev.agentkanban.task.TaskRequests.AddChecklistItem;
import dev.agentkanban.task.TaskRequests.CreateTask;
import dev.agentkanban.task.TaskRequests.UpdateTask;
import dev.agentkanban.task.TaskView;
import dev.agentkanban.task.Tasks;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * The hint feature's API. Creating, applying and dismissing a hint are each one transaction with one
 * task history row ({@code hint_added}, {@code hint_applied}, {@code hint_dismissed}) and one
 * {@code hints_available} event carrying the hint, what happened to it and how many hints of the task
 * are still pending. Applying a field hint is a task update (new version, the update's own history
 * and event, If-Match honoured); a tags hint adds the tags like the tag API; an actions hint that
 * proposes a {@code checklist} or {@code subtasks} creates them; any other informational hint changes
 * nothing on the task.
 */
@Service
public class Hints {

    static final int MAX_SUGGESTION_BYTES = 8192;
    /** An actions hint proposes at most this many checklist items or subtasks. */
    static final int MAX_PROPOSED = 50;
    /** The length of a proposed checklist item's text or subtask's title. */
    static final int MAX_PROPOSED_TEXT = 500;

    private final HintRepository repo;
    private final TaskRefs taskRefs;
    private final TaskQueries queries;
    private final Tasks tasks;
    private final Checklists checklists;
    private final Tags tags;
    private final Transactions tx;
    private final Outbox outbox;
    private final HistoryLog history;
    private final RequestBodies bodies;
    private final JsonMapper json;

    Hints(
            HintRepository repo,
            TaskRefs taskRefs,
            TaskQueries queries,
            Tasks tasks,
            Checklists checklists,
            Tags tags,
            Transactions tx,
            Outbox outbox,
            HistoryLog history,
            RequestBodies bodies,
            JsonMapper json) {
        this.repo = repo;
        this.taskRefs = taskRefs;
        this.queries = queries;
        this.tasks = tasks;
        this.checklists = checklists;
        this.tags = tags;
        this.tx = tx;
        this.outbox = outbox;
        this.history = history;
        this.bodies = bodies;
        this.json = json;
    }

    /** A new hint, or the one an earlier request with the same source key created. */
    public record Created(Hint hint, boolean created) {}

    /** An applied hint and its task as the application left it. */
    public record Applied(Hint hint, TaskView task) {}

    /** The task's hints, oldest first; {@code status} null lists them all. 404 when the task is not in the workspace. */
    public Page<Hint> list(long taskId, HintStatus status, PageRequest page) {
        long ws = ws();
        return tx.read(() -> {
            taskRefs.require(taskId);
            return new Page<>(
                    repo.list(ws, taskId, status, page.limit(), page.offset()),
                    repo.count(ws, taskId, status),
                    page.limit(),
                    page.offset());
        });
    }

    public Hint get(long id) {
        long ws = ws();
        return tx.read(() -> repo.find(ws, id, false)
                .filter(h -> taskRefs.isLive(h.taskId()))
                .orElseThrow(() -> ApiException.notFound("hint", id)));
    }

    /**
     * Creates a hint for the task, checking that its suggestion fits its type. With a source key that
     * the workspace has seen before, nothing is written and the existing hint is returned (409 when
     * that hint belongs to another task); so too when the task has a pending or dismissed hint of the
     * same type and suggestion (a dismissed suggestion is not proposed again).
     */
    public Created create(long taskId, CreateHint request) {
        RequestContext ctx = CurrentRequest.get();
        HintType type = WireEnums.parse(HintType.class, "type", request.type());
        Map<String, Object> suggestion = checkedSuggestion(type, request.suggestion());
        String message = request.message().strip();
        String source =
                request.source() == null ? ctx.actor() : request.source().strip();
        return tx.write(() -> {
            TaskRef task = taskRefs.lock(taskId);
            // a suggestion the task has pending, or had dismissed, is not made again (the worker
            // analyses a task anew on each of its changes); the task's lock orders this check
            Optional<Hint> same = repo.findSameSuggestion(ctx.workspaceId(), task.id(), type, suggestion);
            if (same.isPresent()) {
                return new Created(same.get(), false);
            }
            Optional<Hint> inserted =
                    repo.insert(ctx.workspaceId(), task.id(), type, message, suggestion, source, request.sourceKey());
            if (inserted.isEmpty()) {
                Hint existing = repo.findBySourceKey(ctx.workspaceId(), request.sourceKey())
                        .orElseThrow();
                if (existing.taskId() != task.id()) {
                    throw ApiException.conflict(
                            "duplicate",
                            "source_key '" + request.sourceKey() + "' was used already for a hint of task "
                                    + existing.taskId(),
                            Map.of("hint_id", existing.id()));
                }
                return new Created(existing, false);
            }
            Hint hint = inserted.get();
            announce(task, hint, "created", "hint_added");
            return new Created(hint, true);
        });
    }

    /**
     * Applies a pending hint to its task (409 when it is applied or dismissed already). {@code
     * expectedVersion} is the task version the caller saw (If-Match): 412 when the task changed since.
     */
    public Applied apply(long id, Precondition expectedVersion) {
        RequestContext ctx = CurrentRequest.get();
        return tx.write(() -> {
            Hint hint = pending(ctx, id);
            TaskView task;
            if (hint.type().setsFields()) {
                if (expectedVersion == null) {
                    requireNotOverwritingLaterEdits(hint);
                }
                task = tasks.update(hint.taskId(), expectedVersion, fields(hint.suggestion()));
            } else {
                requireVersion(hint.taskId(), expectedVersion);
                if (hint.type() == HintType.TAGS) {
                    tags.addByNames(hint.taskId(), names(hint.suggestion().get("tags")));
                } else if (hint.type() == HintType.ACTIONS) {
                    breakDown(hint);
                }
                task = queries.get(hint.taskId());
            }
            Hint applied = repo.resolve(ctx.workspaceId(), id, HintStatus.APPLIED, ctx.actor())
                    .orElseThrow();
            announce(taskRefs.require(hint.taskId()), applied, "applied", "hint_applied");
            return new Applied(applied, task);
        });
    }

    /** Dismisses a pending hint (409 when it is applied or dismissed already). */
    public Hint dismiss(long id) {
        RequestContext ctx = CurrentRequest.get();
        return tx.write(() -> {
            Hint hint = pending(ctx, id);
            TaskRef task = taskRefs.lock(hint.taskId());
            Hint dismissed = repo.resolve(ctx.workspaceId(), id, HintStatus.DISMISSED, ctx.actor())
                    .orElseThrow();
            announce(task, dismissed, "dismissed", "hint_dismissed");
            return dismissed;
        });
    }

    // ---- internals ----

    /**
     * A hint that sets fields, applied without the version the caller saw ({@code If-Match}, MCP's
     * {@code expected_version}), must not overwrite what someone wrote after the hint was made: when a
     * field it would set was changed since (the task's history), it is a 409 {@code hint-outdated}
     * (dismiss it, or apply it with the task's current version to overwrite on purpose). The board's
     * panel always sends the version it shows.
     */
    private void requireNotOverwritingLaterEdits(Hint hint) {
        if (history.changedSince(hint.taskId(), hint.suggestion().keySet(), hint.createdAt())) {
            throw ApiException.conflict(
                    "hint-outdated",
                    "the task's " + String.join(", ", hint.suggestion().keySet()) + " changed after hint "
                            + hint.id() + " was made; dismiss the hint, or apply it with the task's current"
                            + " version (If-Match) to overwrite",
                    Map.of("task_id", hint.taskId()));
        }
    }

    private Hint pending(RequestContext ctx, long id) {
        Hint hint = repo.find(ctx.workspaceId(), id, true).orElseThrow(() -> ApiException.notFound("hint", id));
        if (hint.status() != HintStatus.PENDING) {
            throw new ApiException(
                    HttpStatus.CONFLICT,
                    "hint-resolved",
                    "Conflict",
                    "hint " + id + " was " + hint.status() + " already by " + hint.resolvedBy(),
                    Map.of("hint_status", hint.status()));
        }
        return hint;
    }

    /**
     * An actions hint's proposed work breakdown: its {@code checklist} texts become checklist items of
     * the task (after the existing ones, in order) and its {@code subtasks} titles become subtasks on the
     * task's board, each under the rules and with the audit of the checklist and task APIs.
     */
    private void breakDown(Hint hint) {
        long taskId = hint.taskId();
        for (String text : proposed(hint.suggestion(), "checklist")) {
            checklists.add(taskId, null, new AddChecklistItem(text, false, null, null, null, null, null));
        }
        List<String> subtasks = proposed(hint.suggestion(), "subtasks");
        if (subtasks.isEmpty()) {
            return;
        }
        TaskView parent = queries.get(taskId);
        for (String title : subtasks) {
            tasks.create(CreateTask.subtask(parent.boardId(), title, parent.epic(), parent.area(), null, null, taskId));
        }
    }

    /**
     * The texts an actions suggestion proposes under {@code key} (none when it has no such key): a list
     * of 1 to {@link #MAX_PROPOSED} non-blank strings of at most {@link #MAX_PROPOSED_TEXT} characters.
     */
    private static List<String> proposed(Map<String, Object> suggestion, String key) {
        Object value = suggestion.get(key);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)
                || list.isEmpty()
                || list.size() > MAX_PROPOSED
                || !list.stream()
                        .allMatch(v -> v instanceof String s
                                && !s.isBlank()
                                && s.strip().length() <= MAX_PROPOSED_TEXT)) {
            throw ApiException.invalid(
                    "suggestion." + key,
                    "must be a list of 1 to " + MAX_PROPOSED + " texts (1-" + MAX_PROPOSED_TEXT + " characters each)");
        }
        return list.stream().map(v -> ((String) v).strip()).toList();
    }

    private void requireVersion(long taskId, Precondition expectedVersion) {
        taskRefs.lock(taskId);
        long version = queries.get(taskId).version();
        Versions.check(expectedVersion, version);
    }

    private void announce(TaskRef task, Hint hint, String change, String action) {
        history.record(task, action, hint.type().toString(), null, Long.toString(hint.id()));
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("task_id", task.id());
        payload.put("change", change);
        payload.put("hint", hint);
        payload.put("pending", repo.count(task.workspaceId(), task.id(), HintStatus.PENDING));
        outbox.append(EventType.HINTS_AVAILABLE, task.boardId(), task.id(), payload);
    }

    /** The suggestion, checked against the hint's type: the keys it may carry, and values valid for the task. */
    private Map<String, Object> checkedSuggestion(HintType type, Map<String, Object> raw) {
        Map<String, Object> suggestion = raw == null ? Map.of() : raw;
        if (json.writeValueAsBytes(suggestion).length > MAX_SUGGESTION_BYTES) {
            throw ApiException.invalid("suggestion", "must be at most " + MAX_SUGGESTION_BYTES + " bytes of JSON");
        }
        if (type == HintType.ACTIONS) {
            proposed(suggestion, "checklist");
            proposed(suggestion, "subtasks");
        }
        if (type.informational()) {
            return suggestion;
        }
        Set<String> unknown = new TreeSet<>(suggestion.keySet());
        unknown.removeAll(type.keys);
        if (suggestion.isEmpty() || !unknown.isEmpty()) {
            throw ApiException.invalid(
                    "suggestion",
                    "a " + type + " hint suggests " + String.join(" and/or ", new TreeSet<>(type.keys))
                            + (unknown.isEmpty() ? "" : ", not " + unknown));
        }
        suggestion.forEach((key, value) -> {
            if (value == null) {
                throw ApiException.invalid("suggestion." + key, "must not be null");
            }
        });
        if (type == HintType.TAGS) {
            names(suggestion.get("tags"));
        } else {
            fields(suggestion);
        }
        return suggestion;
    }

    /** The suggestion as a task update, validated like a PATCH body; errors name {@code suggestion.<field>}. */
    private TaskPatch fields(Map<String, Object> suggestion) {
        try {
            return TaskPatch.of(bodies.patch(json.valueToTree(suggestion), UpdateTask.class));
        } catch (ApiException e) {
            if (e.properties().get("errors") instanceof List<?> errors) {
                throw ApiException.invalid(errors.stream()
                        .map(FieldError.class::cast)
                        .map(f -> new FieldError("suggestion." + f.field(), f.message()))
                        .toList());
            }
            throw ApiException.invalid("suggestion", "does not fit a task update");
        }
    }

    /** The tag names of a tags suggestion: a non-empty list of non-blank strings (Tags checks the rest). */
    private static List<String> names(Object value) {
        if (!(value instanceof List<?> list)
                || list.isEmpty()
                || !list.stream()
                        .allMatch(v -> v instanceof String s
                                && !s.isBlank()
                                && s.strip().length() <= 50)) {
            throw ApiException.invalid(
                    "suggestion.tags", "must be a list of 1 or more tag names (1-50 characters each)");
        }
        return list.stream().map(String.class::cast).toList();
    }

    private static long ws() {
        return CurrentRequest.get().workspaceId();
    }
}
