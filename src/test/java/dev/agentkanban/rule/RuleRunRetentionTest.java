package dev.agentkanban.rule;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.HeldLock;
import dev.agentkanban.task.TaskFixtures;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The run log's retention on rows back-dated in the database: finished runs older than 90 days go,
 * newer ones stay, a due-date run stays while its task keeps that due date (it is the scan's claim),
 * and while another instance holds the sweep's lock this one deletes nothing.
 */
class RuleRunRetentionTest extends ApiTest {

    @Autowired
    RuleRunRetention retention;

    @Autowired
    DataSource dataSource;

    void run(long rule, long task, Long event, String dueAt, String finishedAgo) {
        jdbc.sql("""
                insert into rule_runs (workspace_id, rule_id, event_id, task_id, due_at, depth, status, queued_at, finished_at)
                values (:ws, :rule, :event, :task, cast(:due as timestamptz), 1, 'applied',
                        now() - cast(:ago as interval), now() - cast(:ago as interval))
                """)
                .param("ws", defaultWorkspace)
                .param("rule", rule)
                .param("event", event)
                .param("task", task)
                .param("due", dueAt)
                .param("ago", finishedAgo)
                .update();
    }

    List<String> left(long rule) {
        return jdbc.sql("""
                select coalesce(event_id::text, 'due ' || to_char(due_at at time zone 'UTC', 'YYYY-MM-DD'))
                from rule_runs where rule_id = :rule order by id
                """).param("rule", rule).query(String.class).list();
    }

    @Test
    void finishedRunsOlderThanTheRetentionAreDeletedByOneInstanceAtATime() throws Exception {
        TaskFixtures fx = new TaskFixtures(http);
        long[] b = fx.board("Retained runs");
        long rule = http.post(
                        "/api/v1/boards/" + b[0] + "/rules",
                        obj(
                                "name",
                                "Never fires",
                                "enabled",
                                false,
                                "trigger",
                                obj("type", "task_moved", "column_id", b[3]),
                                "actions",
                                List.of(obj("type", "add_tag", "tag", "moved"))))
                .id();
        long kept = fx.task(b[0], "still due", "due_date", "2026-01-10T00:00:00Z");
        long moved = fx.task(b[0], "due later now", "due_date", "2026-03-01T00:00:00Z");
        run(rule, kept, 900001L, null, "100 days");
        run(rule, kept, 900002L, null, "89 days");
        run(rule, kept, null, "2026-01-10T00:00:00Z", "120 days");
        run(rule, moved, null, "2026-01-20T00:00:00Z", "110 days");

        try (HeldLock other = HeldLock.hold(dataSource, RuleRunRetention.LOCK)) {
            assertThat(retention.purge(Instant.now()))
                    .as("another instance is at it")
                    .isEqualTo(-1);
            assertThat(left(rule)).hasSize(4);
        }

        assertThat(retention.purge(Instant.now())).isEqualTo(2);
        assertThat(left(rule)).containsExactly("900002", "due 2026-01-10");
        assertThat(retention.purge(Instant.now())).isZero();
    }
}
