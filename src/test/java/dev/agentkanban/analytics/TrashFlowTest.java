package dev.agentkanban.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.analytics.History.Board;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The trash and the archive in the flow figures, on a constructed week (Monday 2026-02-02 .. Sunday
 * 2026-02-08, UTC) of one board with columns To Do, In Progress, Done, worked out by hand:
 * <pre>
 * T1 created 02 09:00 To Do; 03 09:00 In Progress; to the trash 04 12:00; restored 06 08:00 (into
 *    In Progress); 07 10:00 Done, completed                              lead 121 h, cycle 97 h
 * T2 created 02 10:00 In Progress; 03 10:00 Done, completed; to the trash 05 10:00, still there
 *                                                                         lead 24 h, cycle 24 h
 * T3 created 02 11:00 To Do; 04 11:00 Done, completed; archived 05 11:00  lead 48 h, no cycle
 * T4 created 03 12:00 In Progress (status in progress); archived 05 12:00 there
 * </pre>
 * Cumulative flow shows the board as it was each day: a task counts up to its trip to the trash and
 * again from its restore; an archived task stays in the column it was archived from. Completions
 * leave out T2 (in the trash) unless include_trashed=true. Aging work leaves out T4 (archived). Every
 * task carries epic E, so {@code epic=E} gives the same numbers from the trail itself.
 */
class TrashFlowTest extends ApiTest {

    private Board b;
    private long t1;
    private long t2;
    private long t3;

    private static Instant at(String dayTime) {
        return Instant.parse("2026-02-" + dayTime + ":00Z");
    }

    @BeforeAll
    void history() {
        History h = new History(jdbc, http);
        b = h.board("Trash flow", "To Do", "todo", "In Progress", "in_progress", "Done", "done");
        long td = b.col(0), ip = b.col(1), dn = b.col(2);

        t1 = h.task(b, dn, "completed", at("02T09:00"), at("07T10:00"), "E");
        h.created(t1, b, td, at("02T09:00"));
        h.moved(t1, b, td, ip, at("03T09:00"));
        h.status(t1, b, "pending", "in_progress", ip, at("03T09:00"));
        h.deleted(t1, b, ip, at("04T12:00"));
        h.restored(t1, b, ip, at("06T08:00"));
        h.moved(t1, b, ip, dn, at("07T10:00"));
        h.status(t1, b, "in_progress", "completed", dn, at("07T10:00"));

        t2 = h.task(b, dn, "completed", at("02T10:00"), at("03T10:00"), "E");
        h.offBoard(t2, true);
        h.created(t2, b, ip, at("02T10:00"));
        h.moved(t2, b, ip, dn, at("03T10:00"));
        h.status(t2, b, "in_progress", "completed", dn, at("03T10:00"));
        h.deleted(t2, b, dn, at("05T10:00"));

        t3 = h.task(b, dn, "completed", at("02T11:00"), at("04T11:00"), "E");
        h.offBoard(t3, false);
        h.created(t3, b, td, at("02T11:00"));
        h.moved(t3, b, td, dn, at("04T11:00"));
        h.status(t3, b, "pending", "completed", dn, at("04T11:00"));
        h.archived(t3, b, dn, at("05T11:00"));

        long t4 = h.task(b, ip, "in_progress", at("03T12:00"), null, "E");
        h.offBoard(t4, false);
        h.created(t4, b, ip, at("03T12:00"));
        h.archived(t4, b, ip, at("05T12:00"));
    }

    private JsonNode flow(String query) {
        Response r = http.get("/api/v1/analytics/boards/" + b.id() + "/flow?from=2026-02-02&to=2026-02-08" + query);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static List<List<Long>> counts(JsonNode report) {
        List<List<Long>> out = new ArrayList<>();
        for (JsonNode day : report.get("cumulative_flow")) {
            out.add(day.get("counts").valueStream().map(JsonNode::asLong).toList());
        }
        return out;
    }

    @Test
    void cumulativeFlowFollowsTheTrashAndKeepsArchivedTasks() {
        for (String query : List.of("", "&epic=E")) {
            assertThat(counts(flow(query)))
                    .as(query)
                    .containsExactly(
                            List.of(2L, 1L, 0L), // T1, T3 to do; T2 in progress
                            List.of(1L, 2L, 1L), // T1, T4 in progress; T2 done
                            List.of(0L, 1L, 2L), // T1 in the trash; T3 done
                            List.of(0L, 1L, 1L), // T2 in the trash; T3 and T4 archived where they were
                            List.of(0L, 2L, 1L), // T1 restored into In Progress
                            List.of(0L, 1L, 2L), // T1 done
                            List.of(0L, 1L, 2L));
        }
    }

    @Test
    void completionsLeaveOutTheTrashUnlessAsked() {
        for (String query : List.of("", "&epic=E")) {
            JsonNode r = flow(query);
            assertThat(r.get("throughput_daily").findValues("completed").stream()
                            .map(JsonNode::asLong))
                    .as(query)
                    .containsExactly(0L, 0L, 1L, 0L, 0L, 1L, 0L);
            assertThat(r.get("completed").findValues("task_id").stream().map(JsonNode::asLong))
                    .containsExactly(t3, t1);
            // lead times 172,800 (T3) and 435,600 (T1): p50 halfway
            assertThat(r.get("lead_time").get("p50_seconds").asDouble()).isEqualTo(304_200);
            // cycle time: T1 only, from its first entry into In Progress (the trash does not restart it)
            assertThat(r.get("cycle_time").get("count").asLong()).isEqualTo(1);
            assertThat(r.get("cycle_time").get("p50_seconds").asDouble()).isEqualTo(349_200);
            // T4 is archived: no longer work in progress on the board
            assertThat(r.get("aging_wip").get("tasks")).isEmpty();

            JsonNode all = flow(query + "&include_trashed=true");
            assertThat(all.get("throughput_daily").findValues("completed").stream()
                            .map(JsonNode::asLong))
                    .containsExactly(0L, 1L, 1L, 0L, 0L, 1L, 0L);
            assertThat(all.get("completed").findValues("task_id").stream().map(JsonNode::asLong))
                    .containsExactly(t2, t3, t1);
            // lead times 86,400 (T2), 172,800, 435,600
            assertThat(all.get("lead_time").get("p50_seconds").asDouble()).isEqualTo(172_800);
            assertThat(all.get("filter").get("include_trashed").asBoolean()).isTrue();
            assertThat(counts(all)).isEqualTo(counts(r));
        }
    }

    @Test
    void aRestoreThroughTheApiBringsTheTaskBackIntoTheFlow() {
        Response created =
                http.post("/api/v1/tasks", dev.agentkanban.support.Http.obj("board_id", b.id(), "title", "round trip"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long id = created.id();
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        String cfd = "/api/v1/analytics/boards/" + b.id() + "/flow?from=" + today + "&to=" + today;
        long before = todayTotal(cfd);
        assertThat(http.delete("/api/v1/tasks/" + id).status()).isEqualTo(204);
        assertThat(todayTotal(cfd)).isEqualTo(before - 1);
        Response restored = http.post("/api/v1/tasks/" + id + "/restore", java.util.Map.of());
        assertThat(restored.status()).as(restored.body()).isEqualTo(200);
        assertThat(todayTotal(cfd)).isEqualTo(before);
        assertThat(jdbc.sql("select deleted_at is null and cur_column is not null from flow_tasks where task_id = :id")
                        .param("id", id)
                        .query(Boolean.class)
                        .single())
                .isTrue();
    }

    private long todayTotal(String path) {
        Response r = http.get(path);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json()
                .get("cumulative_flow")
                .get(0)
                .get("counts")
                .valueStream()
                .mapToLong(JsonNode::asLong)
                .sum();
    }
}
