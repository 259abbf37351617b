package dev.agentkanban.task;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.support.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Many writers on one board at once: nothing lost, nothing duplicated, order and history intact. */
class ConcurrentMovesTest extends ApiTest {

    @Test
    void aCompleteThatAMoveOvertakesStillEndsInTheDoneColumn() throws Exception {
        TaskFixtures fx = new TaskFixtures(http);
        long[] b = fx.board("Overtaken");
        long id = fx.task(b[0], "finish me", "column_id", b[3]);
        assertThat(http.post("/api/v1/tasks/" + id + "/complete", null).status())
                .isEqualTo(200);
        TestDatabase db = TestDatabase.get();
        CompletableFuture<Response> complete;
        try (Connection mover = DriverManager.getConnection(db.jdbcUrl, db.username, db.password)) {
            mover.setAutoCommit(false);
            try (Statement s = mover.createStatement()) {
                s.execute("select id from tasks where id = " + id + " for update");
            }
            // the complete reads the task (done, in Done: no column to move to) and waits for its lock
            complete = CompletableFuture.supplyAsync(() -> http.post("/api/v1/tasks/" + id + "/complete", null));
            await().atMost(Duration.ofSeconds(30)).until(() -> waiting() > 0);
            // meanwhile a move takes the task back to To Do, reopened
            try (Statement s = mover.createStatement()) {
                s.execute("select set_config('kanban.actor', 'mover', true), set_config('kanban.workspace_id', '"
                        + defaultWorkspace + "', true)");
                s.execute("update tasks set column_id = " + b[2]
                        + ", status = 'pending', completed_at = null, position = 987654321 where id = " + id);
            }
            mover.commit();
        }
        Response done = complete.get(30, TimeUnit.SECONDS);

        assertThat(done.status()).as(done.body()).isEqualTo(200);
        assertThat(done.json().get("status").asString()).isEqualTo("completed");
        assertThat(done.json().get("column_id").asLong())
                .as("completed, so in the done column, though it was read there before the move")
                .isEqualTo(b[4]);
    }

    /** Lock requests waiting (a row lock's wait is on a transaction id, which names no database). */
    private long waiting() {
        return jdbc.sql("select count(*) from pg_locks where not granted")
                .query(Long.class)
                .single();
    }

    @Test
    void sixteenThreadsMovingTasksLeaveEveryTaskOnceInAStrictOrderWithConsistentHistory() throws Exception {
        TaskFixtures fx = new TaskFixtures(http);
        long[] b = fx.board("Concurrency");
        long[] columns = {b[1], b[2], b[3], b[4]};
        List<Long> tasks = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            tasks.add(fx.task(b[0], "task " + i, "column_id", columns[i % columns.length]));
        }
        Instant end = Instant.now().plus(Duration.ofSeconds(3));
        AtomicInteger moves = new AtomicInteger();
        Map<Integer, Integer> failures = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < 16; w++) {
            futures.add(pool.submit(() -> {
                start.await();
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (Instant.now().isBefore(end)) {
                    long task = tasks.get(random.nextInt(tasks.size()));
                    Map<String, Object> body = obj("column_id", columns[random.nextInt(columns.length)]);
                    if (random.nextBoolean()) {
                        body.put("position", random.nextInt(12));
                    }
                    Response r = http.post("/api/v1/tasks/" + task + "/move", body);
                    if (r.status() == 200) {
                        moves.incrementAndGet();
                    } else {
                        failures.merge(r.status(), 1, Integer::sum);
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();

        assertThat(failures)
                .as("every move must succeed (no deadlock, no duplicate position)")
                .isEmpty();
        assertThat(moves.get()).isGreaterThan(16);

        // every task exactly once, in one of the board's columns
        List<Map<String, Object>> rows = jdbc.sql(
                        "select id, column_id, position from tasks where board_id = :b order by column_id, position")
                .param("b", b[0])
                .query()
                .listOfRows();
        assertThat(rows).hasSize(tasks.size());
        assertThat(rows.stream()
                        .map(r -> ((Number) r.get("id")).longValue())
                        .distinct()
                        .toList())
                .containsExactlyInAnyOrderElementsOf(tasks);

        // positions strictly increasing within each column
        Map<Long, Long> last = new HashMap<>();
        for (Map<String, Object> r : rows) {
            long col = ((Number) r.get("column_id")).longValue();
            long pos = ((Number) r.get("position")).longValue();
            if (last.containsKey(col)) {
                assertThat(pos).isGreaterThan(last.get(col));
            }
            last.put(col, pos);
        }

        // one column-change history row per successful move that changed the column, in the order of
        // the moves, from and to the columns the move's event names; the last one names the task's column
        for (Map<String, Object> r : rows) {
            long id = ((Number) r.get("id")).longValue();
            List<String> movedByEvents =
                    jdbc.sql("""
                    select (payload->>'from_column_id') || '->' || (payload->'task'->>'column_id') from outbox_events
                    where task_id = :id and type = 'task_moved' and payload->>'from_column_id' <> payload->'task'->>'column_id'
                    order by id
                    """).param("id", id).query(String.class).list();
            List<String> movedInHistory = jdbc.sql(
                            "select old_value || '->' || new_value from task_history where task_id = :id and field = 'column' order by id")
                    .param("id", id)
                    .query(String.class)
                    .list();
            assertThat(movedInHistory).as("column changes of task %d", id).isEqualTo(movedByEvents);
            if (!movedInHistory.isEmpty()) {
                assertThat(movedInHistory.getLast()).endsWith("->" + r.get("column_id"));
            }
        }
        long columnChanges = jdbc.sql("select count(*) from task_history where board_id = :b and field = 'column'")
                .param("b", b[0])
                .query(Long.class)
                .single();
        long moveEvents = jdbc.sql("select count(*) from outbox_events where board_id = :b and type = 'task_moved'")
                .param("b", b[0])
                .query(Long.class)
                .single();
        long columnChangingMoves =
                jdbc.sql("""
                select count(*) from outbox_events where board_id = :b and type = 'task_moved'
                  and payload->>'from_column_id' <> payload->'task'->>'column_id'
                """).param("b", b[0]).query(Long.class).single();
        assertThat(moveEvents).isEqualTo(moves.get());
        // a quarter of the moves pick the column the task is in: most of them change it
        assertThat(columnChangingMoves).isGreaterThan(moves.get() / 2);
        assertThat(columnChanges).as("column-change history rows").isEqualTo(columnChangingMoves);
    }

    @Test
    void twoWritersWithTheSameIfMatchExactlyOneWins() throws Exception {
        TaskFixtures fx = new TaskFixtures(http);
        long[] b = fx.board("Race");
        for (int round = 0; round < 10; round++) {
            long id = fx.task(b[0], "contested " + round);
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            Future<Response> one = pool.submit(() -> {
                go.await();
                return http.patch("/api/v1/tasks/" + id, obj("title", "one"), "If-Match", "\"1\"");
            });
            Future<Response> two = pool.submit(() -> {
                go.await();
                return http.patch("/api/v1/tasks/" + id, obj("title", "two"), "If-Match", "\"1\"");
            });
            go.countDown();
            List<Integer> statuses = List.of(one.get().status(), two.get().status());
            pool.shutdown();
            assertThat(statuses).containsExactlyInAnyOrder(200, 412);
            String winner = one.get().status() == 200 ? "one" : "two";
            assertThat(fx.get(id).get("title").asString()).isEqualTo(winner);
            assertThat(fx.get(id).get("version").asLong()).isEqualTo(2);
        }
    }
}
