package dev.agentkanban.task;

import dev.agentkanban.events.EventType;
import dev.agentkanban.events.Outbox;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Precondition;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.platform.Versions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A task's assignees (issue 15): zero or more members of its workspace, people or agents. Seed 002's
 * single {@code assignee} name stays: it is the first assignee's username, and a name written there
 * that matches a member maps to that member (the database trigger of V31 does that for every path
 * that writes the name); a name that matches nobody stays free text. Every change here is a new
 * version of the task, a history row and a {@code task_updated} event, which the notification fan-out
 * turns into "assigned" notifications.
 */
@Service
public class TaskAssignees {

    /** The most assignees one task can have. */
    static final int MAX = 20;

    /** {@code assignee=<name>}: a member assigned under that username, or the free-text name itself. */
    static final String FILTER = """
            (t.assignee = :assignee or t.id in (select a.task_id from task_assignees a join users u on u.id = a.user_id
             where lower(u.username) = lower(:assignee) and a.workspace_id = t.workspace_id))""";

    /** {@code unassigned=true}: neither a member nor a free-text name. */
    static final String UNASSIGNED =
            "(t.assignee is null and not exists (select 1 from task_assignees a where a.task_id = t.id))";

    private static final TypeReference<List<String>> NAMES = new TypeReference<>() {};

    /** One assignee as the assignee list shows it. */
    public record Assignee(long userId, String username, String displayName, String kind, Instant addedAt) {}

    /** A task's assignees, and the task as it is now. */
    public record Assignment(List<Assignee> items, TaskView task) {}

    private final JdbcClient jdbc;
    private final Transactions tx;
    private final TaskRepository repo;
    private final TaskQueries queries;
    private final Outbox outbox;
    private final Trash trash;

    TaskAssignees(
            JdbcClient jdbc, Transactions tx, TaskRepository repo, TaskQueries queries, Outbox outbox, Trash trash) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.repo = repo;
        this.queries = queries;
        this.outbox = outbox;
        this.trash = trash;
    }

    /** The name the assignee filter looks for: {@code me} is the caller. */
    static String filterName(String name) {
        return TaskFilter.ME.equalsIgnoreCase(name.trim())
                ? CurrentRequest.get().actor()
                : name.trim();
    }

    static List<String> names(JsonMapper json, String column) {
        return column == null ? List.of() : json.readValue(column, NAMES);
    }

    public Assignment list(long taskId) {
        return tx.read(() -> new Assignment(
                assignees(requireTask(taskId)), queries.find(taskId).orElseThrow()));
    }

    /** Makes the assignees exactly {@code usernames} (in that order; {@code me} is the caller). */
    public Assignment set(long taskId, Precondition expectedVersion, List<String> usernames) {
        return change(taskId, expectedVersion, current -> resolve(usernames));
    }

    /** Adds one assignee (nothing changes when already assigned). */
    public Assignment add(long taskId, Precondition expectedVersion, String username) {
        return change(taskId, expectedVersion, current -> {
            List<Long> ids = new ArrayList<>(current);
            long member = resolve(List.of(username)).getFirst();
            if (!ids.contains(member)) {
                ids.add(member);
            }
            return ids;
        });
    }

    /** Removes one assignee (by user id); 404 when that user is not assigned. */
    public Assignment remove(long taskId, Precondition expectedVersion, long member) {
        return change(taskId, expectedVersion, current -> {
            if (!current.contains(member)) {
                throw ApiException.notFound("assignee", member);
            }
            List<Long> ids = new ArrayList<>(current);
            ids.remove(member);
            return ids;
        });
    }

    private interface Change {
        List<Long> apply(List<Long> current);
    }

    private Assignment change(long taskId, Precondition expectedVersion, Change change) {
        return tx.write(() -> {
            Task t = repo.find(CurrentRequest.get().workspaceId(), taskId, true)
                    .orElseThrow(() -> trash.notOnBoard(taskId));
            Versions.check(expectedVersion, t.version());
            t.requireNotClaimedByAnother(CurrentRequest.get().actor(), Instant.now());
            List<Long> current = assignees(t).stream().map(Assignee::userId).toList();
            List<Long> wanted = List.copyOf(new LinkedHashSet<>(change.apply(current)));
            if (wanted.size() > MAX) {
                throw ApiException.invalid("assignees", "a task has at most " + MAX + " assignees");
            }
            if (!wanted.equals(current)) {
                write(t, current, wanted);
                Map<String, Object> payload = new LinkedHashMap<>();
                payload.put("task", queries.find(taskId).orElseThrow());
                payload.put("assignees_changed", true);
                outbox.append(EventType.TASK_UPDATED, t.boardId(), taskId, payload);
            }
            return new Assignment(assignees(t), queries.find(taskId).orElseThrow());
        });
    }

    /**
     * Writes the rows and the compatibility name (the first assignee's username), and bumps the task's
     * version even when the name stays (a second assignee is a change of the task too).
     */
    private void write(Task t, List<Long> current, List<Long> wanted) {
        jdbc.sql("select set_config('kanban.assignees_managed', 'on', true)")
                .query((rs, n) -> 1)
                .single();
        jdbc.sql("delete from task_assignees where task_id = :task and user_id <> all(:keep)")
                .param("task", t.id())
                .param("keep", wanted.toArray(Long[]::new))
                .update();
        for (long user : wanted) {
            if (!current.contains(user)) {
                jdbc.sql("""
                        insert into task_assignees (workspace_id, task_id, user_id) values (:ws, :task, :user)
                        on conflict do nothing
                        """)
                        .param("ws", t.workspaceId())
                        .param("task", t.id())
                        .param("user", user)
                        .update();
            }
        }
        String first = wanted.isEmpty()
                ? null
                : jdbc.sql("select username from users where id = :id")
                        .param("id", wanted.getFirst())
                        .query(String.class)
                        .single();
        int updated = jdbc.sql("update tasks set assignee = :name, updated_at = now() where id = :id")
                .param("name", first)
                .param("id", t.id())
                .update();
        if (updated != 1) {
            throw ApiException.notFound("task", t.id());
        }
        jdbc.sql("select set_config('kanban.assignees_managed', '', true)")
                .query((rs, n) -> 1)
                .single();
        Set<Long> added = new LinkedHashSet<>(wanted);
        current.forEach(added::remove);
        if (!added.isEmpty() || current.size() != wanted.size()) {
            repo.recordChange(t.id(), "assignees", names(current), names(wanted), "updated");
        }
    }

    private String names(List<Long> ids) {
        if (ids.isEmpty()) {
            return null;
        }
        return String.join(
                ", ",
                jdbc.sql("select username from users where id = any(:ids) order by array_position(:ids, id)")
                        .param("ids", ids.toArray(Long[]::new))
                        .query(String.class)
                        .list());
    }

    /** The members named, in order: usernames of the task's workspace ({@code me}: the caller); 422 otherwise. */
    private List<Long> resolve(List<String> usernames) {
        if (usernames == null) {
            throw ApiException.invalid("assignees", "must be a list of usernames");
        }
        List<Long> ids = new ArrayList<>();
        for (String raw : usernames) {
            if (raw == null || raw.isBlank()) {
                throw ApiException.invalid("assignees", "a username must not be blank");
            }
            String name = filterName(raw).toLowerCase(Locale.ROOT);
            Long id = jdbc.sql("""
                    select u.id from users u join memberships m on m.user_id = u.id
                    where m.workspace_id = :ws and lower(u.username) = :name
                    """)
                    .param("ws", CurrentRequest.get().workspaceId())
                    .param("name", name)
                    .query(Long.class)
                    .optional()
                    .orElseThrow(() -> ApiException.invalid(
                            "assignees", "'" + raw.trim() + "' is not a member of this workspace"));
            ids.add(id);
        }
        return ids;
    }

    private List<Assignee> assignees(Task t) {
        return jdbc.sql("""
                select u.id, u.username, u.display_name, u.kind, a.added_at
                from task_assignees a join users u on u.id = a.user_id
                where a.task_id = :task order by a.added_at, u.username
                """)
                .param("task", t.id())
                .query((rs, n) -> new Assignee(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        TaskRepository.instant(rs.getTimestamp(5))))
                .list();
    }

    private Task requireTask(long id) {
        return repo.find(CurrentRequest.get().workspaceId(), id, false)
                .orElseThrow(() -> ApiException.notFound("task", id));
    }
}
