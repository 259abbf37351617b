package dev.agentkanban.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class EventRetentionTest extends ApiTest {

    @Autowired
    EventRetention retention;

    @Autowired
    ChangeFeed feed;

    @AfterAll
    void forgetThePurge() {
        jdbc.sql("delete from outbox_retention").update();
    }

    @Test
    void eventsOlderThanRetentionAreDeletedAndAnOlderCursorIsGone() throws Exception {
        long first = event("40 days");
        long last = event("31 days");
        long recent = event("29 days");
        awaitFinal(recent);

        assertThat(retention.purge()).isEqualTo(2);

        assertThat(jdbc.sql("select id from outbox_events where id >= :first order by id")
                        .param("first", first)
                        .query(Long.class)
                        .list())
                .containsExactly(recent);
        Response gone = http.get("/api/v1/events?after=" + (first - 1));
        assertThat(gone.status()).isEqualTo(410);
        assertThat(gone.header("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
        assertThat(gone.json().get("type").asString()).endsWith("/cursor-expired");
        assertThat(gone.json().get("detail").asString()).contains("retention");
        assertThat(gone.json().get("oldest_cursor").asLong()).isEqualTo(last);

        Response fromOldest = http.get("/api/v1/events");
        assertThat(fromOldest.status()).isEqualTo(200);
        assertThat(fromOldest.json().get("items").get(0).get("event_id").asLong())
                .isEqualTo(recent);
        assertThat(http.get("/api/v1/events?after=" + last).status()).isEqualTo(200);
    }

    @Test
    void nothingOldEnoughMeansNothingIsPurged() throws Exception {
        jdbc.sql("delete from outbox_events where occurred_at < now() - interval '30 days'")
                .update();
        long recent = event("1 day");
        awaitFinal(recent);

        try {
            assertThat(retention.purge()).isZero();
            assertThat(jdbc.sql("select count(*) from outbox_events where id = :id")
                            .param("id", recent)
                            .query(Long.class)
                            .single())
                    .isEqualTo(1);
        } finally {
            // another test purges everything up to its own old events, whose ids come after this one
            jdbc.sql("delete from outbox_events where id = :id")
                    .param("id", recent)
                    .update();
        }
    }

    /** Waits until the outbox is final up to {@code id} (other transactions on the server may hold it back briefly). */
    private void awaitFinal(long id) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (feed.horizon() < id) {
            assertThat(System.nanoTime()).as("horizon reaches " + id).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private long event(String age) {
        return jdbc.sql("""
                insert into outbox_events (workspace_id, type, actor, payload, occurred_at)
                values (:ws, 'task_updated', 'tester', '{}', now() - cast(:age as interval)) returning id
                """)
                .param("ws", defaultWorkspace)
                .param("age", age)
                .query(Long.class)
                .single();
    }
}
