package dev.agentkanban.events;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import org.junit.jupiter.api.Test;

/** Followers of the change feed report their position, and the health's worker lag follows from it. */
class FeedFollowersApiTest extends ApiTest {

    private long lag() {
        return http.get("/api/v1/health").json().get("worker_lag").asLong(-1);
    }

    private long newestEvent() {
        return jdbc.sql("select coalesce(max(id), 0) from outbox_events")
                .query(Long.class)
                .single();
    }

    @Test
    void theLagIsTheAgeOfTheOldestEventAFollowerHasNotProcessed() {
        jdbc.sql("delete from feed_followers").update();
        assertThat(http.get("/api/v1/health").json().get("worker_lag").isNull()).isTrue();
        Http worker = clientFor("lagging-worker", defaultWorkspace, Role.AGENT, "read", "write");
        long board = http.post("/api/v1/boards", obj("name", "Followed")).id();

        assertThat(worker.put("/api/v1/events/progress", obj("cursor", newestEvent()))
                        .status())
                .isEqualTo(204);
        assertThat(lag()).isZero();

        jdbc.sql("""
                insert into outbox_events (workspace_id, board_id, type, actor, payload, occurred_at)
                values (:ws, :board, 'board_updated', 'tester', '{}', now() - interval '2 minutes')
                """).param("ws", defaultWorkspace).param("board", board).update();
        assertThat(lag()).isBetween(120L, 180L);

        assertThat(worker.put("/api/v1/events/progress", obj("cursor", newestEvent()))
                        .status())
                .isEqualTo(204);
        assertThat(lag()).isZero();
        assertThat(jdbc.sql("select follower from feed_followers")
                        .query(String.class)
                        .list())
                .containsExactly("lagging-worker");
    }

    @Test
    void aBadReportIsRefusedAndChangesNothing() {
        long before = count("feed_followers");
        assertThat(http.put("/api/v1/events/progress", obj("cursor", -1)).status())
                .isEqualTo(422);
        assertThat(http.put("/api/v1/events/progress", obj()).status()).isEqualTo(422);
        assertThat(http.put("/api/v1/events/progress", "{\"cursor\": ").status())
                .isEqualTo(400);
        Http viewer = clientFor("feed-viewer", defaultWorkspace, Role.VIEWER);
        assertThat(viewer.put("/api/v1/events/progress", obj("cursor", 1)).status())
                .isEqualTo(403);
        assertThat(count("feed_followers")).isEqualTo(before);
    }
}
