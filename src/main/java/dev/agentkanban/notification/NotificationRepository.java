package dev.agentkanban.notification;

import dev.agentkanban.identity.DisplayNames;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL of the inbox, the watchers, the mentions and the reminders. The inbox side runs in tenant
 * transactions (the member's own rows of the request's workspace); the fan-out and reminder side in
 * system transactions across workspaces (V31's system policies).
 */
@Repository
class NotificationRepository {

    /** The columns of a {@link Notification}; the actor's display name is read now, so a renamed member shows the new one. */
    static final String COLUMNS = "n.id, n.kind, n.event_id, n.task_id, n.board_id, n.actor, "
            + DisplayNames.of("n.actor") + " as actor_display_name, n.title, n.excerpt, n.created_at, n.read_at\n";

    private final JdbcClient jdbc;

    NotificationRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    // ---- the member's inbox (tenant transactions) ----

    List<Notification> inbox(long ws, String username, boolean unreadOnly, int limit, long offset) {
        return jdbc.sql("select " + COLUMNS + """
                from notifications n join users u on u.id = n.user_id
                where n.workspace_id = :ws and u.username = :user
                """ + (unreadOnly ? " and n.read_at is null" : "")
                        + " order by n.id desc limit :limit offset :offset")
                .param("ws", ws)
                .param("user", username)
                .param("limit", limit)
                .param("offset", offset)
                .query(NotificationRepository::notification)
                .list();
    }

    long count(long ws, String username, boolean unreadOnly) {
        return jdbc.sql("""
                select count(*) from notifications n join users u on u.id = n.user_id
                where n.workspace_id = :ws and u.username = :user
                """ + (unreadOnly ? " and n.read_at is null" : ""))
                .param("ws", ws)
                .param("user", username)
                .query(Long.class)
                .single();
    }

    Optional<Notification> markRead(long ws, String username, long id) {
        return jdbc.sql("""
                update notifications n set read_at = coalesce(n.read_at, now())
                from users u
                where u.id = n.user_id and n.workspace_id = :ws and u.username = :user and n.id = :id
                returning
                """ + COLUMNS)
                .param("ws", ws)
                .param("user", username)
                .param("id", id)
                .query(NotificationRepository::notification)
                .optional();
    }

    int markAllRead(long ws, String username) {
        return jdbc.sql("""
                update notifications n set read_at = now()
                from users u
                where u.id = n.user_id and n.workspace_id = :ws and u.username = :user and n.read_at is null
                """).param("ws", ws).param("user", username).update();
    }

    // ---- watchers ----

    Optional<Long> userId(String username) {
        return jdbc.sql("select id from users where username = :u")
                .param("u", username)
                .query(Long.class)
                .optional();
    }

    /** Starts (or resumes) watching by the member's own choice. */
    void watch(long ws, long taskId, long userId) {
        jdbc.sql("""
                insert into task_watchers (workspace_id, task_id, user_id, watching, reason)
                values (:ws, :task, :user, true, 'manual')
                on conflict (task_id, user_id) do update set watching = true
                """)
                .param("ws", ws)
                .param("task", taskId)
                .param("user", userId)
                .update();
    }

    /** Stops watching; kept as a row so that the automatic rules do not add the member back. */
    void unwatch(long ws, long taskId, long userId) {
        jdbc.sql("""
                insert into task_watchers (workspace_id, task_id, user_id, watching, reason)
                values (:ws, :task, :user, false, 'manual')
                on conflict (task_id, user_id) do update set watching = false
                """)
                .param("ws", ws)
                .param("task", taskId)
                .param("user", userId)
                .update();
    }

    /** A task's watchers as the task shows them. */
    record Watcher(long userId, String username, String displayName, String kind, String reason, Instant since) {}

    List<Watcher> watchers(long taskId) {
        return jdbc.sql("""
                select u.id, u.username, u.display_name, u.kind, w.reason, w.created_at
                from task_watchers w join users u on u.id = w.user_id
                where w.task_id = :task and w.watching order by w.created_at, u.username
                """)
                .param("task", taskId)
                .query((rs, n) -> new Watcher(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        instant(rs.getTimestamp(6))))
                .list();
    }

    // ---- the fan-out (system transactions) ----

    /** The fan-out's position; {@code lock} takes the row lock that makes instances take turns. */
    long cursor(boolean lock) {
        if (lock) {
            // made sure of and locked in one statement: an insert that meets the row updates it, which
            // waits for and takes its lock as for update does, and answers the position committed last
            return jdbc.sql("""
                            insert into notification_cursor (position) values (0)
                            on conflict (singleton) do update set position = notification_cursor.position
                            returning position
                            """).query(Long.class).single();
        }
        return jdbc.sql("select position from notification_cursor")
                .query(Long.class)
                .optional()
                .orElse(0L);
    }

    void moveCursor(long position) {
        jdbc.sql("update notification_cursor set position = :p")
                .param("p", position)
                .update();
    }

    /** Task titles (none for a task that is gone or in the trash). */
    Optional<String> taskTitle(long taskId) {
        return jdbc.sql("select title from tasks where id = :id and deleted_at is null")
                .param("id", taskId)
                .query(String.class)
                .optional();
    }

    /** The members of the workspace among these lowercased usernames, by name. */
    Map<String, Long> members(long ws, Collection<String> lowercasedNames) {
        Map<String, Long> found = new HashMap<>();
        if (lowercasedNames.isEmpty()) {
            return found;
        }
        jdbc.sql("""
                select lower(u.username), u.id from users u join memberships m on m.user_id = u.id
                where m.workspace_id = :ws and lower(u.username) = any(:names)
                """)
                .param("ws", ws)
                .param("names", lowercasedNames.toArray(String[]::new))
                .query((rs, n) -> found.put(rs.getString(1), rs.getLong(2)))
                .list();
        return found;
    }

    /** The member behind an actor name in the workspace (none for system, rules and unknown names). */
    Optional<Long> member(long ws, String actor) {
        return jdbc.sql("""
                select u.id from users u join memberships m on m.user_id = u.id
                where m.workspace_id = :ws and u.username = :actor
                """)
                .param("ws", ws)
                .param("actor", actor)
                .query(Long.class)
                .optional();
    }

    /** Assignments not announced yet, marked as announced now: (task, member) pairs. */
    List<long[]> claimNewAssignments(Collection<Long> taskIds) {
        return jdbc.sql("""
                update task_assignees set notified = true
                where task_id = any(:ids) and not notified
                returning task_id, user_id
                """)
                .param("ids", taskIds.toArray(Long[]::new))
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)})
                .list();
    }

    List<Long> assignees(long taskId) {
        return jdbc.sql("select user_id from task_assignees where task_id = :t")
                .param("t", taskId)
                .query(Long.class)
                .list();
    }

    /** Who watches these tasks: (task, member) pairs. */
    List<long[]> watching(Collection<Long> taskIds) {
        return jdbc.sql("select task_id, user_id from task_watchers where task_id = any(:ids) and watching")
                .param("ids", taskIds.toArray(Long[]::new))
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)})
                .list();
    }

    /**
     * Watches automatically, unless the member chose otherwise before; nothing for a task that is gone.
     * True when the member watches the task from now on (false also when they watched it already).
     */
    boolean autoWatch(long ws, long taskId, long userId, String reason) {
        return jdbc.sql("""
                insert into task_watchers (workspace_id, task_id, user_id, reason)
                select :ws, :task, :user, :reason where exists (select 1 from tasks where id = :task)
                on conflict do nothing
                """)
                        .param("ws", ws)
                        .param("task", taskId)
                        .param("user", userId)
                        .param("reason", reason)
                        .update()
                == 1;
    }

    /** Records a mention; true when it is new (the member was not mentioned in that source before). */
    boolean mentionIsNew(long ws, long taskId, long userId, String source) {
        return jdbc.sql("""
                        insert into task_mentions (workspace_id, task_id, user_id, source)
                        select :ws, :task, :user, :source where exists (select 1 from tasks where id = :task)
                        on conflict do nothing
                        """)
                        .param("ws", ws)
                        .param("task", taskId)
                        .param("user", userId)
                        .param("source", source)
                        .update()
                == 1;
    }

    /**
     * Inserts one notification per member (at most one per member and event: a repeated fan-out adds
     * nothing); members who left the workspace and disabled people are skipped. Returns how many were
     * inserted.
     */
    int insert(
            long ws,
            Collection<Long> users,
            long eventId,
            NotificationKind kind,
            Long taskId,
            Long boardId,
            String actor,
            String title,
            String excerpt) {
        if (users.isEmpty()) {
            return 0;
        }
        return jdbc.sql("""
                insert into notifications (workspace_id, user_id, event_id, kind, task_id, board_id, actor, title, excerpt)
                select :ws, u.id, :event, :kind, :task, :board, :actor, :title, :excerpt
                from unnest(cast(:users as bigint[])) as u(id)
                where exists (select 1 from memberships m where m.workspace_id = :ws and m.user_id = u.id)
                  and not exists (select 1 from users d where d.id = u.id and d.disabled)
                on conflict (user_id, event_id) do nothing
                """)
                .param("ws", ws)
                .param("users", users.toArray(Long[]::new))
                .param("event", eventId)
                .param("kind", kind.wire())
                .param("task", taskId)
                .param("board", boardId)
                .param("actor", actor)
                .param("title", title)
                .param("excerpt", excerpt)
                .update();
    }

    // ---- live delivery (system transactions) ----

    long lastId() {
        return jdbc.sql("select coalesce(max(id), 0) from notifications")
                .query(Long.class)
                .single();
    }

    /** A new notification for live delivery, with its member's unread count. */
    record Fresh(long workspaceId, long userId, Notification notification, long unread) {}

    List<Fresh> fresh(long after, long through, Collection<Long> users) {
        return jdbc.sql("select n.workspace_id, n.user_id, " + COLUMNS + """
                , (select count(*) from notifications x where x.user_id = n.user_id
                   and x.workspace_id = n.workspace_id and x.read_at is null) as unread
                from notifications n
                where n.id > :after and n.id <= :through and n.user_id = any(:users)
                order by n.id
                """)
                .param("after", after)
                .param("through", through)
                .param("users", users.toArray(Long[]::new))
                .query((rs, n) -> new Fresh(
                        rs.getLong("workspace_id"), rs.getLong("user_id"), notification(rs, n), rs.getLong("unread")))
                .list();
    }

    // ---- reminders ----

    /** An open task whose reminder of this kind for its current due date has not been claimed. */
    record Due(long workspaceId, long taskId, long boardId, String title, Instant dueDate, String kind) {}

    List<Due> dueReminders(java.time.Duration lead, int limit) {
        return jdbc.sql("""
                select t.workspace_id, t.id, t.board_id, t.title, t.due_date, k.kind
                from tasks t
                cross join lateral (select case when t.due_date <= now() then 'overdue' else 'due_soon' end as kind) k
                where t.status in ('pending', 'in_progress') and t.due_date is not null
                  and t.deleted_at is null and t.archived_at is null
                  and t.due_date <= now() + make_interval(secs => :lead)
                  and not exists (select 1 from task_reminders r
                                  where r.task_id = t.id and r.kind = k.kind and r.due_date = t.due_date)
                order by t.due_date
                limit :limit
                """)
                .param("lead", (double) lead.toSeconds())
                .param("limit", limit)
                .query((rs, n) -> new Due(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getLong(3),
                        rs.getString(4),
                        instant(rs.getTimestamp(5)),
                        rs.getString(6)))
                .list();
    }

    /**
     * Claims the reminder (tenant transaction): true for exactly one caller per task, kind and due
     * date, and only while the task still has that due date and is open.
     */
    boolean claimReminder(long ws, long taskId, String kind, Instant dueDate) {
        return jdbc.sql("""
                        insert into task_reminders (workspace_id, task_id, kind, due_date)
                        select :ws, t.id, :kind, t.due_date from tasks t
                        where t.id = :task and t.due_date = :due and t.status in ('pending', 'in_progress')
                          and t.deleted_at is null and t.archived_at is null
                        on conflict do nothing
                        """)
                        .param("ws", ws)
                        .param("task", taskId)
                        .param("kind", kind)
                        .param("due", Timestamp.from(dueDate))
                        .update()
                == 1;
    }

    static Notification notification(ResultSet rs, int n) throws SQLException {
        Timestamp read = rs.getTimestamp("read_at");
        return new Notification(
                rs.getLong("id"),
                rs.getString("kind"),
                rs.getLong("event_id"),
                rs.getObject("task_id", Long.class),
                rs.getObject("board_id", Long.class),
                rs.getString("actor"),
                rs.getString("actor_display_name"),
                rs.getString("title"),
                rs.getString("excerpt"),
                instant(rs.getTimestamp("created_at")),
                read != null,
                instant(read));
    }

    static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    /**
     * Deletes up to {@code limit} notifications (system transaction): read ones created before
     * {@code readCutoff}, unread ones created before {@code unreadCutoff}.
     */
    int deleteOld(Instant readCutoff, Instant unreadCutoff, int limit) {
        return jdbc.sql("""
                delete from notifications where id in (
                    select id from notifications
                    where created_at < :read and (read_at is not null or created_at < :unread)
                    order by id limit :limit)
                """)
                .param("read", Timestamp.from(readCutoff))
                .param("unread", Timestamp.from(unreadCutoff))
                .param("limit", limit)
                .update();
    }
}
