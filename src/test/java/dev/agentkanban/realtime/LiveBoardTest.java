package dev.agentkanban.realtime;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.TestDatabase;
import dev.agentkanban.task.TaskFixtures;
import java.lang.reflect.Field;
import java.net.http.WebSocketHandshakeException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/** Live board updates over {@code WS /ws}: who may connect, what they receive, and when. */
class LiveBoardTest extends ApiTest {

    @Autowired
    ApplicationContext context;

    private String token;
    private TaskFixtures fixtures;

    @BeforeAll
    void tokens() {
        token = identities.issueToken(admin.id(), "ws", List.of("read", "write", "admin"));
        fixtures = new TaskFixtures(http);
    }

    @Test
    void aBearerSubprotocolAuthenticatesAndIsEchoed() throws Exception {
        try (LiveClient client = LiveClient.connect(port, "/ws", token)) {
            JsonNode connected = client.expect("connected");

            assertThat(client.subprotocol()).isEqualTo("bearer");
            assertThat(connected.get("username").asString()).isEqualTo("tester");
            assertThat(connected.get("workspace_id").asLong()).isEqualTo(defaultWorkspace);
            assertThat(connected.get("role").asString()).isEqualTo("admin");
        }
    }

    @Test
    void theSeedConnectFormWithATokenParameterSubscribesToItsBoard() throws Exception {
        long board = fixtures.board("Seed form")[0];
        try (LiveClient client = LiveClient.connect(
                port, "/ws/connect?client_id=browser-1&board_id=" + board + "&username=someone&token=" + token, null)) {
            assertThat(client.expect("connected").get("client_id").asString()).isEqualTo("browser-1");
            assertThat(client.expect("subscribed").get("board_id").asLong()).isEqualTo(board);

            long task = fixtures.task(board, "seen live");

            JsonNode event = client.expectEvent("task_created");
            assertThat(event.get("board_id").asLong()).isEqualTo(board);
            assertThat(event.get("event_id").asLong()).isPositive();
            assertThat(event.get("actor").asString()).isEqualTo("tester");
            assertThat(event.get("timestamp").asString()).endsWith("Z");
            assertThat(event.get("data").get("task").get("id").asLong()).isEqualTo(task);
        }
    }

    @Test
    void nothingConnectsWithoutValidCredentials() {
        assertThatThrownBy(() -> LiveClient.attempt(port, "/ws").join())
                .isInstanceOf(CompletionException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e.getCause())
                                .getResponse()
                                .statusCode())
                        .isEqualTo(401));
        assertThatThrownBy(() ->
                        LiveClient.attempt(port, "/ws?token=akt_not-a-token").join())
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e.getCause())
                                .getResponse()
                                .statusCode())
                        .isEqualTo(401));
        assertThatThrownBy(() -> LiveClient.connect(port, "/ws", "akt_not-a-token"))
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e.getCause())
                                .getResponse()
                                .statusCode())
                        .isEqualTo(401));
    }

    @Test
    void eachClientSeesOnlyItsOwnBoardsEvents() throws Exception {
        long red = fixtures.board("Red room")[0];
        long blue = fixtures.board("Blue room")[0];
        try (LiveClient redClient = subscribed(red);
                LiveClient blueClient = subscribed(blue)) {
            fixtures.task(red, "red 1");
            fixtures.task(blue, "blue 1");
            fixtures.task(red, "red 2");

            // events arrive in commit order, so anything foreign would come before these
            assertThat(title(redClient.expectEvent("task_created"))).isEqualTo("red 1");
            assertThat(title(redClient.expectEvent("task_created"))).isEqualTo("red 2");
            assertThat(title(blueClient.expectEvent("task_created"))).isEqualTo("blue 1");
        }
    }

    @Test
    void aClientOfAnotherWorkspaceCannotSubscribeAndReceivesNothing() throws Exception {
        long secret = fixtures.board("Secret room")[0];
        long other = otherWorkspace("live-other");
        User outsider = identities.provision("live-outsider", "live-outsider-password", other, Role.ADMIN, false);
        String outsiderToken = identities.issueToken(outsider.id(), "ws", List.of("read", "write", "admin"));
        long own = new TaskFixtures(http.withToken(outsiderToken)).board("Outsider room")[0];
        try (LiveClient client = LiveClient.connect(port, "/ws", outsiderToken)) {
            client.expect("connected");
            client.subscribe(secret);
            JsonNode error = client.expect("error");
            assertThat(error.get("code").asString()).isEqualTo("not_found");
            client.subscribe(own);
            client.expect("subscribed");

            fixtures.task(secret, "not for outsiders");
            new TaskFixtures(http.withToken(outsiderToken)).task(own, "outsider's own");

            assertThat(title(client.expectEvent("task_created"))).isEqualTo("outsider's own");
        }
    }

    @Test
    void aViewerMaySubscribeToABoardItCanRead() throws Exception {
        long board = fixtures.board("Viewed")[0];
        User viewer = identities.provision("live-viewer", "live-viewer-password", defaultWorkspace, Role.VIEWER, false);
        try (LiveClient client =
                LiveClient.connect(port, "/ws", identities.issueToken(viewer.id(), "ws", List.of("read")))) {
            client.expect("connected");
            client.subscribe(board);
            client.expect("subscribed");
            fixtures.task(board, "watched");
            assertThat(title(client.expectEvent("task_created"))).isEqualTo("watched");
        }
    }

    @Test
    void nothingIsBroadcastForARolledBackChange() throws Exception {
        long board = fixtures.board("Rolled back")[0];
        try (LiveClient client = subscribed(board)) {
            TestDatabase db = TestDatabase.get();
            try (Connection c = DriverManager.getConnection(db.jdbcUrl, db.username, db.password)) {
                c.setAutoCommit(false);
                try (PreparedStatement s = c.prepareStatement("""
                        insert into outbox_events (workspace_id, board_id, type, actor, payload)
                        values (?, ?, 'task_created', 'ghost', '{"task": {"title": "never committed"}}')
                        """)) {
                    s.setLong(1, defaultWorkspace);
                    s.setLong(2, board);
                    s.executeUpdate();
                }
                c.rollback();
            }
            fixtures.task(board, "committed");

            assertThat(title(client.expectEvent("task_created"))).isEqualTo("committed");
        }
    }

    @Test
    void aReconnectingClientFirstGetsWhatItMissedThenLiveEventsInOrder() throws Exception {
        long board = fixtures.board("Replay")[0];
        long seen;
        try (LiveClient first = subscribed(board)) {
            fixtures.task(board, "before");
            seen = first.expectEvent("task_created").get("event_id").asLong();
        }
        fixtures.task(board, "missed 1");
        fixtures.task(board, "missed 2");

        try (LiveClient again = LiveClient.connect(port, "/ws", token)) {
            again.expect("connected");
            again.send("{\"type\":\"subscribe_board\",\"board_id\":" + board + ",\"last_event_id\":" + seen + "}");
            again.expect("subscribed");
            JsonNode m1 = again.expectEvent("task_created");
            JsonNode m2 = again.expectEvent("task_created");
            fixtures.task(board, "live");
            JsonNode m3 = again.expectEvent("task_created");

            assertThat(List.of(title(m1), title(m2), title(m3))).containsExactly("missed 1", "missed 2", "live");
            assertThat(m1.get("event_id").asLong()).isGreaterThan(seen);
            assertThat(m2.get("event_id").asLong())
                    .isGreaterThan(m1.get("event_id").asLong());
            assertThat(m3.get("event_id").asLong())
                    .isGreaterThan(m2.get("event_id").asLong());
        }
    }

    /**
     * A tag renamed, recoloured or deleted changes the cards that carry it: the subscribers of each board
     * with such a card hear of it live and on replay (which tag, what it is now, which tasks at which
     * version), and the subscribers of other boards hear nothing.
     */
    @Test
    void aTagRenamedOrDeletedReachesTheSubscribersOfTheBoardsOfItsTasks() throws Exception {
        long board = fixtures.board("Tagged room")[0];
        long quiet = fixtures.board("Untagged room")[0];
        long tag = http.post("/api/v1/tags", obj("name", "Live-Tag")).id();
        long task = fixtures.task(board, "carries it", "tags", List.of("Live-Tag", "bug"));
        long seen;
        try (LiveClient client = subscribed(board);
                LiveClient other = subscribed(quiet)) {
            fixtures.task(board, "before");
            seen = client.expectEvent("task_created").get("event_id").asLong();

            http.patch("/api/v1/tags/" + tag, obj("name", "Live-Renamed", "color", "#0000ff"));

            JsonNode renamed = client.expectEvent("tag_updated");
            assertThat(renamed.get("board_id").asLong()).isEqualTo(board);
            assertThat(renamed.get("data").get("id").asLong()).isEqualTo(tag);
            assertThat(renamed.get("data").get("name").asString()).isEqualTo("Live-Renamed");
            assertThat(renamed.get("data").get("color").asString()).isEqualTo("#0000ff");
            JsonNode shown = fixtures.get(task);
            assertThat(renamed.get("data").get("tasks")).singleElement().satisfies(t -> {
                assertThat(t.get("id").asLong()).isEqualTo(task);
                assertThat(t.get("version").asLong())
                        .isEqualTo(shown.get("version").asLong());
            });

            http.delete("/api/v1/tags/" + tag);

            JsonNode deleted = client.expectEvent("tag_deleted");
            assertThat(deleted.get("data").get("id").asLong()).isEqualTo(tag);
            assertThat(deleted.get("data").get("tasks").get(0).get("version").asLong())
                    .isEqualTo(fixtures.get(task).get("version").asLong());

            // events arrive in commit order: a tag event sent to the other board would come before this
            fixtures.task(quiet, "its own");
            assertThat(other.expectEvent("task_created")
                            .get("data")
                            .get("task")
                            .get("title")
                            .asString())
                    .isEqualTo("its own");
        }

        try (LiveClient again = LiveClient.connect(port, "/ws", token)) {
            again.expect("connected");
            again.send("{\"type\":\"subscribe_board\",\"board_id\":" + board + ",\"last_event_id\":" + seen + "}");
            again.expect("subscribed");
            assertThat(again.expectEvent("tag_updated").get("data").get("name").asString())
                    .isEqualTo("Live-Renamed");
            assertThat(again.expectEvent("tag_deleted").get("data").get("id").asLong())
                    .isEqualTo(tag);
        }
    }

    /**
     * A cursor beyond the feed's end (made up, or kept from before a restore) used to be taken at its
     * word: the socket answered {@code subscribed} and then held back every live event up to it.
     */
    @Test
    void aCursorBeyondTheFeedsEndIsToldAndTheSubscriptionFollowsLiveFromTheEnd() throws Exception {
        long board = fixtures.board("Beyond the end")[0];
        long end = feedEnd();
        try (LiveClient client = LiveClient.connect(port, "/ws", token)) {
            client.expect("connected");
            client.send(
                    "{\"type\":\"subscribe_board\",\"board_id\":" + board + ",\"last_event_id\":" + (end + 3) + "}");
            JsonNode subscribed = client.expect("subscribed");
            JsonNode error = client.expect("error");
            assertThat(error.get("code").asString()).isEqualTo("cursor_expired");
            assertThat(error.get("board_id").asLong()).isEqualTo(board);
            assertThat(error.get("cursor").asLong())
                    .isEqualTo(subscribed.get("cursor").asLong())
                    .isLessThanOrEqualTo(end);
            assertThat(error.get("message").asString()).contains("beyond the feed's end");

            fixtures.task(board, "within the made-up cursor");
            assertThat(title(client.expectEvent("task_created"))).isEqualTo("within the made-up cursor");
        }
    }

    @Test
    void theSeedConnectFormWithACursorBeyondTheEndIsToldAndFollowsLive() throws Exception {
        long board = fixtures.board("Seed beyond")[0];
        try (LiveClient client = LiveClient.connect(
                port, "/ws/connect?client_id=c&board_id=" + board + "&last_event_id=999999999&token=" + token, null)) {
            client.expect("connected");
            long cursor = client.expect("subscribed").get("cursor").asLong();
            JsonNode error = client.expect("error");
            assertThat(error.get("code").asString()).isEqualTo("cursor_expired");
            assertThat(error.get("cursor").asLong()).isEqualTo(cursor);

            fixtures.task(board, "heard after all");
            assertThat(title(client.expectEvent("task_created"))).isEqualTo("heard after all");
        }
    }

    /**
     * The end is the highest id drawn from the outbox sequence, committed or not, read from the database as
     * the change feed reads it: a cursor at it is valid even while the event that drew it is uncommitted
     * (the horizon is below it), one past it is not.
     */
    @Test
    void aCursorAtTheEndIsValidEvenWhileItsEventIsUncommitted() throws Exception {
        long board = fixtures.board("At the end")[0];
        TestDatabase db = TestDatabase.get();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl, db.username, db.password);
                LiveClient client = LiveClient.connect(port, "/ws", token)) {
            client.expect("connected");
            c.setAutoCommit(false);
            long drawn;
            try (PreparedStatement s = c.prepareStatement("""
                    insert into outbox_events (workspace_id, board_id, type, actor, payload)
                    values (?, ?, 'task_created', 'ghost', '{"task": {"title": "still running"}}') returning id
                    """)) {
                s.setLong(1, defaultWorkspace);
                s.setLong(2, board);
                try (var rows = s.executeQuery()) {
                    rows.next();
                    drawn = rows.getLong(1);
                }
            }
            client.send("{\"type\":\"subscribe_board\",\"board_id\":" + board + ",\"last_event_id\":" + drawn + "}");
            assertThat(client.expect("subscribed").get("cursor").asLong()).isLessThan(drawn);
            client.send("{\"type\":\"ping\"}");
            client.expect("pong"); // no error came before it

            client.send(
                    "{\"type\":\"subscribe_board\",\"board_id\":" + board + ",\"last_event_id\":" + (drawn + 1) + "}");
            client.expect("subscribed");
            assertThat(client.expect("error").get("code").asString()).isEqualTo("cursor_expired");
            c.rollback();
        }
    }

    /** The change feed's end now ({@code after=latest}). */
    private long feedEnd() {
        return http.get("/api/v1/events?after=latest").json().get("next_cursor").asLong();
    }

    /** Tomcat's own per-connection buffer size, as it read it when its WebSocket classes initialised. */
    @Test
    void tomcatsWebSocketBuffersAreTheSmallOnes() throws Exception {
        Field size = Class.forName("org.apache.tomcat.websocket.Constants").getDeclaredField("DEFAULT_BUFFER_SIZE");
        size.setAccessible(true);

        assertThat(size.getInt(null)).isEqualTo(RealtimeConfig.BUFFER_SIZE);
    }

    /**
     * The sockets' own buffers stay in the heap unless WEBSOCKET_DIRECT_SOCKET_BUFFERS says otherwise:
     * direct ones halved the live p99 at 1,000 subscribers but cost HTTP throughput (docs/operations.md).
     */
    @Test
    void theSocketsOwnBuffersAreDirectOnlyWhenAsked() {
        TomcatWebServer server = (TomcatWebServer) ((ServletWebServerApplicationContext) context).getWebServer();

        // Tomcat answers the socket properties as text
        assertThat(server.getTomcat().getConnector().getProperty("socket.directBuffer"))
                .isEqualTo("false");
    }

    /**
     * Tomcat encodes and sends a message in parts of its buffer size ({@link RealtimeConfig#BUFFER_SIZE}, or
     * the system property {@code org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE}): a larger one goes out as several frames
     * of one message, which must arrive as that one message, live and when replayed.
     */
    @Test
    void messagesLargerThanTomcatsBuffersArriveWholeLiveAndReplayed() throws Exception {
        long board = fixtures.board("Large events")[0];
        // 40 KB: 1, 2, 3 and 4 bytes per character, so that the buffer's edges fall inside characters too
        String blob = "xé€😀".repeat(4096);
        try (LiveClient live = subscribed(board)) {
            jdbc.sql("""
                    insert into outbox_events (workspace_id, board_id, type, actor, payload)
                    values (:ws, :board, 'task_updated', 'loader', jsonb_build_object('blob', :blob::text))
                    """)
                    .param("ws", defaultWorkspace)
                    .param("board", board)
                    .param("blob", blob)
                    .update();

            JsonNode event = live.expectEvent("task_updated");
            assertThat(event.get("data").get("blob").asString()).isEqualTo(blob);

            try (LiveClient again = LiveClient.connect(port, "/ws", token)) {
                again.expect("connected");
                long before = event.get("event_id").asLong() - 1;
                again.send(
                        "{\"type\":\"subscribe_board\",\"board_id\":" + board + ",\"last_event_id\":" + before + "}");
                again.expect("subscribed");
                JsonNode replayed = again.expectEvent("task_updated");
                assertThat(replayed.get("event_id").asLong())
                        .isEqualTo(event.get("event_id").asLong());
                assertThat(replayed.get("data").get("blob").asString()).isEqualTo(blob);
            }
        }
    }

    @Test
    void badMessagesGetAnErrorAndTheConnectionStays() throws Exception {
        try (LiveClient client = LiveClient.connect(port, "/ws", token)) {
            client.expect("connected");
            client.send("{not json");
            assertThat(client.expect("error").get("code").asString()).isEqualTo("bad_json");
            client.send("{\"type\":\"dance\"}");
            assertThat(client.expect("error").get("code").asString()).isEqualTo("unknown_message");
            client.send("[1,2]");
            assertThat(client.expect("error").get("code").asString()).isEqualTo("invalid_message");
            client.send("{\"type\":\"subscribe_board\",\"board_id\":\"abc\"}");
            assertThat(client.expect("error").get("code").asString()).isEqualTo("invalid_message");
            // beyond a long: refused, not a dropped connection
            client.send("{\"type\":\"subscribe_board\",\"board_id\":9223372036854775808}");
            assertThat(client.expect("error").get("code").asString()).isEqualTo("invalid_message");
            client.send("{\"type\":\"subscribe_board\",\"board_id\":1,\"last_event_id\":99999999999999999999}");
            assertThat(client.expect("error").get("code").asString()).isEqualTo("invalid_message");
            client.send("{\"type\":\"subscribe_board\",\"board_id\":999999999}");
            assertThat(client.expect("error").get("code").asString()).isEqualTo("not_found");

            client.send("{\"type\":\"ping\"}");
            client.expect("pong");
            assertThat(client.isClosed()).isFalse();
        }
    }

    @Test
    void statsAndUnsubscribe() throws Exception {
        long left = fixtures.board("Left")[0];
        long kept = fixtures.board("Kept")[0];
        try (LiveClient client = subscribed(left)) {
            client.subscribe(kept);
            client.expect("subscribed");
            client.send("{\"type\":\"get_stats\"}");
            JsonNode stats = client.expect("stats");
            assertThat(stats.get("connections").asInt()).isPositive();
            assertThat(stats.get("subscribed_boards").toString())
                    .isEqualTo("[" + Math.min(left, kept) + "," + Math.max(left, kept) + "]");

            client.send("{\"type\":\"unsubscribe_board\",\"board_id\":" + left + "}");
            assertThat(client.expect("unsubscribed").get("board_id").asLong()).isEqualTo(left);
            fixtures.task(left, "no longer followed");
            fixtures.task(kept, "still followed");

            assertThat(title(client.expectEvent("task_created"))).isEqualTo("still followed");
        }
    }

    private LiveClient subscribed(long board) throws InterruptedException {
        LiveClient client = LiveClient.connect(port, "/ws", token);
        client.expect("connected");
        client.subscribe(board);
        client.expect("subscribed");
        return client;
    }

    private static String title(JsonNode event) {
        return event.get("data").get("task").get("title").asString();
    }
}
