package dev.agentkanban.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The board statistics' counts of overdue and recently completed tasks can be answered from their
 * indexes alone (index-only scans), as the service's role runs them: each index carries every column
 * the count reads, the row-level security policy's {@code workspace_id} included. When the statement
 * came to filter on columns the indexes did not carry (issue 17's trash filters), every matching row
 * was fetched from the table again: at 100,000 tasks the statistics went from 2.5 ms to 9.2 ms p50,
 * 7,324 buffers per statement instead of 249 (V47). The columns are checked, not a time; a plan
 * check would depend on the planner's choice on the test database's few rows.
 */
class StatsIndexesTest extends ApiTest {

    @Test
    void theOverdueCountReadsOnlyColumnsOfItsIndex() {
        // what the count filters on: the board, the due date, the status (the index's predicate) and the place
        assertThat(StatsRepository.MOMENT)
                .contains("board_id = :board and due_date < now() and status in ('pending', 'in_progress')")
                .contains("and position is not null) as overdue");
        assertThat(columns("tasks_open_due_idx"))
                .containsExactlyInAnyOrder("board_id", "workspace_id", "due_date", "position");
        assertThat(predicate("tasks_open_due_idx"))
                .contains("due_date IS NOT NULL")
                .contains("pending")
                .contains("in_progress");
    }

    @Test
    void theCompletedThisWeekCountReadsOnlyColumnsOfItsIndex() {
        // what the count filters on: the board, the completion time and the trash
        assertThat(StatsRepository.MOMENT)
                .contains("board_id = :board and completed_at >= w.start and deleted_at is null) as completed");
        assertThat(columns("tasks_completed_idx"))
                .containsExactlyInAnyOrder("board_id", "workspace_id", "completed_at", "deleted_at");
    }

    /** The index's key and included columns. */
    private List<String> columns(String index) {
        return jdbc.sql("""
                        select a.attname from pg_index i
                        join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any (i.indkey)
                        where i.indexrelid = cast(:index as regclass)
                        """).param("index", index).query(String.class).list();
    }

    private String predicate(String index) {
        return jdbc.sql(
                        "select pg_get_expr(indpred, indrelid) from pg_index where indexrelid = cast(:index as regclass)")
                .param("index", index)
                .query(String.class)
                .single();
    }
}
