package dev.agentkanban.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.HeldLock;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Notification retention on rows back-dated in the database: read notifications go after 90 days,
 * unread ones after 365, and while another instance holds the sweep's lock this one deletes nothing.
 */
class NotificationRetentionTest extends ApiTest {

    @Autowired
    NotificationRetention retention;

    @Autowired
    DataSource dataSource;

    private long event = 900000;

    void notification(String title, String ago, boolean read) {
        jdbc.sql("""
                insert into notifications (workspace_id, user_id, event_id, kind, actor, title, created_at, read_at)
                values (:ws, :user, :event, 'assigned', 'tester', :title,
                        now() - cast(:ago as interval), case when :read then now() - cast(:ago as interval) end)
                """)
                .param("ws", defaultWorkspace)
                .param("user", admin.id())
                .param("event", ++event)
                .param("title", title)
                .param("ago", ago)
                .param("read", read)
                .update();
    }

    List<String> left() {
        return jdbc.sql("select title from notifications where user_id = :u order by id")
                .param("u", admin.id())
                .query(String.class)
                .list();
    }

    @Test
    void oldNotificationsAreDeletedReadOnesSoonerByOneInstanceAtATime() throws Exception {
        notification("read long ago", "91 days", true);
        notification("read lately", "89 days", true);
        notification("unread for a while", "200 days", false);
        notification("unread for over a year", "366 days", false);

        try (HeldLock other = HeldLock.hold(dataSource, NotificationRetention.LOCK)) {
            assertThat(retention.purge(Instant.now()))
                    .as("another instance is at it")
                    .isEqualTo(-1);
            assertThat(left()).hasSize(4);
        }

        assertThat(retention.purge(Instant.now())).isEqualTo(2);
        assertThat(left()).containsExactly("read lately", "unread for a while");
        assertThat(http.get("/api/v1/notifications").json().toString()).doesNotContain("long ago");
    }
}
