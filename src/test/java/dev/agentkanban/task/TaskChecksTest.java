package dev.agentkanban.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentkanban.support.ApiTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;

/**
 * The fourteen rules of a task's row (V1, V28, V33) are kept by {@code tasks_before_write} since V61
 * instead of CHECK constraints, which PostgreSQL 15 parsed and planned in every statement that wrote
 * tasks (issue #19). Whoever writes the row (the service, an import, a restore, admin SQL), an insert
 * or an update that breaks one is refused as before: SQL state 23514 with the constraint's name, the
 * first failing one in name order when several fail, the same limits (in characters, not bytes). The
 * trigger-kept {@code search} column is the title's and description's text search vector, as the
 * generated column was; the service's update, which sets every column, runs neither the refusal's
 * function nor the assignees' trigger when the row is valid and its assignee unchanged.
 */
class TaskChecksTest extends ApiTest {

    /** A former CHECK constraint, a value of COLUMN that breaks it and one at its limit that does not. */
    record Rule(String constraint, String column, String bad, String good) {}

    static final List<Rule> RULES = List.of(
            new Rule(
                    "tasks_acceptance_criteria_check",
                    "acceptance_criteria",
                    "repeat('é', 20001)",
                    "repeat('é', 20000)"),
            new Rule("tasks_area_check", "area", "repeat('é', 201)", "repeat('é', 200)"),
            new Rule("tasks_assignee_check", "assignee", "repeat('x', 201)", "repeat('é', 200)"),
            new Rule("tasks_cancel_reason_check", "cancel_reason", "repeat('é', 2001)", "repeat('é', 2000)"),
            new Rule("tasks_custom_fields_shape", "custom_fields", "'[1]'::jsonb", "'{\"1\": \"x\"}'::jsonb"),
            new Rule(
                    "tasks_custom_fields_shape",
                    "custom_fields",
                    "jsonb_build_object('1', repeat('x', 70000))",
                    "jsonb_build_object('1', repeat('x', 60000))"),
            new Rule("tasks_description_check", "description", "repeat('é', 100001)", "repeat('é', 100000)"),
            new Rule("tasks_epic_check", "epic", "repeat('é', 201)", "repeat('é', 200)"),
            new Rule("tasks_metadata_check", "metadata", "'\"text\"'::jsonb", "'{}'::jsonb"),
            new Rule(
                    "tasks_metadata_check",
                    "metadata",
                    "jsonb_build_object('k', repeat('x', 100000))",
                    "jsonb_build_object('k', repeat('x', 60000))"),
            // 64 KB of JSON in small numbers takes six times that as jsonb; its JSON text decides (V85)
            new Rule(
                    "tasks_metadata_check",
                    "metadata",
                    "jsonb_build_object('k', (select jsonb_agg(1) from generate_series(1, 60000)))",
                    "jsonb_build_object('k', (select jsonb_agg(1) from generate_series(1, 30000)))"),
            new Rule("tasks_occurrence_count_check", "occurrence_count", "0", "1"),
            new Rule("tasks_off_board_has_no_position", "position", "null", "(select max(position) + 1 from tasks)"),
            new Rule("tasks_off_board_has_no_position", "archived_at", "now()", "null"),
            new Rule("tasks_owner_check", "owner", "'robot'", "'agent'"),
            new Rule("tasks_priority_check", "priority", "'critical'", "'urgent'"),
            new Rule("tasks_status_check", "status", "'sleeping'", "'cancelled'"),
            new Rule("tasks_title_check", "title", "''", "repeat('é', 500)"),
            new Rule("tasks_title_check", "title", "repeat('x', 501)", "'x'"));

    @Autowired
    DataSource dataSource;

    long board;
    long column;
    long task;
    long position = 100 * 65536;

    @BeforeAll
    void aBoardAndATask() {
        long[] b = new TaskFixtures(http).board("Checked");
        board = b[0];
        column = b[2];
        task = new TaskFixtures(http).task(board, "checked task", "column_id", column);
    }

    @Test
    void everyFormerCheckRefusesAnInsertAndAnUpdateByItsName() {
        for (Rule r : RULES) {
            refused(r.constraint(), r + ", insert", () -> insert(Map.of(r.column(), r.bad())));
            refused(r.constraint(), r + ", update", () -> update(r.column() + " = " + r.bad()));
            long inserted = insert(Map.of(r.column(), r.good()));
            assertThat(inserted).as("%s, insert at the limit", r).isPositive();
            assertThat(update(r.column() + " = " + r.good()))
                    .as("%s, update at the limit", r)
                    .isEqualTo(1);
            jdbc.sql("update tasks set archived_at = null, position = :p where id = :id")
                    .param("p", position++)
                    .param("id", task)
                    .update();
        }
        assertThat(jdbc.sql("select count(*) from pg_constraint where conrelid = 'tasks'::regclass and contype = 'c'")
                        .query(Long.class)
                        .single())
                .as("no CHECK constraint left on tasks: each was parsed and planned in every statement")
                .isZero();
    }

    @Test
    void theFirstFailingRuleInNameOrderIsNamedAsPostgreSqlNamedIt() {
        refused("tasks_epic_check", "epic and status", () -> update("status = 'sleeping', epic = repeat('x', 300)"));
        refused("tasks_status_check", "status and title", () -> update("status = 'sleeping', title = ''"));
        refused(
                "tasks_metadata_check",
                "metadata and owner",
                () -> insert(Map.of("owner", "'robot'", "metadata", "'[]'::jsonb")));
    }

    @Test
    void searchIsTheTitleAndDescriptionVectorWhateverTheWriteSets() {
        long t = insert(Map.of("title", "'Quarterly rocket launch'", "description", "'fuel the boosters'"));
        update(t, "title = 'Quarterly balloon launch'");
        update(t, "column_id = column_id, position = position, description = description, status = 'in_progress'");
        update(t, "search = to_tsvector('english', 'forged')");
        assertThat(jdbc.sql("""
                        select search = to_tsvector('english', 'Quarterly balloon launch fuel the boosters')
                        from tasks where id = :id
                        """).param("id", t).query(Boolean.class).single()).isTrue();
        update(t, "description = null");
        assertThat(jdbc.sql("select search::text from tasks where id = :id")
                        .param("id", t)
                        .query(String.class)
                        .single())
                .isEqualTo("'balloon':2 'launch':3 'quarter':1");
    }

    @Test
    void theServicesUpdateOfEveryColumnRunsNoRefusalNorAssigneeSync() throws SQLException {
        String everyColumn = """
                update tasks set column_id = column_id, position = position, title = 'renamed', description = description,
                       acceptance_criteria = acceptance_criteria, status = status, cancel_reason = cancel_reason,
                       priority = priority, epic = epic, area = area, owner = owner, assignee = assignee,
                       claimed_by = claimed_by, claim_expires_at = claim_expires_at, due_date = due_date,
                       occurrence_count = occurrence_count, metadata = metadata, custom_fields = custom_fields
                where id = %d
                """.formatted(task);
        assertThat(calls(everyColumn)).as("every column set, the title changed").isEmpty();
        assertThat(calls("update tasks set assignee = 'somebody' where id = " + task))
                .as("the assignee changed")
                .containsExactly(Map.entry("tasks_sync_assignees", 1L));
        assertThat(calls(everyColumn)).as("every column set again").isEmpty();
    }

    private long insert(Map<String, String> values) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("workspace_id", Long.toString(defaultWorkspace));
        row.put("board_id", Long.toString(board));
        row.put("column_id", Long.toString(column));
        row.put("position", Long.toString(position++));
        row.put("title", "'inserted'");
        row.putAll(values);
        return jdbc.sql("insert into tasks (" + String.join(", ", row.keySet()) + ") values ("
                        + String.join(", ", row.values()) + ") returning id")
                .query(Long.class)
                .single();
    }

    private int update(String set) {
        return update(task, set);
    }

    private int update(long id, String set) {
        return jdbc.sql("update tasks set " + set + " where id = :id")
                .param("id", id)
                .update();
    }

    private static void refused(String constraint, String what, Runnable write) {
        assertThatThrownBy(write::run)
                .as(what)
                .isInstanceOf(DataIntegrityViolationException.class)
                .satisfies(e -> {
                    PSQLException cause = (PSQLException) ((DataIntegrityViolationException) e).getMostSpecificCause();
                    ServerErrorMessage m = cause.getServerErrorMessage();
                    assertThat(cause.getSQLState()).as(what).isEqualTo("23514");
                    assertThat(m.getConstraint()).as(what).isEqualTo(constraint);
                    assertThat(m.getTable()).as(what).isEqualTo("tasks");
                    assertThat(m.getMessage())
                            .as(what)
                            .isEqualTo(
                                    "new row for relation \"tasks\" violates check constraint \"" + constraint + "\"");
                });
    }

    /** The rule functions STATEMENT called, in its own committed transaction. */
    private Map<String, Long> calls(String statement) throws SQLException {
        String counted = """
                select p.proname, coalesce(pg_stat_get_xact_function_calls(p.oid), 0) from pg_proc p
                where p.proname in ('tasks_failed_check', 'tasks_sync_assignees') and p.pronamespace = 'public'::regnamespace
                """;
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            try {
                s.execute("set local track_functions = 'all'");
                s.execute("select set_config('kanban.workspace_id', '" + defaultWorkspace + "', true),"
                        + " set_config('kanban.actor', 'tester', true)");
                Map<String, Long> before = read(c, counted);
                s.execute(statement);
                Map<String, Long> out = new TreeMap<>();
                read(c, counted).forEach((k, v) -> {
                    long d = v - before.getOrDefault(k, 0L);
                    if (d != 0) {
                        out.put(k, d);
                    }
                });
                c.commit();
                return out;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private static Map<String, Long> read(Connection c, String sql) throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        try (PreparedStatement s = c.prepareStatement(sql);
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.put(r.getString(1), r.getLong(2));
            }
        }
        return out;
    }
}
