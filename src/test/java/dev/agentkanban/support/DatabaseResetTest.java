package dev.agentkanban.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.platform.Transactions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Guard rail: the reset every test class starts from ({@link ApiTest#resetDatabase}) takes its tables
 * from the schema, so a table added by a new migration is emptied too: after a reset, every table but
 * the few it keeps on purpose is empty, whatever the tests before had put there.
 */
class DatabaseResetTest extends ApiTest {

    @Autowired
    Transactions tx;

    @Test
    void theResetEmptiesEveryTableButTheOnesItKeepsOnPurpose() {
        long other = otherWorkspace("reset-b");
        RowSecurity rows = new RowSecurity(jdbc, jdbc, tx);
        rows.fill(clientFor("reset-ann", defaultWorkspace, Role.ADMIN), defaultWorkspace);
        rows.fill(clientFor("reset-bee", other, Role.ADMIN), other);
        http.post("/api/v1/boards", Http.obj("name", "kept by key"), "Idempotency-Key", "reset-test");
        jdbc.sql("insert into revoked_sessions (jti, expires_at) values ('reset-test', now() + interval '1 hour')")
                .update();
        jdbc.sql("insert into outbox_retention (purged_through) values (0)").update();
        List<String> tables = jdbc.sql("select tablename from pg_tables where schemaname = 'public' order by 1")
                .query(String.class)
                .list();
        assertThat(tables).containsAll(KEPT_BY_RESET.keySet());
        Map<String, Long> before = counts(tables);
        // not vacuous: the tables the fixture fills (every table with row security among them) held rows
        List<String> filled = new java.util.ArrayList<>(rows.protectedTables());
        filled.addAll(List.of(
                "users", "memberships", "api_tokens", "idempotency_keys", "revoked_sessions", "outbox_retention"));
        assertThat(filled)
                .allSatisfy(table -> assertThat(before.get(table))
                        .as("rows of %s before the reset", table)
                        .isPositive());

        resetDatabase(jdbc);

        Map<String, Long> after = counts(tables);
        KEPT_BY_RESET.keySet().forEach(after::remove);
        after.remove("tags");
        assertThat(after)
                .as("rows after the reset")
                .allSatisfy((table, n) -> assertThat(n).as(table).isZero());
        assertThat(jdbc.sql("select slug from workspaces").query(String.class).list())
                .containsExactly("default");
        assertThat(jdbc.sql("select count(*) from tags where workspace_id = :ws")
                        .param("ws", defaultWorkspace)
                        .query(Long.class)
                        .single())
                .as("the default workspace's default tags, again")
                .isEqualTo(count("tags"));
    }

    /**
     * The dispatchers of cached contexts and the durable cursors stay at an id of the class before; an
     * outbox counting from 1 again would let new events pass such a position unseen (live events lost).
     */
    @Test
    void outboxIdsCarryOnAcrossTheReset() {
        long before = event();

        resetDatabase(jdbc);

        assertThat(event()).as("the first event id after the reset").isGreaterThan(before);
    }

    /** Writes an event (as the tests that load the outbox do); returns its id. */
    private long event() {
        return jdbc.sql("""
                insert into outbox_events (workspace_id, type, actor, payload)
                values (:ws, 'board_created', 'reset-test', '{}') returning id
                """)
                .param("ws", workspaces.defaultWorkspaceId())
                .query(Long.class)
                .single();
    }

    private Map<String, Long> counts(List<String> tables) {
        Map<String, Long> counts = new TreeMap<>();
        tables.forEach(t -> counts.put(t, count(t)));
        return counts;
    }
}
