package dev.agentkanban.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.support.AppInstance;
import dev.agentkanban.support.TestDatabase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The retention job through its schedule (every 0.2 s here instead of every hour), not called by the
 * test: events older than the retention period go, the newer ones stay, and the purge is remembered.
 * On a database of its own, so that its schedule cannot reach the events of other tests.
 */
class EventRetentionScheduleTest {

    @Test
    void theScheduledJobDeletesExpiredEventsByItself() {
        try (AppInstance app = AppInstance.startOn(
                TestDatabase.get().another(),
                List.of(),
                "kanban.events.retention-check=PT0.2S",
                "kanban.events.retention-initial-delay=PT0.2S")) {
            JdbcClient jdbc = app.context.getBean(JdbcClient.class);
            long old = event(jdbc, "40 days");
            long expired = event(jdbc, "31 days");
            long recent = event(jdbc, "29 days");

            await("the scheduled purge")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> jdbc.sql("select purged_through from outbox_retention")
                                    .query(Long.class)
                                    .optional()
                                    .orElse(0L)
                            >= expired);

            assertThat(jdbc.sql("select id from outbox_events where id >= :old order by id")
                            .param("old", old)
                            .query(Long.class)
                            .list())
                    .containsExactly(recent);
            assertThat(jdbc.sql("select purged_through from outbox_retention")
                            .query(Long.class)
                            .single())
                    .isEqualTo(expired);
        }
    }

    private static long event(JdbcClient jdbc, String age) {
        return jdbc.sql("""
                insert into outbox_events (workspace_id, type, actor, payload, occurred_at)
                select id, 'task_updated', 'tester', '{}', now() - cast(:age as interval) from workspaces where slug = 'default'
                returning id
                """).param("age", age).query(Long.class).single();
    }
}
