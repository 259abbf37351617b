package dev.agentkanban.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.identity.Role;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.support.ApiTest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A task write's statement is prepared once on a connection and then only executed, whichever of the
 * task's optional fields are set (issue #19). The driver prepares a statement again, and PostgreSQL
 * parses and plans it again, whenever its parameters' types differ from the last execution's; a null
 * went out without a type and a set text as varchar (a set time as timestamptz), so writes alternating
 * between tasks with and without an epic, a due date... re-planned the move's statement every time
 * (about 5 ms of PostgreSQL's CPU for the statement that answers the view). Counted by PostgreSQL
 * ({@code pg_prepared_statements} of the writing connection): plans made or reused per statement.
 */
class TaskWritePlansTest extends ApiTest {

    private static final int WRITES = 16;

    @Autowired
    TaskRepository repo;

    @Autowired
    TaskQueries queries;

    @Autowired
    Transactions tx;

    @Test
    void aTaskWriteIsPreparedOnceWhicheverOptionalFieldsAreSet() {
        TaskFixtures fx = new TaskFixtures(http);
        long[] board = fx.board("Prepared writes");
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < WRITES; i++) {
            ids.add(
                    i % 2 == 0
                            ? fx.task(board[0], "bare " + i)
                            : fx.task(
                                    board[0],
                                    "full " + i,
                                    "description",
                                    "described",
                                    "acceptance_criteria",
                                    "accepted",
                                    "epic",
                                    "epic",
                                    "area",
                                    "area",
                                    "assignee",
                                    "tester",
                                    "due_date",
                                    "2031-01-01T00:00:00Z"));
        }
        RequestContext ctx = new RequestContext(defaultWorkspace, "tester", Role.ADMIN);
        // one transaction: one connection, whose prepared statements are read before and after the writes
        Map<String, List<Long>> plans = CurrentRequest.runAs(
                ctx,
                () -> tx.write(() -> {
                    Map<String, Long> before = executions();
                    for (long id : ids) {
                        Task t = repo.find(defaultWorkspace, id, true).orElseThrow();
                        repo.update(t);
                        assertThat(queries.written(repo.updating(t))).isPresent();
                    }
                    Map<String, List<Long>> used = new TreeMap<>();
                    jdbc.sql(PREPARED).query(rs -> {
                        long added = rs.getLong(3) - before.getOrDefault(rs.getString(1), 0L);
                        if (added > 0) {
                            used.computeIfAbsent(rs.getString(2), k -> new ArrayList<>())
                                    .add(added);
                        }
                    });
                    return used;
                }));
        // the driver runs a statement unprepared its first four times on a connection (prepareThreshold 5),
        // then prepares it: each later execution is the prepared statement's, planned (five times) or
        // reused. The pooled connection may hold statements prepared by earlier tests' writes (other code
        // paths, other parameter types): only the executions these writes added count, and they must all
        // have gone to one prepared statement per kind; prepared again, they would show on two.
        assertThat(plans.keySet()).containsExactly("update", "update answering the view");
        plans.forEach((statement, counts) -> assertThat(counts)
                .as(statement + ": prepared statements these writes used, each with the executions they added")
                .singleElement()
                .satisfies(n -> assertThat(n).isGreaterThanOrEqualTo(WRITES - 4)));
    }

    private static final String PREPARED = """
            select name,
                   case when statement like 'with%' then 'update answering the view' else 'update' end,
                   generic_plans + custom_plans
            from pg_prepared_statements
            where statement like 'update tasks set column_id%'
               or statement like 'with t as (update tasks set column_id%'
            """;

    /** Executions so far of each task-update statement prepared on this transaction's connection. */
    private Map<String, Long> executions() {
        Map<String, Long> byName = new HashMap<>();
        jdbc.sql(PREPARED).query(rs -> {
            byName.put(rs.getString(1), rs.getLong(3));
        });
        return byName;
    }
}
