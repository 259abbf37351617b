package dev.agentkanban.task;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL of task relations (V20). A relation row is stored once in its canonical direction: {@code blocks}
 * from the blocker to the blocked task, {@code parent} from the parent to the child, {@code relates_to}
 * from the lower id, {@code duplicate_of} from the duplicate. "Open" means pending or in progress.
 */
@Repository
class RelationRepository {

    /** A relation row as stored. */
    record Row(long id, String kind, long fromTaskId, long toTaskId) {}

    private final JdbcClient jdbc;

    RelationRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Serialises the workspace's relation writes until the transaction ends, so that two requests that
     * would together close a cycle check one after the other, each seeing the other's edge.
     */
    void lockWorkspace(long ws) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended('task_relations:' || :ws, 0))")
                .param("ws", Long.toString(ws))
                .query((rs, n) -> 1)
                .single();
    }

    /**
     * Locks the tasks against change and deletion, in id order (the order every relation write uses);
     * tasks in the trash are left out. Answers each locked task's version, read under the lock.
     */
    Map<Long, Long> lockTasks(long ws, List<Long> ids) {
        Map<Long, Long> versions = new HashMap<>();
        jdbc.sql("select id, version from tasks where workspace_id = :ws and id = any(:ids) and deleted_at is null"
                        + " order by id for no key update")
                .param("ws", ws)
                .param("ids", ids.toArray(Long[]::new))
                .query(rs -> {
                    versions.put(rs.getLong(1), rs.getLong(2));
                });
        return versions;
    }

    Optional<Row> find(long ws, String kind, long from, long to) {
        return jdbc.sql("""
                select id, kind, from_task_id, to_task_id from task_relations
                where workspace_id = :ws and kind = :kind and from_task_id = :from and to_task_id = :to
                """)
                .param("ws", ws)
                .param("kind", kind)
                .param("from", from)
                .param("to", to)
                .query((rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4)))
                .optional();
    }

    long insert(long ws, String kind, long from, long to, String actor) {
        return jdbc.sql("""
                insert into task_relations (workspace_id, kind, from_task_id, to_task_id, created_by)
                values (:ws, :kind, :from, :to, :actor) returning id
                """)
                .param("ws", ws)
                .param("kind", kind)
                .param("from", from)
                .param("to", to)
                .param("actor", actor)
                .query(Long.class)
                .single();
    }

    /** A relation as it was elsewhere (imports); one the task pair already has is kept as it is. */
    void restore(long ws, String kind, long from, long to, String createdBy, java.time.Instant createdAt) {
        jdbc.sql("""
                insert into task_relations (workspace_id, kind, from_task_id, to_task_id, created_by, created_at)
                values (:ws, :kind, :from, :to, :createdBy, coalesce(:createdAt, now()))
                on conflict do nothing
                """)
                .param("ws", ws)
                .param("kind", kind)
                .param("from", from)
                .param("to", to)
                .param("createdBy", createdBy)
                .param("createdAt", TaskRepository.timestamp(createdAt))
                .update();
    }

    int delete(long ws, long id) {
        return jdbc.sql("delete from task_relations where workspace_id = :ws and id = :id")
                .param("ws", ws)
                .param("id", id)
                .update();
    }

    /** Every relation touching the task, with the other task's summary. */
    List<Linked> of(long ws, long taskId) {
        return jdbc.sql("""
                select r.id, r.kind, r.from_task_id = :task as outgoing, o.id as other, o.board_id, o.title, o.status
                from task_relations r
                join tasks o on o.id = case when r.from_task_id = :task then r.to_task_id else r.from_task_id end
                where r.workspace_id = :ws and (r.from_task_id = :task or r.to_task_id = :task)
                  and o.deleted_at is null
                order by r.kind, o.id
                """)
                .param("ws", ws)
                .param("task", taskId)
                .query((rs, n) -> new Linked(
                        rs.getLong("id"),
                        rs.getString("kind"),
                        rs.getBoolean("outgoing"),
                        new TaskLink(
                                rs.getLong("other"),
                                rs.getLong("board_id"),
                                rs.getString("title"),
                                TaskStatus.fromWire(rs.getString("status")))))
                .list();
    }

    /** A relation seen from one of its tasks: outgoing when the task is the row's {@code from_task_id}. */
    record Linked(long relationId, String kind, boolean outgoing, TaskLink task) {}

    /**
     * The chain of {@code blocks} edges from {@code start} to {@code goal} (both included), if there is
     * one: adding "goal blocks start" would then close a cycle.
     */
    Optional<List<Long>> blockPath(long ws, long start, long goal) {
        return path(ws, start, goal, "r.from_task_id = w.id and r.kind = 'blocks'", "r.to_task_id");
    }

    /** The chain of parents from {@code start} up to its ancestor {@code goal} (both included), if {@code goal} is one. */
    Optional<List<Long>> ancestorPath(long ws, long start, long goal) {
        return path(ws, start, goal, "r.to_task_id = w.id and r.kind = 'parent'", "r.from_task_id");
    }

    private Optional<List<Long>> path(long ws, long start, long goal, String edge, String next) {
        return jdbc.sql("""
                with recursive walk(id, path) as (
                    select cast(:start as bigint), array[cast(:start as bigint)]
                    union all
                    select %2$s, w.path || %2$s
                    from walk w join task_relations r on %1$s and r.workspace_id = :ws
                    where w.id <> :goal and not %2$s = any(w.path)
                )
                select path from walk where id = :goal limit 1
                """.formatted(edge, next))
                .param("ws", ws)
                .param("start", start)
                .param("goal", goal)
                .query((rs, n) -> List.of((Long[]) rs.getArray(1).getArray()))
                .optional();
    }

    /** How many levels of parents the task has above it (0 for a top-level task). */
    int ancestors(long ws, long taskId) {
        return levels(ws, taskId, "r.to_task_id = l.id", "r.from_task_id");
    }

    /** How many levels of subtasks hang below the task (0 for a task without children). */
    int descendants(long ws, long taskId) {
        return levels(ws, taskId, "r.from_task_id = l.id", "r.to_task_id");
    }

    private int levels(long ws, long taskId, String edge, String next) {
        return jdbc.sql("""
                with recursive level(id, depth) as (
                    select cast(:task as bigint), 0
                    union all
                    select %2$s, l.depth + 1 from level l
                    join task_relations r on %1$s and r.kind = 'parent' and r.workspace_id = :ws
                    where l.depth < 10
                )
                select max(depth) from level
                """.formatted(edge, next))
                .param("ws", ws)
                .param("task", taskId)
                .query(Integer.class)
                .single();
    }

    /** Removes the parent relations from a task to its subtasks. */
    void deleteChildLinks(long ws, long parentId) {
        jdbc.sql("delete from task_relations where workspace_id = :ws and from_task_id = :p and kind = 'parent'")
                .param("ws", ws)
                .param("p", parentId)
                .update();
    }

    /** The open tasks blocking the task, by id. */
    List<TaskLink> openBlockers(long ws, long taskId) {
        return jdbc.sql("""
                select b.id, b.board_id, b.title, b.status from task_relations r join tasks b on b.id = r.from_task_id
                where r.workspace_id = :ws and r.to_task_id = :task and r.kind = 'blocks'
                  and b.status in ('pending', 'in_progress') and b.deleted_at is null
                order by b.id
                """)
                .param("ws", ws)
                .param("task", taskId)
                .query(RelationRepository::link)
                .list();
    }

    /** The open subtasks of the task, by id. */
    List<TaskLink> openChildren(long ws, long taskId) {
        return children(ws, taskId, true);
    }

    List<TaskLink> children(long ws, long taskId, boolean openOnly) {
        return jdbc.sql("""
                select c.id, c.board_id, c.title, c.status from task_relations r join tasks c on c.id = r.to_task_id
                where r.workspace_id = :ws and r.from_task_id = :task and r.kind = 'parent' and c.deleted_at is null
                """ + (openOnly ? " and c.status in ('pending', 'in_progress')" : "") + " order by c.id")
                .param("ws", ws)
                .param("task", taskId)
                .query(RelationRepository::link)
                .list();
    }

    /** The open tasks the given task blocks, by id. */
    List<Long> openDependants(long ws, long taskId) {
        return jdbc.sql("""
                select d.id from task_relations r join tasks d on d.id = r.to_task_id
                where r.workspace_id = :ws and r.from_task_id = :task and r.kind = 'blocks'
                  and d.status in ('pending', 'in_progress') and d.deleted_at is null
                order by d.id
                """)
                .param("ws", ws)
                .param("task", taskId)
                .query(Long.class)
                .list();
    }

    /** How many open blockers the task has, leaving one out (a blocker closing or being deleted right now). */
    long openBlockersExcept(long ws, long taskId, long leftOut) {
        return jdbc.sql("""
                select count(*) from task_relations r join tasks b on b.id = r.from_task_id
                where r.workspace_id = :ws and r.to_task_id = :task and r.kind = 'blocks' and b.id <> :left
                  and b.status in ('pending', 'in_progress') and b.deleted_at is null
                """)
                .param("ws", ws)
                .param("task", taskId)
                .param("left", leftOut)
                .query(Long.class)
                .single();
    }

    private static TaskLink link(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new TaskLink(rs.getLong(1), rs.getLong(2), rs.getString(3), TaskStatus.fromWire(rs.getString(4)));
    }
}
