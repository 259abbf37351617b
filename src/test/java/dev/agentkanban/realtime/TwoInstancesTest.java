package dev.agentkanban.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.KanbanApplication;
import dev.agentkanban.identity.Identities;
import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.Role;
import dev.agentkanban.identity.Workspaces;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.TestDatabase;
import dev.agentkanban.task.TaskFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Two app instances on two ports against one database, as behind a load balancer: a change made
 * through one reaches WebSocket subscribers of the other. Polling is slowed down to 30 s, so prompt
 * delivery shows the LISTEN/NOTIFY wake-up at work.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoInstancesTest {

    private ConfigurableApplicationContext a;
    private ConfigurableApplicationContext b;
    private String token;
    private String username;

    @BeforeAll
    void startTwoInstances() {
        a = start();
        b = start();
        Identities identities = a.getBean(Identities.class);
        long workspace = a.getBean(Workspaces.class).defaultWorkspaceId();
        String name = "two-" + UUID.randomUUID().toString().substring(0, 8);
        User user = identities.provision(name, name + "-password", workspace, Role.MEMBER, false);
        username = name;
        token = identities.issueToken(user.id(), "two instances", List.of("read", "write"));
    }

    @AfterAll
    void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    @Test
    void aChangeThroughOneInstanceReachesSubscribersOfTheOther() throws Exception {
        TaskFixtures throughA = new TaskFixtures(http(a));
        TaskFixtures throughB = new TaskFixtures(http(b));
        long board = throughA.board("Shared")[0];
        try (LiveClient onB = subscribed(b, board);
                LiveClient onA = subscribed(a, board)) {
            throughA.task(board, "made on A");
            throughB.task(board, "made on B");

            List<String> seenOnB = new ArrayList<>();
            List<String> seenOnA = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                seenOnB.add(title(onB.expectEvent("task_created")));
                seenOnA.add(title(onA.expectEvent("task_created")));
            }

            assertThat(seenOnB).containsExactly("made on A", "made on B");
            assertThat(seenOnA).containsExactly("made on A", "made on B");
        }
    }

    /**
     * Behind a load balancer a person signs in through one instance and their next request (or their
     * board's WebSocket) lands on another. Without SECRET_KEY (outside production) the instances on one
     * database sign sessions with the same generated key, kept in that database: each had a random key
     * of its own, so a session from one was a 401 on the other.
     */
    @Test
    void aSessionSignedInOnOneInstanceIsAcceptedByTheOther() throws Exception {
        String session = new Http("http://localhost:" + port(a))
                .post("/api/v1/auth/login", Http.obj("username", username, "password", username + "-password"))
                .json()
                .get("access_token")
                .asString();
        Http onB = new Http("http://localhost:" + port(b)).withToken(session);
        assertThat(onB.get("/api/v1/auth/me").status()).isEqualTo(200);

        long board = new TaskFixtures(http(a)).board("Session on both")[0];
        try (LiveClient live = LiveClient.connect(port(b), "/ws", session)) {
            live.expect("connected");
            live.subscribe(board);
            live.expect("subscribed");
            new TaskFixtures(new Http("http://localhost:" + port(a)).withToken(session)).task(board, "by session");
            assertThat(title(live.expectEvent("task_created"))).isEqualTo("by session");
        }
    }

    @Test
    void aListenerWhoseConnectionDiesReconnectsAndNothingIsLost() throws Exception {
        TaskFixtures throughA = new TaskFixtures(http(a));
        long board = throughA.board("Listener outage")[0];
        try (LiveClient onB = subscribed(b, board)) {
            List<Boolean> terminated =
                    a.getBean(JdbcClient.class).sql("""
                    select pg_terminate_backend(pid) from pg_stat_activity
                    where application_name = 'kanban-outbox-listener' and datname = current_database()
                    """).query(Boolean.class).list();
            assertThat(terminated).isNotEmpty();

            throughA.task(board, "during the outage");

            assertThat(title(onB.expectEvent("task_created"))).isEqualTo("during the outage");
        }
    }

    private LiveClient subscribed(ConfigurableApplicationContext instance, long board) throws InterruptedException {
        LiveClient client = LiveClient.connect(port(instance), "/ws", token);
        client.expect("connected");
        client.subscribe(board);
        client.expect("subscribed");
        return client;
    }

    private Http http(ConfigurableApplicationContext instance) {
        return new Http("http://localhost:" + port(instance)).withToken(token);
    }

    private static int port(ConfigurableApplicationContext instance) {
        return Integer.parseInt(instance.getEnvironment().getProperty("local.server.port"));
    }

    private static ConfigurableApplicationContext start() {
        TestDatabase db = TestDatabase.get();
        // as command-line arguments, which win over application.yml (server.port: ${PORT:8080})
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.datasource.url=" + db.jdbcUrl,
                "--kanban.events.poll-interval=PT30S",
                "--spring.datasource.hikari.maximum-pool-size=5"));
        if (db.username != null) {
            args.add("--spring.datasource.username=" + db.username);
        }
        if (db.password != null) {
            args.add("--spring.datasource.password=" + db.password);
        }
        return new SpringApplicationBuilder(KanbanApplication.class).run(args.toArray(String[]::new));
    }

    private static String title(JsonNode event) {
        return event.get("data").get("task").get("title").asString();
    }
}
