package dev.agentkanban.tag;

import dev.agentkanban.events.EventType;
import dev.agentkanban.events.Outbox;
import dev.agentkanban.history.HistoryLog;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Patch;
import dev.agentkanban.platform.Precondition;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.tag.TagRequests.AttachTag;
import dev.agentkanban.tag.TagRequests.CreateTag;
import dev.agentkanban.tag.TagRequests.SetTags;
import dev.agentkanban.tag.TagRequests.UpdateTag;
import dev.agentkanban.task.TaskRef;
import dev.agentkanban.task.TaskRefs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;

/**
 * The tag feature's API: the workspace's tags and the tag set of each task. A change of a task's tags
 * appends one {@code tags_changed} event (the task's full tag set) and one {@code tags_changed}
 * history row (old and new names, comma-joined) in the same transaction; a change that leaves the set
 * as it was writes nothing. Tags themselves are workspace-wide, so their own events carry no board.
 */
@Service
public class Tags {

    static final int MAX_NAME = 50;
    public static final int MAX_PER_TASK = 100;
    static final String DEFAULT_COLOR = "#6b7280";

    private final TagRepository repo;
    private final TaskRefs tasks;
    private final Transactions tx;
    private final Outbox outbox;
    private final HistoryLog history;

    Tags(TagRepository repo, TaskRefs tasks, Transactions tx, Outbox outbox, HistoryLog history) {
        this.repo = repo;
        this.tasks = tasks;
        this.tx = tx;
        this.outbox = outbox;
        this.history = history;
    }

    // ---- the workspace's tags ----

    /** All tags of the workspace by name, each with the number of tasks carrying it. */
    public List<TagSummary> list() {
        long ws = ws();
        return tx.read(() -> repo.summaries(ws));
    }

    public TagSummary get(long id) {
        long ws = ws();
        return tx.read(() -> repo.summary(ws, id).orElseThrow(() -> ApiException.notFound("tag", id)));
    }

    /** Creates a tag; 409 {@code duplicate} when the name is taken, ignoring case. */
    public TagSummary create(CreateTag request) {
        long ws = ws();
        String name = name("name", request.name());
        String color = request.color() == null ? DEFAULT_COLOR : request.color().toLowerCase(Locale.ROOT);
        return tx.write(() -> {
            requireNameFree(ws, name, null);
            long id = repo.insert(ws, name, color);
            TagSummary tag = repo.summary(ws, id).orElseThrow();
            outbox.append(EventType.TAG_CREATED, null, null, tag);
            return tag;
        });
    }

    /**
     * Renames or recolours a tag; fields absent from the patch stay as they are. A rename writes a
     * {@code tags_changed} history row for each task carrying the tag (its names before and after), in the
     * same statement as the rename. A patch that changes nothing (the same name and colour, or an empty
     * one) writes nothing and announces nothing.
     */
    public TagSummary update(long id, Patch<UpdateTag> patch) {
        long ws = ws();
        String newName = patch.has("name") ? name("name", patch.values().name()) : null;
        if (patch.has("color") && patch.values().color() == null) {
            throw ApiException.invalid("color", TagRequests.COLOR_MESSAGE);
        }
        return tx.write(() -> {
            Tag current = repo.find(ws, id, true).orElseThrow(() -> ApiException.notFound("tag", id));
            String name = newName == null ? current.name() : newName;
            String color = patch.has("color") ? patch.values().color().toLowerCase(Locale.ROOT) : current.color();
            requireNameFree(ws, name, id);
            if (name.equals(current.name()) && color.equals(current.color())) {
                return repo.summary(ws, id).orElseThrow(); // nothing changed: no write, no event
            }
            // a new name changes the tag list every task carrying it shows (a new version of each, V71): each
            // gets its tags_changed history row, as when the tag is deleted; a new colour alone changes no name
            List<Long> tagged;
            if (name.equals(current.name())) {
                repo.update(ws, id, name, color);
                tagged = repo.taskIdsTagged(ws, id);
            } else {
                tagged = repo.renameRecordingHistory(
                        ws, id, name, color, CurrentRequest.get().actor());
            }
            TagSummary tag = repo.summary(ws, id).orElseThrow();
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("id", tag.id());
            payload.put("name", tag.name());
            payload.put("color", tag.color());
            payload.put("task_count", tag.taskCount());
            payload.put("created_at", tag.createdAt());
            payload.put("previous", Map.of("name", current.name(), "color", current.color()));
            // the tasks showing it have new versions (V71): each board that has one is told which
            outbox.appendPerBoard(EventType.TAG_UPDATED, payload, tagged);
            return tag;
        });
    }

    /**
     * Deletes a tag and takes it off every task: each such task gets a history row and a new version,
     * each board that has one a {@code tag_deleted} event naming its tasks (whatever their number, a
     * fixed number of statements).
     */
    public void delete(long id) {
        RequestContext ctx = CurrentRequest.get();
        long ws = ctx.workspaceId();
        tx.write(() -> {
            Tag tag = repo.find(ws, id, true).orElseThrow(() -> ApiException.notFound("tag", id));
            List<Long> untagged = repo.deleteRecordingHistory(ws, id, ctx.actor());
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("id", id);
            payload.put("name", tag.name());
            payload.put("color", tag.color());
            outbox.appendPerBoard(EventType.TAG_DELETED, payload, untagged);
        });
    }

    // ---- the tags of one task ----

    /** A task's tags by name, and the task's version they belong to (the answer's {@code ETag}). */
    public record TaskTags(List<Tag> tags, long taskVersion) {}

    /** The task's tags by name; 404 when the task is not in the workspace. */
    public List<Tag> forTask(long taskId) {
        long ws = ws();
        return tx.read(() -> repo.tagsOf(ws, tasks.require(taskId).id()));
    }

    /** {@link #forTask}, with the task's version read in the same transaction (one more statement). */
    public TaskTags tagsWithVersion(long taskId) {
        long ws = ws();
        return tx.read(() -> {
            TaskRef task = tasks.require(taskId);
            return new TaskTags(repo.tagsOf(ws, task.id()), tasks.version(task.id()));
        });
    }

    /**
     * Attaches one tag, given by {@code tag_id} or by {@code name} (found ignoring case, or created with
     * the default colour). Attaching a tag the task already carries changes nothing. Returns the task's tags.
     * {@code expectedVersion} (If-Match), when given, is the task's version the caller saw: 412 when it
     * changed since, as for every write under the task.
     */
    public TaskTags attach(long taskId, Precondition expectedVersion, AttachTag request) {
        long ws = ws();
        if ((request.tagId() == null) == (request.name() == null)) {
            throw ApiException.invalid("tag_id", "give either tag_id or name");
        }
        String name = request.name() == null ? null : name("name", request.name());
        return tx.write(() -> {
            TaskRef task = tasks.lockForChange(taskId, expectedVersion);
            Tag tag = name != null
                    ? repo.findOrCreate(ws, name)
                    : repo.find(ws, request.tagId(), false)
                            .orElseThrow(() ->
                                    ApiException.invalid("tag_id", "no tag " + request.tagId() + " in this workspace"));
            List<Tag> wanted = new ArrayList<>(repo.tagsOf(ws, task.id()));
            wanted.add(tag);
            return withVersion(task, announce(task, setExactly(ws, task, wanted)));
        });
    }

    /**
     * Adds the named tags to the task's tags (found ignoring case, or created with the default colour),
     * with one {@code tags_changed} event when that changes the set. Invalid names are a 422 on field
     * {@code tags}. Returns the task's tags.
     */
    public List<Tag> addByNames(long taskId, List<String> names) {
        long ws = ws();
        List<String> valid = names("tags", names == null ? List.of() : names);
        return tx.write(() -> {
            TaskRef task = tasks.lockForChange(taskId);
            List<Tag> wanted = new ArrayList<>(repo.tagsOf(ws, task.id()));
            valid.forEach(n -> wanted.add(repo.findOrCreate(ws, n)));
            return announce(task, setExactly(ws, task, wanted));
        });
    }

    /** Takes one tag off a task; 404 when the task does not carry it. */
    public void detach(long taskId, long tagId) {
        detach(taskId, null, tagId);
    }

    /**
     * {@link #detach(long, long)}, checking the task's version the caller saw (If-Match) when given;
     * answers the task's new version.
     */
    public long detach(long taskId, Precondition expectedVersion, long tagId) {
        long ws = ws();
        return tx.write(() -> {
            TaskRef task = tasks.lockForChange(taskId, expectedVersion);
            List<Tag> current = repo.tagsOf(ws, task.id());
            if (current.stream().noneMatch(t -> t.id() == tagId)) {
                throw ApiException.notFound("tag " + tagId + " on task", taskId);
            }
            announce(
                    task,
                    setExactly(
                            ws,
                            task,
                            current.stream().filter(t -> t.id() != tagId).toList()));
            return tasks.version(task.id());
        });
    }

    /** Makes the task's tags exactly the given ones ({@code tag_ids}, or {@code names} found or created). */
    public TaskTags replace(long taskId, Precondition expectedVersion, SetTags request) {
        long ws = ws();
        if ((request.tagIds() == null) == (request.names() == null)) {
            throw ApiException.invalid("tag_ids", "give either tag_ids or names");
        }
        List<String> names = request.names() == null ? null : names("names", request.names());
        return tx.write(() -> {
            TaskRef task = tasks.lockForChange(taskId, expectedVersion);
            List<Tag> wanted = names != null
                    ? names.stream().map(n -> repo.findOrCreate(ws, n)).toList()
                    : byIds(ws, request.tagIds());
            return withVersion(task, announce(task, setExactly(ws, task, wanted)));
        });
    }

    // ---- for other features, inside their transactions (Transactions.read/write) ----

    /**
     * The tags of each of the tasks, in one query: every given id is a key, with an empty list when the
     * task carries no tags (or is not in the workspace). Call inside a transaction of {@link Transactions}.
     */
    public Map<Long, List<Tag>> tagsOf(Collection<Long> taskIds) {
        return repo.tagsOf(ws(), new LinkedHashSet<>(taskIds));
    }

    /** The tags of one task, by name. Call inside a transaction of {@link Transactions}. */
    public List<Tag> tagsOf(long taskId) {
        return repo.tagsOf(ws(), taskId);
    }

    /**
     * Makes the task's tags exactly {@code names} (trimmed, case-insensitive, unknown names created with
     * the default colour) and records a history row when that changes the set. It appends no event: the
     * caller's own event (task created or updated) carries the task with its tags. Call inside the
     * caller's write transaction, with the task locked ({@code TaskRefs.lock}) or just created.
     * Invalid names are a 422 on field {@code tags}.
     */
    public List<Tag> setByNames(TaskRef task, List<String> names) {
        return changeByNames(task, names).after();
    }

    /** As {@link #setByNames}, answering whether the task's tag set changed. */
    public boolean replaceByNames(TaskRef task, List<String> names) {
        return changeByNames(task, names).changed();
    }

    private Change changeByNames(TaskRef task, List<String> names) {
        Transactions.requireActive("setByNames must run inside the caller's write transaction");
        long ws = ws();
        List<Tag> wanted = names("tags", names == null ? List.of() : names).stream()
                .map(n -> repo.findOrCreate(ws, n))
                .toList();
        return setExactly(ws, task, wanted);
    }

    // ---- restoring tags as they were elsewhere (imports); inside the import's write transaction ----

    /** Makes the workspace's tag of this name exactly this (colour, creation time); returns its id. */
    public long restore(String name, String color, Instant createdAt) {
        requireTransaction();
        return repo.put(ws(), name, color, createdAt);
    }

    /** The id of the workspace's tag of this name, created with the default colour when missing. */
    public long idOf(String name) {
        requireTransaction();
        return repo.findOrCreate(ws(), name).id();
    }

    /** Whether the workspace has a tag of this name (ignoring case). */
    public boolean exists(String name) {
        requireTransaction();
        return repo.findByName(ws(), name).isPresent();
    }

    /** Removes every tag of the workspace but these (a restore into a workspace no task of which carries one). */
    public void removeAllExcept(List<Long> keep) {
        requireTransaction();
        repo.deleteAllExcept(ws(), keep);
    }

    /** Attaches a tag to a restored task without history or event (the task's own created row and event cover it). */
    public void attachRestored(long taskId, long tagId) {
        requireTransaction();
        repo.attach(ws(), taskId, tagId);
    }

    private static void requireTransaction() {
        Transactions.requireActive("restoring must happen inside the import's transaction");
    }

    // ---- internals ----

    private record Change(List<Tag> before, List<Tag> after, boolean changed) {}

    /** Attaches and detaches so that the task carries exactly {@code wanted}; records history when the set changed. */
    private Change setExactly(long ws, TaskRef task, List<Tag> wanted) {
        List<Tag> before = repo.tagsOf(ws, task.id());
        Set<Long> beforeIds = before.stream().map(Tag::id).collect(Collectors.toSet());
        Set<Long> wantedIds = wanted.stream().map(Tag::id).collect(Collectors.toCollection(LinkedHashSet::new));
        if (beforeIds.equals(wantedIds)) {
            return new Change(before, before, false);
        }
        if (wantedIds.size() > MAX_PER_TASK) {
            throw ApiException.invalid("tags", "a task carries at most " + MAX_PER_TASK + " tags");
        }
        for (long id : beforeIds) {
            if (!wantedIds.contains(id)) {
                repo.detach(ws, task.id(), id);
            }
        }
        for (long id : wantedIds) {
            if (!beforeIds.contains(id)) {
                repo.attach(ws, task.id(), id);
            }
        }
        List<Tag> after = repo.tagsOf(ws, task.id());
        history.record(task, "tags_changed", "tags", joined(before), joined(after));
        return new Change(before, after, true);
    }

    private TaskTags withVersion(TaskRef task, List<Tag> tags) {
        return new TaskTags(tags, tasks.version(task.id()));
    }

    /** Appends the event of a changed tag set; a no-op change stays silent. */
    private List<Tag> announce(TaskRef task, Change change) {
        if (change.changed()) {
            outbox.appendWithTaskVersion(
                    EventType.TAGS_CHANGED,
                    task.boardId(),
                    task.id(),
                    TagsChanged.of(task.id(), change.before(), change.after()));
        }
        return change.after();
    }

    private List<Tag> byIds(long ws, List<Long> ids) {
        Set<Long> wanted = new LinkedHashSet<>(ids);
        List<Tag> found = repo.findAll(ws, wanted);
        if (found.size() != wanted.size()) {
            Set<Long> foundIds = found.stream().map(Tag::id).collect(Collectors.toSet());
            List<Long> missing =
                    wanted.stream().filter(id -> !foundIds.contains(id)).toList();
            throw ApiException.invalid("tag_ids", "no tags " + missing + " in this workspace");
        }
        return found;
    }

    private void requireNameFree(long ws, String name, Long except) {
        repo.findByName(ws, name)
                .filter(t -> except == null || t.id() != except)
                .ifPresent(t -> {
                    throw ApiException.conflict(
                            "duplicate", "a tag named '" + t.name() + "' already exists", Map.of("tag_id", t.id()));
                });
    }

    /** Trimmed, distinct ignoring case (first spelling wins), each a valid name. */
    private static List<String> names(String field, List<String> raw) {
        if (raw.size() > MAX_PER_TASK) {
            throw ApiException.invalid(field, "at most " + MAX_PER_TASK + " tags");
        }
        Map<String, String> distinct = new LinkedHashMap<>();
        for (String n : raw) {
            String name = name(field, n);
            distinct.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
        }
        return List.copyOf(distinct.values());
    }

    static String name(String field, String raw) {
        String name = raw == null ? "" : raw.strip();
        if (name.isEmpty()) {
            throw ApiException.invalid(field, "a tag name must not be blank");
        }
        if (name.codePointCount(0, name.length()) > MAX_NAME) {
            throw ApiException.invalid(field, "a tag name has at most " + MAX_NAME + " characters");
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.invalid(field, "a tag name must not contain control characters");
        }
        if (name.indexOf(',') >= 0) {
            // lists of tag names are comma-separated where a name is read back (the card panel's tags field,
            // the tags_changed history row's old and new names): a comma would make one tag two
            throw ApiException.invalid(field, "a tag name must not contain a comma");
        }
        return name;
    }

    private static String joined(List<Tag> tags) {
        return tags.stream().map(Tag::name).collect(Collectors.joining(","));
    }

    private static long ws() {
        return CurrentRequest.get().workspaceId();
    }
}
