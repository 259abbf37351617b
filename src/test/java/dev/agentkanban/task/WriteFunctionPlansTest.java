package dev.agentkanban.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The database functions every create, move and update runs keep their statements' plans (issue #19,
 * V56): planned again on every call, they cost about 0.5 ms (the column lock) and 0.2 ms (each history
 * row) of PostgreSQL's CPU per write. A PL/pgSQL statement planned once and reused shows its variables
 * as parameters ({@code $1}) in its plan; a statement planned for each call shows their values. The plans
 * are read with {@code auto_explain}, whose log lines reach the session as warnings.
 */
class WriteFunctionPlansTest extends ApiTest {

    @Autowired
    DataSource dataSource;

    @Test
    void theColumnLockKeepsOnePlanWithAndWithoutAWipLimit() throws SQLException {
        TaskFixtures fx = new TaskFixtures(http);
        long[] board = fx.board("Planned once");
        long open = board[1];
        long limited = board[2];
        jdbc.sql("update board_columns set wip_limit = 5 where id = :id")
                .param("id", limited)
                .update();
        for (long column : new long[] {open, limited}) {
            String plan = lastNestedPlan(
                    "select task_count from lock_column_for_placement(" + defaultWorkspace + ", " + column + ", 0)");
            assertThat(plan)
                    .as("the last of ten calls' plan of the column's last position (column %d)", column)
                    .contains("Query Text: select c.id, c.board_id")
                    .containsPattern("column_id = \\$\\d")
                    .doesNotContain("column_id = '" + column + "'");
        }
    }

    @Test
    void theHistoryRowOfAChangeIsWrittenByAPlPgSqlFunction() {
        // PostgreSQL 15 keeps no plan for a SQL-language function's body: every call plans it again
        assertThat(jdbc.sql("""
                        select l.lanname from pg_proc p join pg_language l on l.oid = p.prolang
                        where p.proname = 'record_task_change'
                        """).query(String.class).single()).isEqualTo("plpgsql");
    }

    /** The plan auto_explain logged last for a statement nested in the tenth run of {@code sql}. */
    private String lastNestedPlan(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            try {
                s.execute("load 'auto_explain'");
                s.execute("set local auto_explain.log_min_duration = 0");
                s.execute("set local auto_explain.log_nested_statements = on");
                s.execute("set local client_min_messages = log");
                List<String> plans = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    s.clearWarnings();
                    s.execute(sql);
                    plans.clear();
                    for (SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
                        plans.add(w.getMessage());
                    }
                }
                return plans.stream()
                        .filter(p -> p.contains("Query Text: select c.id"))
                        .reduce((a, b) -> b)
                        .orElse(String.join("\n", plans));
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
    }
}
