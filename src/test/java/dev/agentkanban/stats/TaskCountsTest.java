package dev.agentkanban.stats;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The counter table behind board statistics ({@code task_counts}, V4__stats.sql) must always equal
 * a GROUP BY over the tasks: after single and bulk inserts, updates, moves within and across boards,
 * deletes, a board deletion, a truncation, and under concurrent writers.
 */
class TaskCountsTest extends ApiTest {

    private static final String[] PRIORITIES = {"low", "medium", "high", "urgent"};
    private static final String[] STATUSES = {"pending", "in_progress", "completed", "cancelled"};

    @Autowired
    PlatformTransactionManager transactions;

    /** Positions are unique per column; handing out globally unique ones keeps every move legal. */
    private final AtomicLong positions = new AtomicLong(1_000_000);

    @Test
    void countersEqualAGroupByAfterARandomMixOfWrites() {
        Random random = new Random(42);
        List<Long> columns = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            columns.addAll(board("Counted " + i));
        }
        List<Long> doomed = board("Doomed");
        columns.addAll(doomed);

        for (int op = 0; op < 1500; op++) {
            if (op == 700) {
                http.delete("/api/v1/boards/" + boardOf(doomed.getFirst()));
                columns.removeAll(doomed);
                assertCountersMatchTasks();
            }
            long column = columns.get(random.nextInt(columns.size()));
            long other = columns.get(random.nextInt(columns.size()));
            String priority = PRIORITIES[random.nextInt(4)];
            String status = STATUSES[random.nextInt(4)];
            switch (random.nextInt(10)) {
                case 0, 1 -> insert(column, priority, status);
                case 2 ->
                    jdbc.sql("""
                        insert into tasks (workspace_id, board_id, column_id, position, title, priority, status)
                        select c.workspace_id, c.board_id, c.id, :pos + g, 'bulk',
                               (array['low','medium','high','urgent'])[1 + (g + :shift) % 4],
                               (array['pending','in_progress','completed','cancelled'])[1 + (g * 7 + :shift) % 4]
                        from board_columns c, generate_series(1, :n) g where c.id = :col
                        """)
                            .param("col", column)
                            .param("n", 1 + random.nextInt(20))
                            .param("shift", random.nextInt(100))
                            .param("pos", positions.getAndAdd(100))
                            .update();
                case 3 ->
                    jdbc.sql(
                                    "update tasks set priority = :p where id in (select id from tasks order by random() limit :n)")
                            .param("p", priority)
                            .param("n", 1 + random.nextInt(10))
                            .update();
                case 4 ->
                    jdbc.sql(
                                    "update tasks set status = :s where id in (select id from tasks order by random() limit :n)")
                            .param("s", status)
                            .param("n", 1 + random.nextInt(10))
                            .update();
                case 5 -> jdbc.sql("""
                        update tasks t set column_id = c.id, board_id = c.board_id, priority = :p
                        from board_columns c
                        where c.id = :to and t.id = (select id from tasks order by random() limit 1)
                        """).param("to", other).param("p", priority).update();
                case 6 -> jdbc.sql("""
                        update tasks set column_id = case when column_id = :a then :b else :a end
                        where column_id in (:a, :b) and board_id = (select board_id from board_columns where id = :a)
                          and (select board_id from board_columns where id = :a) = (select board_id from board_columns where id = :b)
                        """).param("a", column).param("b", other).update();
                case 7 ->
                    jdbc.sql("delete from tasks where id in (select id from tasks order by random() limit :n)")
                            .param("n", 1 + random.nextInt(5))
                            .update();
                case 8 ->
                    jdbc.sql("update tasks set title = title || '.' where column_id = :c")
                            .param("c", column)
                            .update();
                default -> jdbc.sql("""
                        update tasks set priority = case priority when 'low' then 'urgent' when 'urgent' then 'low' else priority end,
                                         status = case status when 'pending' then 'in_progress' when 'in_progress' then 'pending' else status end
                        where column_id = :c
                        """).param("c", column).update();
            }
            if (op % 250 == 0) {
                assertCountersMatchTasks();
            }
        }
        assertCountersMatchTasks();
        assertThat(count("tasks")).isGreaterThan(100);
    }

    @Test
    void countersEqualAGroupByAfterConcurrentWriters() throws Exception {
        List<Long> columns = board("Contended");
        for (int i = 0; i < 40; i++) {
            insert(columns.get(i % 4), PRIORITIES[i % 4], STATUSES[i % 4]);
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 6; w++) {
                Random random = new Random(w);
                writers.add(pool.submit(() -> {
                    TransactionTemplate tx = new TransactionTemplate(transactions);
                    for (int i = 0; i < 150; i++) {
                        long column = columns.get(random.nextInt(4));
                        String priority = PRIORITIES[random.nextInt(4)];
                        String status = STATUSES[random.nextInt(4)];
                        int kind = random.nextInt(5);
                        tx.executeWithoutResult(s -> {
                            switch (kind) {
                                case 0 -> insert(column, priority, status);
                                case 1 ->
                                    jdbc.sql(
                                                    "delete from tasks where id = (select id from tasks where column_id = :c order by random() limit 1)")
                                            .param("c", column)
                                            .update();
                                default ->
                                    jdbc.sql("""
                                        update tasks set column_id = :c, priority = :p, status = :s
                                        where id = (select id from tasks where board_id = :b order by random() limit 1)
                                        """)
                                            .param("c", column)
                                            .param("p", priority)
                                            .param("s", status)
                                            .param("b", boardOf(column))
                                            .update();
                            }
                        });
                    }
                    return null;
                }));
            }
            for (Future<?> f : writers) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertCountersMatchTasks();
        assertStatsTotalMatches(boardOf(columns.getFirst()));
    }

    @Test
    void truncatingTasksEmptiesTheCounters() {
        List<Long> columns = board("Truncated");
        insert(columns.getFirst(), "high", "pending");
        jdbc.sql("truncate tasks cascade").update();
        assertThat(jdbc.sql("select coalesce(sum(n), 0) from task_counts")
                        .query(Long.class)
                        .single())
                .isZero();
        insert(columns.getFirst(), "high", "pending");
        assertCountersMatchTasks();
    }

    @Test
    void rebuildingRecomputesTheCountersFromTheTasks() {
        List<Long> columns = board("Rebuilt");
        insert(columns.get(1), "low", "pending");
        jdbc.sql("update task_counts set n = n + 5").update();
        jdbc.sql("select task_counts_rebuild()").query((rs, n) -> 1).list();
        assertCountersMatchTasks();
    }

    private void assertCountersMatchTasks() {
        List<String> grouped = jdbc.sql("""
                select board_id || '/' || column_id || '/' || priority || '/' || status || '=' || count(*)
                from tasks group by board_id, column_id, priority, status
                """).query(String.class).list();
        List<String> counters = jdbc.sql("""
                select board_id || '/' || column_id || '/' || priority || '/' || status || '=' || n
                from task_counts where n <> 0
                """).query(String.class).list();
        assertThat(counters).containsExactlyInAnyOrderElementsOf(grouped);
    }

    private void assertStatsTotalMatches(long boardId) {
        JsonNode stats = http.get("/api/v1/stats?board_id=" + boardId).json();
        long tasks = jdbc.sql("select count(*) from tasks where board_id = :b")
                .param("b", boardId)
                .query(Long.class)
                .single();
        assertThat(stats.get("total").asLong()).isEqualTo(tasks);
        long open = jdbc.sql("select count(*) from tasks where board_id = :b and status = 'pending'")
                .param("b", boardId)
                .query(Long.class)
                .single();
        assertThat(stats.get("by_status").get("pending").asLong()).isEqualTo(open);
    }

    private List<Long> board(String name) {
        Response r = http.post("/api/v1/boards", obj("name", name));
        assertThat(r.status()).isEqualTo(201);
        return r.json().get("columns").findValues("id").stream()
                .map(JsonNode::asLong)
                .toList();
    }

    private long boardOf(long column) {
        return jdbc.sql("select board_id from board_columns where id = :c")
                .param("c", column)
                .query(Long.class)
                .single();
    }

    private void insert(long column, String priority, String status) {
        jdbc.sql("""
                insert into tasks (workspace_id, board_id, column_id, position, title, priority, status)
                select workspace_id, board_id, id, :pos, 't', :p, :s from board_columns where id = :c
                """)
                .param("c", column)
                .param("pos", positions.incrementAndGet())
                .param("p", priority)
                .param("s", status)
                .update();
    }
}
