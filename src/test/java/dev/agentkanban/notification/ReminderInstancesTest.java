package dev.agentkanban.notification;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.AppInstance;
import dev.agentkanban.support.Http;
import dev.agentkanban.task.TaskFixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reminders with several instances (issue 15): two more app instances scan the same database every 50
 * ms besides this test's own; when fifty tasks fall due at the same moment, each task still gets
 * exactly one reminder event, and its assignee and its creator (who watches it) exactly one notification
 * each, because the reminder is claimed in the database (task, kind and due date), not remembered by an
 * instance. (The test was disabled once because it expected one notification per task: the creator's
 * was counted as a second reminder; the product sent each exactly once.)
 */
class ReminderInstancesTest extends ApiTest {

    static final int TASKS = 50;

    @Test
    void twoInstancesNeverSendAReminderTwice() {
        Http ann = clientFor("ann", defaultWorkspace, Role.MEMBER);
        TaskFixtures fx = new TaskFixtures(http);
        long board = fx.board("Due together")[0];
        List<Long> tasks = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            tasks.add(fx.task(board, "due together " + i, "assignee", "ann", "due_date", "2099-01-01T00:00:00Z"));
        }
        Long[] ids = tasks.toArray(Long[]::new);
        try (AppInstance a = AppInstance.start("kanban.reminders.interval=PT0.05S");
                AppInstance b = AppInstance.start("kanban.reminders.interval=PT0.05S")) {
            // all fall due at once (one statement), for every scanner at the same time
            jdbc.sql("update tasks set due_date = now() + interval '1 hour' where id = any(:ids)")
                    .param("ids", ids)
                    .update();
            // each task's reminder reaches its assignee and its creator (who watches it): two per task
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> dueSoonNotifications(ids) == 2 * TASKS);
            // the three scanners keep running: for a while after, no reminder event and no notification
            // is added (instances racing for one reminder would have appended its event twice)
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> events(ids) == TASKS && dueSoonNotifications(ids) == 2 * TASKS);
            // instances racing for one reminder would have appended its event twice by now
            assertThat(events(ids)).isEqualTo(TASKS);
            assertThat(jdbc.sql("""
                            select count(*) - count(distinct (user_id, task_id)) from notifications
                            where kind = 'due_soon' and task_id = any(:ids)
                            """).param("ids", ids).query(Long.class).single())
                    .as("nobody has two due-soon notifications of one task")
                    .isZero();
            assertThat(jdbc.sql("select count(*) from task_reminders where task_id = any(:ids)")
                            .param("ids", ids)
                            .query(Long.class)
                            .single())
                    .isEqualTo(TASKS);
            List<String> kinds = new ArrayList<>();
            ann.get("/api/v1/notifications?unread=true&limit=500")
                    .json()
                    .get("items")
                    .forEach(n -> kinds.add(n.get("kind").asString()));
            assertThat(kinds.stream().filter("due_soon"::equals).count()).isEqualTo(TASKS);
        }
        assertThat(http.post("/api/v1/tasks/" + tasks.getFirst() + "/complete", obj())
                        .status())
                .isEqualTo(200);
    }

    long events(Long[] ids) {
        return jdbc.sql("select count(*) from outbox_events where type = 'task_due_soon' and task_id = any(:ids)")
                .param("ids", ids)
                .query(Long.class)
                .single();
    }

    long dueSoonNotifications(Long[] ids) {
        return jdbc.sql("select count(*) from notifications where kind = 'due_soon' and task_id = any(:ids)")
                .param("ids", ids)
                .query(Long.class)
                .single();
    }
}
