package dev.agentkanban.platform;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.board.Board;
import dev.agentkanban.board.BoardRequests.CreateBoard;
import dev.agentkanban.board.Boards;
import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.AppInstance;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.support.TestDatabase;
import dev.agentkanban.task.TaskFixtures;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code Idempotency-Key} beyond the plain retry (ProblemFormatTest, TaskApiTest): duplicates that
 * arrive while the first is running, server errors, other users, multipart bodies, sign-in, and the
 * expiry job. The crash cases are in {@link IdempotencyCrashTest}.
 */
@Import(IdempotencyTest.FailsOnce.class)
class IdempotencyTest extends ApiTest {

    /**
     * Board creation that writes the board and then fails like a bug would, once each time it is armed:
     * mapped on the real route (so its access rule applies) for requests carrying the test's header.
     */
    @RestController
    static class FailsOnce {
        static final AtomicBoolean ARMED = new AtomicBoolean();
        private final Boards boards;

        FailsOnce(Boards boards) {
            this.boards = boards;
        }

        @PostMapping(value = "/api/v1/boards", headers = "X-Test-Fails-Once")
        ResponseEntity<Board> create(@RequestBody CreateBoard request) {
            Board board = boards.create(request);
            if (ARMED.getAndSet(false)) {
                throw new IllegalStateException("failed after the board was written");
            }
            return ResponseEntity.created(URI.create("/api/v1/boards/" + board.id()))
                    .body(board);
        }
    }

    @Autowired
    private DataSource dataSource;

    @Test
    void aDuplicateWhileTheFirstIsRunningIsA409AndLaterTheReplay() throws Exception {
        String name = "Held up " + UUID.randomUUID();
        CompletableFuture<Response> first;
        try (Connection holder = dataSource.getConnection();
                Statement s = holder.createStatement()) {
            holder.setAutoCommit(false);
            s.execute("lock table boards in share mode"); // the first request's insert waits for this
            first = CompletableFuture.supplyAsync(
                    () -> http.post("/api/v1/boards", obj("name", name), "Idempotency-Key", "held-up"));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> jdbc.sql(
                                            "select count(*) from pg_locks where relation = 'boards'::regclass and not granted")
                                    .query(Long.class)
                                    .single()
                            > 0);

            Response duplicate = http.post("/api/v1/boards", obj("name", name), "Idempotency-Key", "held-up");
            assertThat(duplicate.status()).as(duplicate.body()).isEqualTo(409);
            assertThat(duplicate.json().get("type").asString()).endsWith("/idempotency-in-progress");
            holder.commit();
        }
        Response created = first.get(30, TimeUnit.SECONDS);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        Response replay = http.post("/api/v1/boards", obj("name", name), "Idempotency-Key", "held-up");
        assertThat(replay.header("Idempotent-Replayed")).hasValue("true");
        assertThat(replay.body()).isEqualTo(created.body());
        assertThat(created.header("ETag")).isPresent();
        assertThat(replay.header("ETag")).as("the replay's ETag").isEqualTo(created.header("ETag"));
        assertThat(replay.header("Location")).isEqualTo(created.header("Location"));
        assertThat(boardsNamed(name)).isEqualTo(1);
    }

    @Test
    void duplicatesSentTogetherHaveOneEffect() throws Exception {
        String name = "Sent together " + UUID.randomUUID();
        int senders = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Response>> sent = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(senders)) {
            for (int i = 0; i < senders; i++) {
                sent.add(pool.submit(() -> {
                    start.await();
                    return http.post("/api/v1/boards", obj("name", name), "Idempotency-Key", "together");
                }));
            }
            start.countDown();
            List<Response> answers = new ArrayList<>();
            for (Future<Response> f : sent) {
                answers.add(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(answers)
                    .extracting(Response::status)
                    .containsOnly(201, 409)
                    .contains(201);
            assertThat(answers.stream()
                            .filter(r -> r.status() == 201)
                            .map(Response::body)
                            .distinct())
                    .hasSize(1);
            assertThat(answers.stream()
                            .filter(r -> r.status() == 409)
                            .map(r -> r.json().get("type").asString()))
                    .allMatch(t -> t.endsWith("/idempotency-in-progress"));
        }
        assertThat(boardsNamed(name)).isEqualTo(1);
    }

    @Test
    void aServerErrorLeavesNothingAndTheRetryRuns() {
        String name = "Fails once " + UUID.randomUUID();
        FailsOnce.ARMED.set(true);
        Response failed = http.post(
                "/api/v1/boards", obj("name", name), "Idempotency-Key", "fails-once", "X-Test-Fails-Once", "1");
        assertThat(failed.status()).as(failed.body()).isEqualTo(500);
        assertThat(boardsNamed(name))
                .as("the write before the failure is rolled back with it")
                .isZero();
        assertThat(keys("fails-once")).isZero();

        Response retry = http.post(
                "/api/v1/boards", obj("name", name), "Idempotency-Key", "fails-once", "X-Test-Fails-Once", "1");
        assertThat(retry.status()).as(retry.body()).isEqualTo(201);
        assertThat(retry.header("Idempotent-Replayed")).isEmpty();
        Response replay = http.post(
                "/api/v1/boards", obj("name", name), "Idempotency-Key", "fails-once", "X-Test-Fails-Once", "1");
        assertThat(replay.header("Idempotent-Replayed")).hasValue("true");
        assertThat(replay.body()).isEqualTo(retry.body());
        assertThat(boardsNamed(name)).isEqualTo(1);
    }

    @Test
    void theSameKeyFromAnotherUserIsAnotherRequest() {
        String name = "Two users " + UUID.randomUUID();
        Http other = clientFor(
                "idem-other-" + UUID.randomUUID().toString().substring(0, 8),
                defaultWorkspace,
                Role.MEMBER,
                "read",
                "write");
        Response mine = http.post("/api/v1/boards", obj("name", name), "Idempotency-Key", "shared-key");
        Response theirs = other.post("/api/v1/boards", obj("name", name), "Idempotency-Key", "shared-key");
        assertThat(mine.status()).isEqualTo(201);
        assertThat(theirs.status()).as(theirs.body()).isEqualTo(201);
        assertThat(theirs.header("Idempotent-Replayed")).isEmpty();
        assertThat(theirs.id()).isNotEqualTo(mine.id());

        Response theirsAgain = other.post("/api/v1/boards", obj("name", name), "Idempotency-Key", "shared-key");
        assertThat(theirsAgain.header("Idempotent-Replayed")).hasValue("true");
        assertThat(theirsAgain.id()).isEqualTo(theirs.id());
        Response anotherBody =
                other.post("/api/v1/boards", obj("name", name + " changed"), "Idempotency-Key", "shared-key");
        assertThat(anotherBody.status()).isEqualTo(422);
        assertThat(http.post("/api/v1/boards", obj("name", name), "Idempotency-Key", "shared-key")
                        .id())
                .isEqualTo(mine.id());
        assertThat(boardsNamed(name)).isEqualTo(2);
    }

    @Test
    void aMultipartUploadReplaysOnlyForTheSameFile() {
        long board = new TaskFixtures(http).board("Uploads")[0];
        long task = new TaskFixtures(http).task(board, "Has a photo");
        byte[] photo = "first photo bytes".getBytes(StandardCharsets.UTF_8);
        byte[] other = "other photo bytes".getBytes(StandardCharsets.UTF_8);
        assertThat(other).hasSameSizeAs(photo);

        Response first = upload(task, "photo.jpg", photo, "upload-1");
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        Response again = upload(task, "photo.jpg", photo, "upload-1"); // another boundary, the same form
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.header("Idempotent-Replayed")).hasValue("true");
        assertThat(again.body()).isEqualTo(first.body());

        Response otherFile = upload(task, "photo.jpg", other, "upload-1");
        assertThat(otherFile.status()).as(otherFile.body()).isEqualTo(422);
        assertThat(otherFile.json().get("type").asString()).endsWith("/idempotency-key-reused");
        Response otherName = upload(task, "renamed.jpg", photo, "upload-1");
        assertThat(otherName.status()).as(otherName.body()).isEqualTo(422);
        assertThat(jdbc.sql("select count(*) from evidence where task_id = :t")
                        .param("t", task)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    /**
     * Every kind of write runs inside the key's transaction: row-level security context, the
     * identity writes, workspace creation, imports, bulk operations. Each runs once, and its replay
     * answers the same and changes nothing.
     */
    @Test
    void everyKindOfWriteRunsOnceInTheKeysTransactionAndReplays() {
        long[] board = new TaskFixtures(http).board("Keyed writes");
        long task = new TaskFixtures(http).task(board[0], "Keyed task");
        long other = new TaskFixtures(http).task(board[0], "Moved in bulk");
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        identities.provision(
                "keyed-" + suffix, "keyed-password", otherWorkspace("keyed-" + suffix), Role.MEMBER, false);
        String json = "application/json";
        List<String[]> writes = List.of(
                new String[] {"/api/v1/workspaces", json, "{\"name\": \"Keyed team " + suffix + "\"}"},
                new String[] {
                    "/api/v1/workspaces/" + defaultWorkspace + "/members",
                    json,
                    "{\"username\": \"keyed-" + suffix + "\", \"role\": \"viewer\"}"
                },
                new String[] {"/api/v1/tokens", json, "{\"name\": \"keyed\", \"scopes\": [\"read\"]}"},
                new String[] {"/api/v1/tags", json, "{\"name\": \"keyed-" + suffix + "\"}"},
                new String[] {"/api/v1/tasks/" + task + "/comments", json, "{\"body\": \"once\"}"},
                new String[] {"/api/v1/tasks/" + task + "/claim", json, "{\"lease_seconds\": 60}"},
                new String[] {"/api/v1/tasks/" + task + "/hints", json, "{\"type\": \"stale\", \"message\": \"keyed\"}"
                },
                new String[] {"/api/v1/bulk/tasks/move", json, "{\"task_ids\": [" + other + "], \"column\": \"Done\"}"},
                new String[] {
                    "/api/v1/tasks/report-issue", json, "{\"board_id\": " + board[0] + ", \"title\": \"Keyed issue\"}"
                },
                new String[] {"/api/v1/webhooks", json, "{\"url\": \"http://127.0.0.1:9/keyed\"}"},
                new String[] {
                    "/api/v1/import/todo-md", "text/markdown", "## To Do\n- [ ] imported with a key " + suffix + "\n"
                });
        for (String[] w : writes) {
            String key = "every-" + w[0];
            Response first = send(w[0], w[1], w[2], key);
            assertThat(first.status()).as("%s: %s", w[0], first.body()).isBetween(200, 299);
            String before = everything();
            Response replay = send(w[0], w[1], w[2], key);
            assertThat(replay.header("Idempotent-Replayed")).as(w[0]).hasValue("true");
            if (SHOWN_ONCE.contains(w[0])) {
                // the answer held a secret, which is kept nowhere (identity.ShownOnceSecretsTest)
                assertThat(replay.status()).as(w[0]).isEqualTo(409);
                assertThat(replay.body()).as(w[0]).contains("secret-shown-once");
            } else {
                assertThat(replay.status()).as(w[0]).isEqualTo(first.status());
                assertThat(replay.body()).as(w[0]).isEqualTo(first.body());
            }
            assertThat(everything()).as("a replay of %s changes nothing", w[0]).isEqualTo(before);
        }
        assertThat(jdbc.sql("select count(*) from comments where task_id = :t")
                        .param("t", task)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    /** Writes whose answer holds a secret shown once: a retry gets 409 secret-shown-once, not the answer. */
    private static final Set<String> SHOWN_ONCE = Set.of("/api/v1/tokens", "/api/v1/webhooks");

    private Response send(String path, String contentType, String body, String key) {
        return http.execute(HttpRequest.newBuilder(URI.create(http.base() + path))
                .header("Content-Type", contentType)
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    /** Row counts of every table a write may touch. */
    private String everything() {
        return jdbc.sql("""
                select concat_ws(',', (select count(*) from workspaces), (select count(*) from memberships),
                       (select count(*) from api_tokens), (select count(*) from tags), (select count(*) from boards),
                       (select count(*) from tasks), (select count(*) from comments), (select count(*) from hints),
                       (select count(*) from webhooks), (select count(*) from task_history),
                       (select count(*) from outbox_events), (select count(*) from idempotency_keys),
                       (select coalesce(sum(version), 0) from tasks))
                """).query(String.class).single();
    }

    @Test
    void signingInWithAnIdempotencyKeyIsNoServerError() {
        for (String password : List.of("tester-password", "not-the-password")) {
            Response r = http.anonymous()
                    .post(
                            "/api/v1/auth/login",
                            obj("username", "tester", "password", password),
                            "Idempotency-Key",
                            "sign-in-" + password);
            assertThat(r.status()).as(r.body()).isIn(200, 401);
        }
        Response in = http.anonymous()
                .post(
                        "/api/v1/auth/login",
                        obj("username", "tester", "password", "tester-password"),
                        "Idempotency-Key",
                        "sign-in-again");
        assertThat(in.status()).as(in.body()).isEqualTo(200);
        assertThat(in.header("Idempotent-Replayed")).isEmpty();
    }

    @Test
    void theExpiryJobRemovesKeysOlderThanTheRetentionOnItsSchedule() {
        // an instance of its own on a database of its own, so that no other instance's job is at work
        try (AppInstance app = AppInstance.startOn(
                TestDatabase.get().another("kanban_idem"), List.of(), "kanban.idempotency.expiry-check=PT0.2S")) {
            JdbcClient db = app.context.getBean(JdbcClient.class);
            long ws = db.sql("select id from workspaces where slug = 'default'")
                    .query(Long.class)
                    .single();
            for (String[] key : List.of(new String[] {"expired", "25 hours"}, new String[] {"kept", "23 hours"})) {
                db.sql("""
                        insert into idempotency_keys (workspace_id, actor, key, request_hash, status, created_at)
                        values (:ws, 'someone', :key, 'hash', 201, now() - cast(:age as interval))
                        """)
                        .param("ws", ws)
                        .param("key", key[0])
                        .param("age", key[1])
                        .update();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> keyNames(db).equals(Set.of("kept")));
        }
    }

    private static Set<String> keyNames(JdbcClient db) {
        return Set.copyOf(
                db.sql("select key from idempotency_keys").query(String.class).list());
    }

    private Response upload(long task, String filename, byte[] content, String key) {
        String boundary = "idem-" + UUID.randomUUID();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                        + "\"\r\n" + "Content-Type: image/jpeg\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes(("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nphoto\r\n--"
                        + boundary + "--\r\n")
                .getBytes(StandardCharsets.UTF_8));
        return http.execute(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/tasks/" + task + "/evidence"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray()))
                .build());
    }

    /**
     * A retry is authorized like any request before it gets the stored answer: the same user's read-only
     * token sending the request and key of their session's write was handed the 201 (a write route
     * answering a read-only credential with a success) instead of the 403 it gets without the key.
     */
    @Test
    void aReadOnlyTokenOfTheSameUserIsRefusedNotHandedTheStoredAnswer() {
        String name = "Replayed to a reader " + UUID.randomUUID();
        Response created = http.post("/api/v1/boards", obj("name", name), "Idempotency-Key", "reader-retry");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        Http reader = http.withToken(identities.issueToken(admin.id(), "reader", List.of("read")));

        Response refused = reader.post("/api/v1/boards", obj("name", name), "Idempotency-Key", "reader-retry");

        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.header("Idempotent-Replayed")).isEmpty();
        assertThat(boardsNamed(name)).isEqualTo(1);
        Response replay = http.post("/api/v1/boards", obj("name", name), "Idempotency-Key", "reader-retry");
        assertThat(replay.header("Idempotent-Replayed")).hasValue("true");
        assertThat(replay.body()).isEqualTo(created.body());
    }

    private long boardsNamed(String name) {
        return jdbc.sql("select count(*) from boards where name = :n")
                .param("n", name)
                .query(Long.class)
                .single();
    }

    private long keys(String key) {
        return jdbc.sql("select count(*) from idempotency_keys where key = :k")
                .param("k", key)
                .query(Long.class)
                .single();
    }
}
