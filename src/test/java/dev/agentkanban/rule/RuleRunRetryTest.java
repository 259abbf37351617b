package dev.agentkanban.rule;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.task.TaskFixtures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.dao.EmptyResultDataAccessException;
import tools.jackson.databind.JsonNode;

/**
 * A rule run that fails for a reason other than a refused action (here a database error raised by a
 * trigger the test installs on the run log: the run's own transaction cannot commit) is retried after
 * a doubling backoff, a bounded number of times (5 by default), then recorded as failed with the
 * reason in the run log; meanwhile the other rules' runs go ahead.
 */
class RuleRunRetryTest extends ApiTest {

    long rule(long board, String name, String tag) {
        Response r = http.post(
                "/api/v1/boards/" + board + "/rules",
                obj(
                        "name",
                        name,
                        "trigger",
                        obj("type", "task_created"),
                        "actions",
                        List.of(obj("type", "add_tag", "tag", tag))));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.id();
    }

    Map<String, Object> run(long rule) {
        return jdbc.sql("""
                select status, attempts, detail, next_attempt_at > now() as waiting from rule_runs where rule_id = :r
                """).param("r", rule).query().singleRow();
    }

    JsonNode logged(long board, long rule) {
        return http.get("/api/v1/boards/" + board + "/rules/" + rule + "/runs")
                .json()
                .get("items")
                .get(0);
    }

    @Test
    void aRunBrokenByTheDatabaseIsRetriedWithABackoffThenMarkedFailedWithTheReason() {
        TaskFixtures fx = new TaskFixtures(http);
        long[] b = fx.board("Broken rule runs");
        long broken = rule(b[0], "Broken", "never");
        long fine = rule(b[0], "Fine", "tagged");
        jdbc.sql("""
                create function test_rule_run_fault() returns trigger language plpgsql as $$
                begin raise exception 'disk full (test)'; end $$
                """).update();
        jdbc.sql("create trigger test_rule_run_fault before update on rule_runs for each row"
                        + " when (new.status in ('applied', 'skipped') and new.rule_id = " + broken + ")"
                        + " execute function test_rule_run_fault()")
                .update();
        try {
            long task = fx.task(b[0], "starts both rules");

            for (int attempt = 1; attempt < 5; attempt++) {
                int done = attempt;
                await("attempt " + attempt)
                        .atMost(Duration.ofSeconds(30))
                        // the run is recorded by the rules' fan-out after the task's commit: until then there is no row
                        .ignoreException(EmptyResultDataAccessException.class)
                        .until(() -> ((Number) run(broken).get("attempts")).intValue() == done);
                Map<String, Object> r = run(broken);
                assertThat(r.get("status")).isEqualTo("pending");
                assertThat(r.get("waiting")).as("waits for its backoff").isEqualTo(true);
                assertThat((String) r.get("detail"))
                        .contains(
                                "attempt " + attempt + " of 5 failed, next in " + (5 << (attempt - 1)) + " s",
                                "disk full (test)");
                if (attempt == 1) {
                    // the other rule's run is not held up behind it, and the broken run kept nothing
                    await().atMost(Duration.ofSeconds(30))
                            .ignoreException(EmptyResultDataAccessException.class)
                            .until(() -> run(fine).get("status").equals("applied"));
                    assertThat(fx.get(task).get("tags").toString())
                            .contains("tagged")
                            .doesNotContain("never");
                    assertThat(logged(b[0], broken).get("attempts").asInt()).isEqualTo(1);
                }
                // its time has come (rather than waiting 5, 10, 20, 40 seconds)
                jdbc.sql("update rule_runs set next_attempt_at = now() where rule_id = :r")
                        .param("r", broken)
                        .update();
            }

            await("given up")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> run(broken).get("status").equals("failed"));
            Map<String, Object> r = run(broken);
            assertThat(r.get("attempts")).isEqualTo(5);
            JsonNode log = logged(b[0], broken);
            assertThat(log.get("status").asString()).isEqualTo("failed");
            assertThat(log.get("detail").asString())
                    .startsWith("failed 5 times, gave up: ")
                    .contains("disk full (test)");
            assertThat(log.get("finished_at").isNull()).isFalse();
            assertThat(fx.get(task).get("tags").toString()).doesNotContain("never");
        } finally {
            jdbc.sql("drop trigger if exists test_rule_run_fault on rule_runs").update();
            jdbc.sql("drop function if exists test_rule_run_fault()").update();
        }
    }
}
