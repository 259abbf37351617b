package dev.agentkanban.analytics;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.analytics.FlowMetrics.Part;
import dev.agentkanban.analytics.FlowMetrics.Source;
import dev.agentkanban.analytics.FlowReport.AgingTask;
import dev.agentkanban.analytics.FlowReport.AgingWip;
import dev.agentkanban.analytics.History.Board;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The kept flow figures (V30__flow_figures.sql: spans, per-task summaries and counters maintained by
 * a trigger on task_history) give exactly what rebuilding the tasks from their trail gives, on a
 * history built to be awkward: moves back and forth, a task reopened and completed again, deletions
 * (one of a completed task), a task that changes board and comes back, rows inserted out of order,
 * several moves in one quarter hour and at one instant, events at local midnights, a trail replaced
 * as a restore does, a trail that does not start at the creation, a column whose kind changes after
 * the fact, and tasks written through the API. Compared for every table, in zones with whole-,
 * half- and quarter-hour offsets and across a daylight-saving change; then the figures rebuilt from
 * history by flow_rebuild equal those the trigger kept.
 */
class FlowFiguresTest extends ApiTest {

    @Autowired
    FlowMetrics metrics;

    private Board b;
    private Board other;

    private static Instant at(String dayTime) {
        return Instant.parse("2026-03-" + dayTime + ":00Z");
    }

    @BeforeAll
    void history() {
        History h = new History(jdbc, http);
        b = h.board(
                "Figures",
                "Backlog",
                "backlog",
                "To Do",
                "todo",
                "Doing",
                "in_progress",
                "Review",
                "review",
                "Done",
                "done");
        other = h.board("Other", "Inbox", "todo", "Work", "in_progress", "Shipped", "done");
        long bl = b.col(0), td = b.col(1), ip = b.col(2), rv = b.col(3), dn = b.col(4);

        // back and forth, completed, reopened, completed again
        long p = h.task(b, dn, "completed", at("02T09:00"), at("12T10:00"), "E1");
        h.created(p, b, td, at("02T09:00"));
        h.moved(p, b, td, ip, at("03T10:00"));
        h.moved(p, b, ip, td, at("04T11:00"));
        h.moved(p, b, td, ip, at("05T12:00"));
        h.moved(p, b, ip, dn, at("06T13:00"));
        h.status(p, b, "in_progress", "completed", dn, at("06T13:00"));
        h.moved(p, b, dn, rv, at("08T08:00"));
        h.status(p, b, "completed", "in_progress", rv, at("08T08:00"));
        h.moved(p, b, rv, dn, at("12T10:00"));
        h.status(p, b, "in_progress", "completed", dn, at("12T10:00"));

        // leaves for the other board, works there, comes back and completes here
        long q = h.task(b, dn, "completed", at("01T23:50"), at("14T00:00"), null);
        h.created(q, b, bl, at("01T23:50"));
        h.moved(q, other, bl, other.col(1), at("04T00:00"));
        h.moved(q, b, other.col(1), ip, at("09T18:30")); // midnight in Kolkata
        h.moved(q, b, ip, dn, at("14T00:00"));
        h.status(q, b, "pending", "completed", dn, at("14T00:00"));

        // deleted in review; deleted after completing
        long r = 990_001;
        h.created(r, b, td, at("03T05:00"));
        h.moved(r, b, td, rv, at("05T05:00"));
        h.deleted(r, b, rv, at("07T15:15"));
        long s = 990_002;
        h.created(s, b, ip, at("04T06:00"));
        h.moved(s, b, ip, dn, at("06T06:00"));
        h.status(s, b, "in_progress", "completed", dn, at("06T06:00"));
        h.deleted(s, b, dn, at("10T06:00"));

        // rows written out of order: the later move arrives first
        long t = h.task(b, rv, "in_progress", at("02T12:00"), null, "E1");
        h.created(t, b, td, at("02T12:00"));
        h.moved(t, b, ip, rv, at("11T12:00"));
        h.moved(t, b, td, ip, at("05T04:30")); // 10:00 in Kolkata, 10:15 in Kathmandu
        h.status(t, b, "pending", "in_progress", ip, at("05T04:30"));

        // several moves in one quarter hour, two at the same instant
        long u = h.task(b, ip, "in_progress", at("06T10:01"), null, null);
        h.created(u, b, bl, at("06T10:01"));
        h.moved(u, b, bl, td, at("06T10:02"));
        h.moved(u, b, td, ip, at("06T10:02"));
        h.moved(u, b, ip, rv, at("06T10:14"));
        h.moved(u, b, rv, ip, at("06T10:16"));

        // around the daylight-saving change of New York (2026-03-08 07:00 UTC)
        long v = h.task(b, dn, "completed", at("07T04:59"), at("09T04:00"), null);
        h.created(v, b, ip, at("07T04:59"));
        h.moved(v, b, ip, dn, at("09T04:00"));
        h.status(v, b, "in_progress", "completed", dn, at("09T04:00"));

        // a trail replaced as a restore does: gone, then written again (in another order)
        long w = h.task(b, dn, "completed", at("03T00:00"), at("10T00:00"), null);
        h.created(w, b, td, at("03T00:00"));
        h.moved(w, b, td, dn, at("05T00:00"));
        jdbc.sql("delete from task_history where task_id = :id").param("id", w).update();
        h.moved(w, b, ip, dn, at("10T00:00"));
        h.status(w, b, "pending", "completed", dn, at("10T00:00"));
        h.moved(w, b, td, ip, at("04T00:00"));
        h.created(w, b, td, at("03T00:00"));

        // a trail that does not start with the creation: left out of the figures
        long x = h.task(b, ip, "in_progress", at("01T00:00"), null, null);
        h.moved(x, b, td, ip, at("05T00:00"));

        // completed in a column whose kind changes afterwards (its cycle time changes with it)
        long y = h.task(b, dn, "completed", at("02T00:00"), at("08T00:00"), null);
        h.created(y, b, td, at("02T00:00"));
        h.moved(y, b, td, rv, at("04T00:00"));
        h.moved(y, b, rv, dn, at("08T00:00"));
        h.status(y, b, "pending", "completed", dn, at("08T00:00"));

        // the trash: in review, to the trash, restored, completed
        long z = h.task(b, dn, "completed", at("03T00:00"), at("11T00:00"), null);
        h.created(z, b, td, at("03T00:00"));
        h.moved(z, b, td, rv, at("04T00:00"));
        h.deleted(z, b, rv, at("06T00:00"));
        h.restored(z, b, rv, at("08T12:00"));
        h.moved(z, b, rv, dn, at("11T00:00"));
        h.status(z, b, "pending", "completed", dn, at("11T00:00"));
        // completed, then in the trash now (left out of completions), and one archived where it was
        long zt = h.task(b, dn, "completed", at("02T00:00"), at("05T00:00"), null);
        h.offBoard(zt, true);
        h.created(zt, b, ip, at("02T00:00"));
        h.moved(zt, b, ip, dn, at("05T00:00"));
        h.status(zt, b, "in_progress", "completed", dn, at("05T00:00"));
        h.deleted(zt, b, dn, at("09T00:00"));
        long za = h.task(b, ip, "in_progress", at("02T00:00"), null, null);
        h.offBoard(za, false);
        h.created(za, b, ip, at("02T00:00"));
        h.archived(za, b, ip, at("07T00:00"));

        // trails of several tasks written by one statement, out of order: the set-based path
        long m1 = h.task(b, dn, "completed", at("03T08:00"), at("09T08:00"), null);
        long m2 = h.task(b, rv, "in_progress", at("04T08:00"), null, null);
        jdbc.sql("""
                insert into task_history (workspace_id, board_id, task_id, action, field, old_value, new_value, actor,
                                          column_id, occurred_at)
                select :ws, :board, x.task, x.action, x.field, x.old, x.neu, 'tester', x.col, x.at::timestamptz
                from (values
                    (:m1, 'status_changed', 'status', 'in_progress', 'completed', :dn, '2026-03-09T08:00Z'),
                    (:m2, 'moved', 'column', :ip::text, :rv::text, :rv, '2026-03-06T08:00Z'),
                    (:m1, 'created', null, null, 'title', :ip, '2026-03-03T08:00Z'),
                    (:m2, 'created', null, null, 'title', :ip, '2026-03-04T08:00Z'),
                    (:m1, 'moved', 'column', :ip::text, :dn::text, :dn, '2026-03-09T08:00Z'),
                    (:m2, 'deleted', null, 'title', null, :ip, '2026-03-05T08:00Z'),
                    (:m2, 'restored', null, 'title', null, :ip, '2026-03-05T20:00Z')
                ) as x(task, action, field, old, neu, col, at)
                """)
                .param("ws", b.workspace())
                .param("board", b.id())
                .param("m1", m1)
                .param("m2", m2)
                .param("ip", ip)
                .param("rv", rv)
                .param("dn", dn)
                .update();

        // written through the API today: created, moved along, one completed, one deleted
        for (int i = 0; i < 3; i++) {
            Response created = http.post("/api/v1/tasks", obj("board_id", b.id(), "title", "live " + i));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            long id = created.id();
            move(id, ip);
            if (i == 1) {
                move(id, dn);
            }
            if (i == 2) {
                assertThat(http.delete("/api/v1/tasks/" + id).status()).isEqualTo(204);
            }
        }
        // through the API: to the trash and back, then done; archived when done; trashed and purged
        long back = apiTask("restored", ip);
        assertThat(http.delete("/api/v1/tasks/" + back).status()).isEqualTo(204);
        Response restored = http.post("/api/v1/tasks/" + back + "/restore", obj());
        assertThat(restored.status()).as(restored.body()).isEqualTo(200);
        move(back, dn);
        long archived = apiTask("archived", dn);
        Response archive = http.post("/api/v1/tasks/" + archived + "/archive", obj());
        assertThat(archive.status()).as(archive.body()).isEqualTo(200);
        long purged = apiTask("purged", rv);
        assertThat(http.delete("/api/v1/tasks/" + purged).status()).isEqualTo(204);
        Response purge = http.delete("/api/v1/trash/" + purged);
        assertThat(purge.status()).as(purge.body()).isIn(200, 204);
    }

    private long apiTask(String title, long column) {
        Response created = http.post("/api/v1/tasks", obj("board_id", b.id(), "title", title));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        move(created.id(), column);
        return created.id();
    }

    private void move(long task, long column) {
        Response r = http.post("/api/v1/tasks/" + task + "/move", obj("column_id", column));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    @Test
    void keptFiguresEqualTheTrailInEveryZone() {
        LocalDate today = LocalDate.now(ZoneId.of("UTC"));
        for (String zone : List.of("UTC", "Asia/Kolkata", "Asia/Kathmandu", "America/New_York", "Pacific/Kiritimati")) {
            compare(LocalDate.parse("2026-02-25"), LocalDate.parse("2026-03-20"), zone);
            compare(LocalDate.parse("2026-03-05"), LocalDate.parse("2026-03-09"), zone);
            compare(today.minusDays(3), today.plusDays(1), zone);
        }
    }

    @Test
    void aColumnKindChangedAfterTheFactChangesTheCycleTimesAlike() {
        FlowReport before = report(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-20"), "UTC", Source.BEST);
        Response r = http.patch("/api/v1/boards/" + b.id() + "/columns/" + b.col(3), obj("kind", "todo"));
        assertThat(r.status()).as(r.body()).isIn(200, 204);
        try {
            FlowReport after = compare(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-20"), "UTC");
            assertThat(after.cycleTime()).isNotEqualTo(before.cycleTime());
        } finally {
            assertThat(http.patch("/api/v1/boards/" + b.id() + "/columns/" + b.col(3), obj("kind", "review"))
                            .status())
                    .isIn(200, 204);
        }
    }

    @Test
    void rebuildingFromHistoryGivesWhatTheTriggerKept() {
        Map<String, List<Map<String, Object>>> kept = tables();
        jdbc.sql("select flow_rebuild(:ws)").param("ws", b.workspace()).query().listOfRows();
        assertThat(tables()).isEqualTo(kept);
        assertThat(kept.get("flow_spans")).isNotEmpty();
    }

    @Test
    void aDeferredBulkLoadEndsWithTheFiguresTheTriggerWouldKeep(
            @Autowired FlowFigures figures, @Autowired dev.agentkanban.platform.Transactions tx) {
        History h = new History(jdbc, http);
        long ip = b.col(2), dn = b.col(4);
        long task = h.task(b, dn, "completed", at("15T00:00"), at("16T00:00"), null);
        Long seenInside = CurrentRequest.runAs(
                new RequestContext(b.workspace(), "tester", Role.MEMBER),
                () -> tx.write(() -> figures.deferred(b.workspace(), () -> {
                    h.created(task, b, ip, at("15T00:00"));
                    h.moved(task, b, ip, dn, at("16T00:00"));
                    h.status(task, b, "in_progress", "completed", dn, at("16T00:00"));
                    // skipped while loading: nothing kept for the task yet
                    return jdbc.sql("select count(*) from flow_spans where task_id = :id")
                            .param("id", task)
                            .query(Long.class)
                            .single();
                })));
        assertThat(seenInside).isZero();
        Map<String, List<Map<String, Object>>> kept = tables();
        assertThat(kept.get("flow_spans")).anyMatch(r -> ((Number) r.get("task_id")).longValue() == task);
        jdbc.sql("select flow_rebuild(:ws)").param("ws", b.workspace()).query().listOfRows();
        assertThat(tables()).isEqualTo(kept);
        compare(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-20"), "UTC");
    }

    /** The kept figures with the counters summed per key and their zero rows left out. */
    private Map<String, List<Map<String, Object>>> tables() {
        return Map.of(
                "flow_tasks",
                jdbc.sql("select * from flow_tasks order by task_id").query().listOfRows(),
                "flow_spans",
                jdbc.sql("select * from flow_spans order by task_id, ord")
                        .query()
                        .listOfRows(),
                "flow_counts",
                jdbc.sql("select board_id, bucket, column_id, sum(delta) as delta from flow_counts"
                                + " group by board_id, bucket, column_id having sum(delta) <> 0"
                                + " order by board_id, bucket, column_id")
                        .query()
                        .listOfRows(),
                "flow_counts_daily",
                jdbc.sql("select board_id, day, column_id, sum(delta) as delta from flow_counts_daily"
                                + " group by board_id, day, column_id having sum(delta) <> 0"
                                + " order by board_id, day, column_id")
                        .query()
                        .listOfRows());
    }

    private FlowReport compare(LocalDate from, LocalDate to, String zone) {
        FlowReport kept = report(from, to, zone, Source.BEST);
        FlowReport trail = report(from, to, zone, Source.HISTORY);
        assertThat(withoutAges(kept)).as(zone + " " + from + ".." + to).isEqualTo(withoutAges(trail));
        for (String table : FlowTables.NAMES) {
            FlowReport part = CurrentRequest.runAs(
                    new RequestContext(b.workspace(), "tester", Role.VIEWER),
                    () -> metrics.flow(
                            b.id(), from, to, ZoneId.of(zone), FlowFilter.NONE, FlowTables.parts(table), Source.BEST));
            if (table.equals("aging_wip")) {
                assertThat(withoutAges(part).agingWip())
                        .isEqualTo(withoutAges(trail).agingWip());
            } else {
                assertThat(FlowTables.table(part, table).rows())
                        .as(table + " " + zone)
                        .isEqualTo(FlowTables.table(trail, table).rows());
            }
        }
        return kept;
    }

    private FlowReport report(LocalDate from, LocalDate to, String zone, Source source) {
        return CurrentRequest.runAs(
                new RequestContext(b.workspace(), "tester", Role.VIEWER),
                () -> metrics.flow(
                        b.id(), from, to, ZoneId.of(zone), FlowFilter.NONE, EnumSet.allOf(Part.class), source));
    }

    /** Ages run with the clock between two readings; everything else must be identical. */
    private static FlowReport withoutAges(FlowReport r) {
        List<AgingTask> tasks = r.agingWip().tasks().stream()
                .map(t -> new AgingTask(
                        t.taskId(), t.title(), t.columnId(), t.column(), t.startedAt(), 0, 0, t.beyondP85()))
                .toList();
        return new FlowReport(
                r.boardId(),
                r.from(),
                r.to(),
                r.tz(),
                r.filter(),
                r.columns(),
                r.cumulativeFlow(),
                r.wip(),
                r.throughputDaily(),
                r.throughputWeekly(),
                r.leadTime(),
                r.cycleTime(),
                r.completed(),
                new AgingWip(r.agingWip().p85CycleTimeSeconds(), tasks));
    }
}
