package dev.agentkanban.task;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.support.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A task's write locks its board (KEY SHARE) before the column it places the task in, the order in which a
 * board's delete and its column changes lock them (the board FOR UPDATE, then its columns): a create, a
 * move or a lifecycle change that meets one of them waits for it holding no column, instead of holding the
 * column while the other waits for it (a deadlock, broken after a second as a 500). A test connection
 * plays the board's side, holding the board as {@code DELETE /boards/{id}} and {@code PUT .../columns} do.
 */
class BoardLockOrderTest extends ApiTest {

    @Test
    void aCreateMeetingTheBoardsDeleteWaitsForItWithoutAColumnAndAnswers404() throws Exception {
        TaskFixtures fx = new TaskFixtures(http);
        long[] b = fx.board("Deleted under a create");
        for (int i = 0; i < 3; i++) {
            fx.task(b[0], "t" + i);
        }
        Response created = createWhileTheBoardIsDeleted(b[0], obj("board_id", b[0], "title", "o"));
        assertThat(created.body()).contains("board " + b[0]);
        assertThat(jdbc.sql("select count(*) from tasks where board_id = :b")
                        .param("b", b[0])
                        .query(Long.class)
                        .single())
                .isZero();
    }

    /** The race as reported: a delete and five creates behind a barrier (a 500 in one of ~20 rounds before). */
    @Test
    void aBoardDeletedWhileTasksAreCreatedOnItNeverAnswers500() throws Exception {
        TaskFixtures fx = new TaskFixtures(http);
        Map<String, Integer> seen = new TreeMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            for (int round = 0; round < 20; round++) {
                long[] b = fx.board("Race " + round);
                for (int i = 0; i < 3; i++) {
                    fx.task(b[0], "t" + i);
                }
                CyclicBarrier go = new CyclicBarrier(6);
                List<Future<String>> calls = new ArrayList<>();
                calls.add(pool.submit(() -> {
                    go.await();
                    Response r = http.delete("/api/v1/boards/" + b[0]);
                    return "DELETE " + r.status() + (r.status() >= 500 ? " " + r.body() : "");
                }));
                for (int i = 0; i < 5; i++) {
                    calls.add(pool.submit(() -> {
                        go.await();
                        Response r = http.post("/api/v1/tasks", obj("board_id", b[0], "title", "o"));
                        return "POST " + r.status() + (r.status() >= 500 ? " " + r.body() : "");
                    }));
                }
                for (var c : calls) {
                    seen.merge(c.get(60, TimeUnit.SECONDS), 1, Integer::sum);
                }
            }
        } finally {
            pool.shutdown();
        }
        assertThat(seen.keySet())
                .as("each round: the delete succeeds, each create succeeds before it or finds the board gone")
                .allMatch(k -> k.equals("DELETE 204") || k.equals("POST 201") || k.equals("POST 404"));
    }

    @Test
    void aCreateIntoAColumnByIdMeetingTheBoardsDeleteAnswers404() throws Exception {
        long[] b = new TaskFixtures(http).board("Deleted under a create by column id");
        createWhileTheBoardIsDeleted(b[0], obj("column_id", b[3], "title", "o"));
    }

    /**
     * Holds the board as its delete does, sends the create, checks it waits holding no column, then
     * deletes the board as the delete's cascade goes on (without the lock order: a deadlock with the
     * create) and commits: the create answers 404.
     */
    private Response createWhileTheBoardIsDeleted(long boardId, Map<String, Object> body) throws Exception {
        try (Connection board = holdBoard(boardId)) {
            CompletableFuture<Response> create = request(() -> http.post("/api/v1/tasks", body));
            requireColumnsFree(board, boardId, create);
            try (Statement s = board.createStatement()) {
                s.execute("delete from boards where id = " + boardId);
            }
            board.commit();
            Response created = create.get(30, TimeUnit.SECONDS);
            assertThat(created.status()).as(created.body()).isEqualTo(404);
            return created;
        }
    }

    @Test
    void aMoveMeetingAColumnRenameWaitsForTheBoardFirst() throws Exception {
        TaskFixtures fx = new TaskFixtures(http);
        long[] b = fx.board("Renamed under a move");
        long id = fx.task(b[0], "moving", "column_id", b[2]);
        try (Connection board = holdBoard(b[0])) {
            try (Statement s = board.createStatement()) {
                // PUT columns renames the task's column first: V71's trigger bumps (locks) its tasks
                s.execute("update board_columns set name = 'Renamed' where id = " + b[2]);
            }
            CompletableFuture<Response> move =
                    request(() -> http.post("/api/v1/tasks/" + id + "/move", obj("column_id", b[3])));
            // then it updates the other columns: the move's target among them
            requireColumnsFree(board, b[0], move);
            board.commit();
            Response moved = move.get(30, TimeUnit.SECONDS);
            assertThat(moved.status()).as(moved.body()).isEqualTo(200);
            assertThat(moved.json().get("column_id").asLong()).isEqualTo(b[3]);
        }
    }

    @Test
    void aCompleteMeetingAColumnRenameWaitsForTheBoardFirst() throws Exception {
        TaskFixtures fx = new TaskFixtures(http);
        long[] b = fx.board("Renamed under a complete");
        long id = fx.task(b[0], "finishing", "column_id", b[3]);
        try (Connection board = holdBoard(b[0])) {
            try (Statement s = board.createStatement()) {
                s.execute("update board_columns set name = 'Renamed' where id = " + b[3]);
            }
            CompletableFuture<Response> complete = request(() -> http.post("/api/v1/tasks/" + id + "/complete", null));
            requireColumnsFree(board, b[0], complete);
            board.commit();
            Response done = complete.get(30, TimeUnit.SECONDS);
            assertThat(done.status()).as(done.body()).isEqualTo(200);
            assertThat(done.json().get("column_id").asLong()).isEqualTo(b[4]);
        }
    }

    /** A connection in a transaction holding the board FOR UPDATE, as a board's delete or column change does. */
    private Connection holdBoard(long boardId) throws SQLException {
        TestDatabase db = TestDatabase.get();
        Connection c = DriverManager.getConnection(db.jdbcUrl, db.username, db.password);
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("select set_config('kanban.actor', 'board-side', true), set_config('kanban.workspace_id', '"
                    + defaultWorkspace + "', true)");
            s.execute("select id from boards where id = " + boardId + " for update");
        }
        return c;
    }

    private static CompletableFuture<Response> request(Supplier<Response> call) {
        return CompletableFuture.supplyAsync(call);
    }

    /**
     * Once the request waits for a lock, the board's side can lock every column of the board at once: the
     * request took none before waiting for the board.
     */
    private void requireColumnsFree(Connection board, long boardId, CompletableFuture<Response> request)
            throws SQLException {
        await().atMost(Duration.ofSeconds(30)).until(() -> waiting() > 0 || request.isDone());
        assertThat(request).as("the request waits for the board's lock").isNotDone();
        try (Statement s = board.createStatement()) {
            s.execute("select id from board_columns where board_id = " + boardId + " order by id for update nowait");
        }
    }

    /** Lock requests waiting (a row lock's wait is on a transaction id, which names no database). */
    private long waiting() {
        return jdbc.sql("select count(*) from pg_locks where not granted")
                .query(Long.class)
                .single();
    }
}
