package dev.agentkanban.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.AppInstance;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.support.TestDatabase;
import java.net.URI;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The progress of an import, read from a second instance while the first one runs it (issue 17): the
 * import is one transaction that the second instance cannot see, yet its progress advances there.
 *
 * <p>No timing is relied on. The test holds the import in the middle ({@link TrelloExports#heldBack}):
 * while it waits, its progress can only lie strictly between 0 and the total; the test polls the second
 * instance until it shows such a value, then lets the import go and reads the end.
 */
class ImportProgressTwoInstancesTest {

    static final int CARDS = 300;
    static final int HELD_AT = 200;

    @Test
    void aSecondInstanceSeesTheImportAdvanceWhileItRuns() throws Exception {
        TestDatabase db = TestDatabase.get().another("progress");
        try (AppInstance one = AppInstance.startOn(db, List.of(), "kanban.import.progress-interval=PT0.05S");
                AppInstance two = AppInstance.startOn(db, List.of())) {
            String token = one.token("importer", Role.MEMBER, "read", "write");
            Http onOne = one.http.withToken(token);
            Http onTwo = two.http.withToken(token);
            String id = UUID.randomUUID().toString();
            List<JsonNode> seen = new CopyOnWriteArrayList<>();
            CompletableFuture<Response> answer;

            try (Connection hold = DriverManager.getConnection(db.jdbcUrl, db.username, db.password)) {
                hold.setAutoCommit(false);
                try (PreparedStatement s = hold.prepareStatement(
                        "insert into tags (workspace_id, name) select id, ? from workspaces where slug = 'default'")) {
                    s.setString(1, TrelloExports.HELD_BACK);
                    assertThat(s.executeUpdate()).isEqualTo(1);
                }
                answer = CompletableFuture.supplyAsync(() -> onOne.execute(
                        HttpRequest.newBuilder(URI.create(onOne.base() + "/api/v1/import/trello?name=Held+back"))
                                .timeout(Duration.ofMinutes(10))
                                .header("Content-Type", "application/json")
                                .header("X-Progress-Id", id)
                                .POST(HttpRequest.BodyPublishers.ofString(Http.JSON.writeValueAsString(
                                        TrelloExports.heldBack("Held back", CARDS, HELD_AT))))
                                .build()));

                await("progress strictly between 0 and the total, seen on the other instance")
                        .atMost(Duration.ofMinutes(3))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> {
                            Response r = onTwo.get("/api/v1/import/progress/" + id);
                            if (r.status() == 404) {
                                return false; // the request has not reached the import yet
                            }
                            assertThat(r.status()).as(r.body()).isEqualTo(200);
                            JsonNode p = r.json();
                            seen.add(p);
                            return p.get("done").asInt() > 0;
                        });
                JsonNode held = seen.getLast();
                assertThat(held.get("state").asString()).isEqualTo("running");
                assertThat(held.get("total").asInt()).isEqualTo(CARDS);
                assertThat(held.get("done").asInt()).isBetween(1, HELD_AT);
                assertThat(held.get("unit").asString()).isEqualTo("cards");
                assertThat(held.get("format").asString()).isEqualTo("trello");
                assertThat(answer).isNotDone();
                hold.rollback();
            }

            Response done = answer.get(5, TimeUnit.MINUTES);
            assertThat(done.status()).as(done.body()).isEqualTo(201);
            JsonNode last = onTwo.get("/api/v1/import/progress/" + id).json();
            seen.add(last);
            assertThat(last.get("state").asString()).isEqualTo("finished");
            assertThat(last.get("done").asInt()).isEqualTo(CARDS);
            assertThat(last.get("total").asInt()).isEqualTo(CARDS);
            List<Integer> counts = new ArrayList<>();
            seen.forEach(p -> counts.add(p.get("done").asInt()));
            assertThat(counts).as("the counts as they were read").isSorted();

            // only the importer (and the workspace's admins) see it; an unknown id is a 404 problem
            Http other = two.http.withToken(two.memberToken("someone-else"));
            Response hidden = other.get("/api/v1/import/progress/" + id);
            assertThat(hidden.status()).isEqualTo(404);
            assertThat(hidden.header("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
            Http admin = two.http.withToken(two.token("an-admin", Role.ADMIN, "read", "write", "admin"));
            assertThat(admin.get("/api/v1/import/progress/" + id).status()).isEqualTo(200);
            assertThat(onTwo.get("/api/v1/import/progress/" + UUID.randomUUID()).status())
                    .isEqualTo(404);
            assertThat(onTwo.get("/api/v1/import/progress/not-a-uuid").status()).isEqualTo(404);
        }
    }
}
