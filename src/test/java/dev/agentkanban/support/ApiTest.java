package dev.agentkanban.support;

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

    @BeforeAll
    void cleanState() {
        http = new Http("http://localhost:" + port);
        resetDatabase(jdbc);
    }

    public static void resetDatabase(JdbcClient jdbc) {
        jdbc.sql("""
                truncate boards, board_columns, tasks, tags, task_tags, comments, evidence, task_history,
                         outbox_events, idempotency_keys restart identity cascade
                """).update();
        jdbc.sql("delete from workspaces where slug <> 'default'").update();
        jdbc.sql("select insert_default_tags(id) from workspaces").query((rs, n) -> 1).list();
    }

    /** How many rows a table holds now (for "nothing changed" assertions). */
    protected long count(String table) {
        return jdbc.sql("select count(*) from " + table).query(Long.class).single();
    }
}
