package dev.agentkanban.task;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of checklist items (V21); positions are gap-based like tasks' ({@link Position}). */
@Repository
class ChecklistRepository {

    private static final String COLUMNS =
            "id, task_id, position, text, done, assignee, due_date, created_by, created_at, updated_at";

    private final JdbcClient jdbc;

    ChecklistRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<ChecklistItem> list(long ws, long taskId) {
        return jdbc.sql("select " + COLUMNS
                        + " from checklist_items where workspace_id = :ws and task_id = :task order by position")
                .param("ws", ws)
                .param("task", taskId)
                .query(ChecklistRepository::item)
                .list();
    }

    Optional<ChecklistItem> find(long ws, long taskId, long id) {
        return jdbc.sql("select " + COLUMNS
                        + " from checklist_items where workspace_id = :ws and task_id = :task and id = :id")
                .param("ws", ws)
                .param("task", taskId)
                .param("id", id)
                .query(ChecklistRepository::item)
                .optional();
    }

    long count(long taskId) {
        return jdbc.sql("select count(*) from checklist_items where task_id = :task")
                .param("task", taskId)
                .query(Long.class)
                .single();
    }

    ChecklistItem insert(
            long ws,
            long taskId,
            long position,
            String text,
            boolean done,
            String assignee,
            java.time.Instant due,
            String actor,
            java.time.Instant createdAt) {
        return jdbc.sql("""
                insert into checklist_items (workspace_id, task_id, position, text, done, assignee, due_date, created_by,
                                             created_at)
                values (:ws, :task, :position, :text, :done, :assignee, :due, :actor, coalesce(:createdAt, now()))
                returning\s""" + COLUMNS)
                .param("ws", ws)
                .param("task", taskId)
                .param("position", position)
                .param("text", text)
                .param("done", done)
                .param("assignee", assignee)
                .param("due", TaskRepository.timestamp(due))
                .param("actor", actor)
                .param("createdAt", TaskRepository.timestamp(createdAt))
                .query(ChecklistRepository::item)
                .single();
    }

    ChecklistItem update(ChecklistItem i) {
        return jdbc.sql("""
                update checklist_items set position = :position, text = :text, done = :done, assignee = :assignee,
                       due_date = :due
                where id = :id
                returning\s""" + COLUMNS)
                .param("id", i.id())
                .param("position", i.position())
                .param("text", i.text())
                .param("done", i.done())
                .param("assignee", i.assignee())
                .param("due", TaskRepository.timestamp(i.dueDate()))
                .query(ChecklistRepository::item)
                .single();
    }

    void delete(long id) {
        jdbc.sql("delete from checklist_items where id = :id").param("id", id).update();
    }

    /** Up to two positions of the checklist from {@code offset}, in order, leaving one item out. */
    List<Long> positionsFrom(long taskId, long leftOut, long offset) {
        return jdbc.sql("""
                select position from checklist_items where task_id = :task and id <> :self
                order by position offset :offset limit 2
                """)
                .param("task", taskId)
                .param("self", leftOut)
                .param("offset", offset)
                .query(Long.class)
                .list();
    }

    /** The nearest position before ({@code before}) or after the given one, leaving one item out; null at an end. */
    Long neighbour(long taskId, long leftOut, long position, boolean before) {
        String sql = before
                ? "select max(position) from checklist_items where task_id = :task and id <> :self and position < :p"
                : "select min(position) from checklist_items where task_id = :task and id <> :self and position > :p";
        return jdbc.sql(sql)
                .param("task", taskId)
                .param("self", leftOut)
                .param("p", position)
                .query((rs, n) -> (Long) rs.getObject(1))
                .list()
                .getFirst();
    }

    /** Renumbers the checklist GAP apart in its current order (the caller holds the task's lock). */
    void renumber(long taskId) {
        jdbc.sql("set constraints checklist_items_position_unique deferred").update();
        jdbc.sql("""
                update checklist_items i set position = s.rn * :gap
                from (select id, row_number() over (order by position) as rn from checklist_items where task_id = :task) s
                where i.id = s.id
                """).param("gap", Position.GAP).param("task", taskId).update();
        jdbc.sql("set constraints checklist_items_position_unique immediate").update();
    }

    /** A new version of the task for a change of its checklist (the trigger bumps it and updated_at). */
    void touchTask(long taskId) {
        jdbc.sql("update tasks set version = version + 1 where id = :id")
                .param("id", taskId)
                .update();
    }

    private static ChecklistItem item(ResultSet rs, int n) throws SQLException {
        return new ChecklistItem(
                rs.getLong("id"),
                rs.getLong("task_id"),
                rs.getLong("position"),
                rs.getString("text"),
                rs.getBoolean("done"),
                rs.getString("assignee"),
                TaskRepository.instant(rs.getTimestamp("due_date")),
                rs.getString("created_by"),
                TaskRepository.instant(rs.getTimestamp("created_at")),
                TaskRepository.instant(rs.getTimestamp("updated_at")));
    }
}
