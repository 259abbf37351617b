package dev.agentkanban.identity;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.platform.Transactions;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.RowSecurity;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Deleting a workspace leaves no row of it in any table. Most tables refer to their workspace by a
 * cascading foreign key; the rows every write appends (history, outbox events, flow figures) do not
 * (V58: checking that key made every writer of a workspace share a lock on its row), and the
 * workspace's deletion removes them itself. The other workspace keeps all its rows.
 */
class WorkspaceDeletionTest extends ApiTest {

    @Autowired
    Transactions tx;

    @Test
    void deletingAWorkspaceLeavesNoRowOfItInAnyTable() {
        RowSecurity rls = new RowSecurity(jdbc, jdbc, tx);
        long doomed = otherWorkspace("doomed");
        Http admin = clientFor("doomed-admin", doomed, Role.ADMIN);
        rls.fill(admin, doomed);
        rls.fill(clientFor("kept-admin", defaultWorkspace, Role.ADMIN), defaultWorkspace);
        // a move, so that the flow figures have spans and counts of the workspace too
        long task = jdbc.sql("select min(id) from tasks where workspace_id = :ws")
                .param("ws", doomed)
                .query(Long.class)
                .single();
        long column = jdbc.sql("""
                        select c.id from board_columns c join tasks t on t.board_id = c.board_id
                        where t.id = :t and c.id <> t.column_id order by c.position limit 1
                        """).param("t", task).query(Long.class).single();
        assertThat(admin.post("/api/v1/tasks/" + task + "/move", obj("column_id", column))
                        .status())
                .isEqualTo(200);
        List<String> appended = List.of(
                "task_history", "outbox_events", "flow_tasks", "flow_spans", "flow_counts", "flow_counts_daily");
        for (String table : appended) {
            assertThat(rows(table, doomed))
                    .as("%s rows of the workspace", table)
                    .isPositive();
        }
        List<String> tables = jdbc.sql("""
                        select c.table_name from information_schema.columns c
                        join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
                        where c.table_schema = 'public' and c.column_name = 'workspace_id' and t.table_type = 'BASE TABLE'
                        order by 1
                        """).query(String.class).list();
        assertThat(tables).containsAll(appended);
        Map<String, Long> kept = new HashMap<>();
        for (String table : tables) {
            kept.put(table, rows(table, defaultWorkspace));
        }

        assertThat(admin.delete("/api/v1/workspaces/" + doomed).status()).isEqualTo(204);

        for (String table : tables) {
            assertThat(rows(table, doomed))
                    .as("%s rows of the deleted workspace", table)
                    .isZero();
            // at least: the service's followers may still be adding rows of the other workspace
            assertThat(rows(table, defaultWorkspace))
                    .as("%s rows of the other workspace", table)
                    .isGreaterThanOrEqualTo(kept.get(table));
        }
    }

    private long rows(String table, long workspace) {
        return jdbc.sql("select count(*) from " + table + " where workspace_id = :ws")
                .param("ws", workspace)
                .query(Long.class)
                .single();
    }
}
