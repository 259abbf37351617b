package dev.agentkanban.support;

import dev.agentkanban.identity.Identities;
import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.Role;
import dev.agentkanban.identity.Workspaces;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of HTTP-level tests: the whole app on a random port against real PostgreSQL, talked to over
 * real HTTP. Each test class starts from a clean database (all boards, tasks and their trails gone).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ApiTest {

    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcClient jdbc;

    protected Http http;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabase db = TestDatabase.get();
        registry.add("spring.datasource.url", () -> db.jdbcUrl);
        if (db.username != null) {
            registry.add("spring.datasource.username", () -> db.username);
        }
        if (db.password != null) {
            registry.add("spring.datasource.password", () -> db.password);
        }
    }

    @Autowired
    protected Identities identities;

    @Autowired
    protected Workspaces workspaces;

    /** The default workspace's id. */
    protected long defaultWorkspace;

    /** The test's own admin (also a system admin), whose token {@link #http} sends. */
    protected User admin;

    @BeforeAll
    void cleanState() {
        resetDatabase(jdbc);
        defaultWorkspace = workspaces.defaultWorkspaceId();
        admin = identities.provision("tester", "tester-password", defaultWorkspace, Role.ADMIN, true);
        http = new Http("http://localhost:" + port)
                .withToken(identities.issueToken(admin.id(), "tests", List.of("read", "write", "admin")));
    }

    /**
     * The tables the reset leaves alone, and why; every other table of the schema is emptied, so a new
     * table is reset without being listed anywhere ({@code DatabaseResetTest} checks both).
     */
    public static final Map<String, String> KEPT_BY_RESET = Map.of(
            "flyway_schema_history",
            "the applied migrations",
            "workspaces",
            "the default workspace stays; every other one is deleted (with all its rows)",
            "webhook_cursor",
            "one row, updated and never inserted by the fan-out; the reset keeps the outbox's ids going up,"
                    + " so its position stays valid (were it beyond the outbox's end, the fan-out would"
                    + " start over: ChangeFeed.beyondOutbox)",
            "rule_cursor",
            "likewise for the automation rules' fan-out (rule/RuleEngine)",
            "notification_cursor",
            "likewise for the notification fan-out, which also makes the row when it is missing: emptied,"
                    + " the fan-out running meanwhile would make it again under the reset",
            "service_secrets",
            "the session signing key the contexts share without SECRET_KEY (V83): the cached contexts"
                    + " sign with it, and one started after the reset must too");

    public static void resetDatabase(JdbcClient jdbc) {
        String tables = jdbc.sql("""
                select string_agg(format('%I', tablename), ', ' order by tablename) from pg_tables
                where schemaname = 'public' and tablename <> all (:kept)
                """)
                .param("kept", KEPT_BY_RESET.keySet().toArray(String[]::new))
                .query(String.class)
                .single();
        // the service's background loops (fan-outs, scans) read these tables meanwhile; PostgreSQL may
        // pick the truncate as a deadlock's victim against one of them, and then it is simply done again
        for (int attempt = 1; ; attempt++) {
            try {
                // in one transaction, the outbox's ids carry on from where they were: the dispatchers of
                // the contexts that stay cached (and the durable cursors) are at an id of the last test
                // class, and an outbox starting again at 1 would pass such a position unnoticed, its first
                // events never delivered (LiveLimitsTest lost events 2 to 4 of 61 so after a class that
                // had made 4 events); production ids never go back
                jdbc.sql("""
                        do $reset$
                        declare
                            seq constant text := pg_get_serial_sequence('outbox_events', 'id');
                            last bigint;
                            called boolean;
                        begin
                            execute format('select last_value, is_called from %%s', seq) into last, called;
                            execute 'truncate %s restart identity cascade';
                            perform setval(seq, last, called);
                        end
                        $reset$
                        """.formatted(tables)).update();
                break;
            } catch (org.springframework.dao.PessimisticLockingFailureException deadlock) {
                if (attempt == 5) {
                    throw deadlock;
                }
            }
        }
        jdbc.sql("delete from workspaces where slug <> 'default'").update();
        // the default workspace is kept: its settings go back to a new workspace's
        jdbc.sql("update workspaces set require_two_factor = false where require_two_factor")
                .update();
        jdbc.sql("select insert_default_tags(id) from workspaces")
                .query((rs, n) -> 1)
                .list();
    }

    /** A user with a role in a workspace, and a client carrying their token (all scopes unless given). */
    protected Http clientFor(String username, long workspaceId, Role role, String... scopes) {
        User user = identities.provision(username, username + "-password", workspaceId, role, false);
        List<String> s = scopes.length == 0 ? List.of("read", "write", "admin") : List.of(scopes);
        return http.withToken(identities.issueToken(user.id(), "tests", s));
    }

    /** A second workspace with its own admin; returns its id. */
    protected long otherWorkspace(String slug) {
        return jdbc.sql("insert into workspaces (slug, name) values (:s, :s) returning id")
                .param("s", slug)
                .query(Long.class)
                .single();
    }

    /** The role the user of this name holds in the default workspace (for sign-ins that create accounts). */
    protected String roleInDefaultWorkspace(String username) {
        return jdbc.sql("""
                select m.role from memberships m join users u on u.id = m.user_id
                where u.username = :u and m.workspace_id = :ws
                """)
                .param("u", username)
                .param("ws", defaultWorkspace)
                .query(String.class)
                .single();
    }

    /** How many rows a table holds now (for "nothing changed" assertions). */
    protected long count(String table) {
        return jdbc.sql("select count(*) from " + table).query(Long.class).single();
    }
}
