package dev.agentkanban.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * V57 on a database that already has tasks with parts: upgrading sets each task's {@code view_parts}
 * bits from the parts it has, also where the migration runs as the tables' owner without being a
 * superuser (row-level security is forced on the owner too), and leaves tasks without parts at 0.
 */
class ViewPartsMigrationTest {

    @Test
    void upgradingSetsTheBitsOfTheTasksThatHaveParts() {
        try (OldTasks old = new OldTasks("56", 6)) {
            JdbcClient jdbc = old.jdbc;
            long ws = old.ws;
            long[] t = old.tasks;
            old.id("insert into comments (workspace_id, task_id, author, body) values (?, ?, 'old', 'hi')", ws, t[0]);
            long tag = old.id("insert into tags (workspace_id, name) values (?, 'old tag')", ws);
            jdbc.sql("insert into task_tags (workspace_id, task_id, tag_id) values (?, ?, ?)")
                    .params(ws, t[0], tag)
                    .update();
            old.id(
                    "insert into task_relations (workspace_id, kind, from_task_id, to_task_id) values (?, 'blocks', ?, ?)",
                    ws,
                    t[1],
                    t[2]);
            old.id(
                    "insert into task_relations (workspace_id, kind, from_task_id, to_task_id) values (?, 'parent', ?, ?)",
                    ws,
                    t[3],
                    t[4]);
            old.id(
                    "insert into checklist_items (workspace_id, task_id, position, text) values (?, ?, 1, 'item')",
                    ws,
                    t[1]);
            long user = old.id("insert into users (username, display_name) values ('ann', 'Ann')");
            jdbc.sql("insert into memberships (workspace_id, user_id, role) values (?, ?, 'member')")
                    .params(ws, user)
                    .update();
            jdbc.sql("insert into task_assignees (workspace_id, task_id, user_id) values (?, ?, ?)")
                    .params(ws, t[4], user)
                    .update();

            // to V57 and what followed it before V62 (which keeps the tags on the row: TagsOnTheRowTest)
            old.migrate("60");

            Map<Long, Integer> bits = jdbc
                    .sql("select id, view_parts from tasks")
                    .query((rs, n) -> Map.entry(rs.getLong(1), rs.getInt(2)))
                    .list()
                    .stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            assertThat(bits)
                    .containsExactlyInAnyOrderEntriesOf(Map.of(
                            t[0], 1 | 2, // comment, tag
                            t[1], 32, // checklist (blocking another is not a part of the blocker)
                            t[2], 4, // blocked
                            t[3], 16, // has a subtask
                            t[4], 8 | 64, // has a parent, an assignee
                            t[5], 0));
            // and the parts read through the bits are there
            assertThat(jdbc.sql("select p.comment_count || ' ' || p.tags from tasks t,"
                                    + " task_parts(t.id, t.view_parts, t.board_id, t.custom_fields) p where t.id = ?")
                            .params(t[0])
                            .query(String.class)
                            .single())
                    .startsWith("1 [{\"id\":" + tag + ",\"name\":\"old tag\"");
        }
    }
}
