package dev.agentkanban.task;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Eight agents drain a pool of 100 tasks whose dependencies form chains (ten of them five deep) and
 * fan-ins, through {@code claim-next} and {@code complete}: no agent ever receives a task with an open
 * blocker, every task is claimed exactly once, and every blocker completes before what it blocks.
 */
class DependencyDrainTest extends ApiTest {

    @Test
    void eightAgentsDrainADependencyGraphInOrder() throws Exception {
        long[] b = new TaskFixtures(http).board("Drain");
        List<Long> ids = jdbc
                .sql("""
                insert into tasks (workspace_id, board_id, column_id, position, title, priority)
                select :ws, :board, :column, g * 1024, 'drain task ' || g, (array['low','medium','high','urgent'])[1 + g % 4]
                from generate_series(1, 100) g
                returning id
                """)
                .param("ws", defaultWorkspace)
                .param("board", b[0])
                .param("column", b[2])
                .query(Long.class)
                .list()
                .stream()
                .sorted()
                .toList();
        List<long[]> edges = new ArrayList<>();
        // ten chains five deep: tasks 0-49, each blocking the next in its chain
        for (int chain = 0; chain < 10; chain++) {
            for (int i = 1; i < 5; i++) {
                edges.add(new long[] {ids.get(chain * 5 + i - 1), ids.get(chain * 5 + i)});
            }
        }
        // ten chains three deep: tasks 50-79
        for (int chain = 0; chain < 10; chain++) {
            for (int i = 1; i < 3; i++) {
                edges.add(new long[] {ids.get(50 + chain * 3 + i - 1), ids.get(50 + chain * 3 + i)});
            }
        }
        // fan-in: tasks 80-89 each wait for the end of a five-deep chain and of a three-deep one
        for (int i = 0; i < 10; i++) {
            edges.add(new long[] {ids.get(i * 5 + 4), ids.get(80 + i)});
            edges.add(new long[] {ids.get(50 + i * 3 + 2), ids.get(80 + i)});
        }
        // tasks 90-99 are free
        for (long[] e : edges) {
            jdbc.sql(
                            "insert into task_relations (workspace_id, kind, from_task_id, to_task_id) values (:ws, 'blocks', :f, :t)")
                    .param("ws", defaultWorkspace)
                    .param("f", e[0])
                    .param("t", e[1])
                    .update();
        }

        List<Http> agents = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            agents.add(clientFor("drain-agent-" + i, defaultWorkspace, Role.AGENT));
        }
        Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
        ExecutorService pool = Executors.newFixedThreadPool(agents.size());
        List<Future<List<Long>>> work = new ArrayList<>();
        for (Http agent : agents) {
            Callable<List<Long>> loop = () -> {
                List<Long> mine = new ArrayList<>();
                while (Instant.now().isBefore(deadline)) {
                    Response r = agent.post("/api/v1/tasks/claim-next", obj("board_id", b[0], "lease_seconds", 600));
                    if (r.status() == 204) {
                        if (openTasks(b[0]) == 0) {
                            return mine;
                        }
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // poll interval: others still work
                        continue;
                    }
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                    long id = r.id();
                    assertThat(r.json().get("blocked").asBoolean())
                            .as("task %d handed out blocked", id)
                            .isFalse();
                    assertThat(openBlockersInDatabase(id))
                            .as("open blockers of task %d at its claim", id)
                            .isZero();
                    mine.add(id);
                    Response done = agent.post("/api/v1/tasks/" + id + "/complete", null);
                    assertThat(done.status()).as(done.body()).isEqualTo(200);
                }
                throw new AssertionError("the pool was not drained in time");
            };
            work.add(pool.submit(loop));
        }
        List<Long> claimed = new ArrayList<>();
        for (Future<List<Long>> f : work) {
            claimed.addAll(f.get(5, TimeUnit.MINUTES));
        }
        pool.shutdown();

        assertThat(claimed).hasSize(100);
        assertThat(new HashSet<>(claimed)).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(jdbc.sql("""
                select count(*) from task_history where action = 'claimed' and task_id = any(:ids)
                """)
                        .param("ids", ids.toArray(Long[]::new))
                        .query(Long.class)
                        .single())
                .isEqualTo(100);
        // completion order: the history row of each blocker's completion comes before its dependant's
        Map<Long, Long> completedAt = new java.util.HashMap<>();
        jdbc.sql("""
                select task_id, id from task_history
                where action = 'status_changed' and new_value = 'completed' and task_id = any(:ids)
                """)
                .param("ids", ids.toArray(Long[]::new))
                .query((rs, n) -> completedAt.put(rs.getLong(1), rs.getLong(2)))
                .list();
        assertThat(completedAt).hasSize(100);
        for (long[] e : edges) {
            assertThat(completedAt.get(e[0])).as("%d blocks %d", e[0], e[1]).isLessThan(completedAt.get(e[1]));
        }
        assertThat(count("outbox_events where type = 'task_unblocked'")).isEqualTo(70);
    }

    private long openTasks(long board) {
        return jdbc.sql("select count(*) from tasks where board_id = :b and status in ('pending', 'in_progress')")
                .param("b", board)
                .query(Long.class)
                .single();
    }

    private long openBlockersInDatabase(long task) {
        return jdbc.sql("""
                select count(*) from task_relations r join tasks b on b.id = r.from_task_id
                where r.to_task_id = :t and r.kind = 'blocks' and b.status <> 'completed'
                """).param("t", task).query(Long.class).single();
    }
}
