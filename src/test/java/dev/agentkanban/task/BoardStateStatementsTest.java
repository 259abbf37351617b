package dev.agentkanban.task;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The board state reads the work breakdown (blockers, parents, subtask and checklist progress) of all
 * its tasks in one statement: the statements a request runs do not grow with its tasks or relations.
 * Counted on the real connection pool: every statement the request's thread prepares is recorded.
 */
@Import(BoardStateStatementsTest.Counting.class)
class BoardStateStatementsTest extends ApiTest {

    static final List<String> STATEMENTS = new CopyOnWriteArrayList<>();
    /** Set while a request carrying {@code X-Count-Statements} is handled on this thread. */
    static final ThreadLocal<Boolean> COUNTING = ThreadLocal.withInitial(() -> false);

    @TestConfiguration
    static class Counting {
        @Bean
        static BeanPostProcessor countingDataSource() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    return bean instanceof DataSource ds && !(bean instanceof Recording) && !name.startsWith("worker")
                            ? new Recording(ds)
                            : bean;
                }
            };
        }

        @Bean
        FilterRegistrationBean<Filter> countingRequests() {
            FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>((request, response, chain) -> {
                boolean counted = ((HttpServletRequest) request).getHeader("X-Count-Statements") != null;
                COUNTING.set(counted);
                try {
                    chain.doFilter(request, response);
                } finally {
                    COUNTING.remove();
                }
            });
            registration.setOrder(Integer.MIN_VALUE);
            return registration;
        }
    }

    /** Records the SQL the counted request prepares (other threads, e.g. the outbox dispatcher, are left out). */
    static final class Recording extends DelegatingDataSource {
        Recording(DataSource target) {
            super(target);
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection real = super.getConnection();
            return (Connection) Proxy.newProxyInstance(
                    Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        if (method.getName().startsWith("prepare")
                                && args != null
                                && args[0] instanceof String sql
                                && COUNTING.get()) {
                            STATEMENTS.add(sql);
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }

    TaskFixtures fx;

    @BeforeAll
    void fixtures() {
        fx = new TaskFixtures(http);
    }

    /** The statements one board-state request runs. */
    private List<String> boardState(long board) {
        STATEMENTS.clear();
        Response r = http.get("/api/v1/boards/" + board + "/tasks", "X-Count-Statements", "1");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return List.copyOf(STATEMENTS);
    }

    @Test
    void theBreakdownOfEveryShownTaskIsOneStatement() {
        long[] small = fx.board("Small");
        for (int i = 0; i < 3; i++) {
            fx.task(small[0], "alone " + i, "column_id", small[1 + i]);
        }
        long[] big = fx.board("Big");
        long previous = 0;
        for (int i = 0; i < 30; i++) {
            long id = fx.task(big[0], "task " + i, "column_id", big[1 + i % 3]);
            if (i % 3 != 0) {
                assertThat(http.post(
                                        "/api/v1/tasks/" + id + "/relations",
                                        obj("kind", i % 3 == 1 ? "blocked_by" : "parent", "task_id", previous))
                                .status())
                        .isEqualTo(201);
            }
            http.post("/api/v1/tasks/" + id + "/checklist", obj("text", "step of " + i));
            previous = id;
        }

        // and a board seeded with SQL: 3,000 tasks, 600 relations (300 subtask pairs, 300 blockers), 1,500 checklist
        // items
        long[] huge = fx.board("Huge");
        jdbc.sql("""
                insert into tasks (workspace_id, board_id, column_id, position, title)
                select b.workspace_id, b.id, (array[:c1, :c2, :c3])[g % 3 + 1], g * 65536, 'seeded ' || g
                from boards b, generate_series(1, 3000) g where b.id = :board
                """)
                .param("board", huge[0])
                .param("c1", huge[1])
                .param("c2", huge[2])
                .param("c3", huge[3])
                .update();
        jdbc.sql("""
                with t as (select id, workspace_id, row_number() over (order by id) - 1 as i from tasks where board_id = :board)
                insert into task_relations (workspace_id, kind, from_task_id, to_task_id, created_by)
                select a.workspace_id, case when a.i % 10 = 0 then 'parent' else 'blocks' end, a.id, b.id, 'test'
                from t a join t b on b.i = a.i + 1 where a.i % 10 in (0, 5)
                """).param("board", huge[0]).update();
        jdbc.sql("""
                insert into checklist_items (workspace_id, task_id, position, text, done)
                select workspace_id, id, 65536, 'step of ' || id, id % 3 = 0 from tasks where board_id = :board and id % 2 = 0
                """).param("board", huge[0]).update();
        assertThat(count("task_relations r join tasks t on t.id = r.to_task_id where t.board_id = " + huge[0]))
                .isEqualTo(600);

        List<String> smallRun = boardState(small[0]);
        List<String> bigRun = boardState(big[0]);
        List<String> hugeRun = boardState(huge[0]);
        // the breakdown (blockers, parent, subtasks, checklist) comes inside the statement that reads a column's
        // tasks, through V60's task_list_parts() of all its rows: as many statements read the parts for 30 tasks
        // as for 3, and for 3,000
        long relationStatements = mentioning(smallRun, "task_list_parts(");
        assertThat(relationStatements).isPositive();
        assertThat(mentioning(bigRun, "task_list_parts(")).isEqualTo(relationStatements);
        // 30 tasks with 20 relations run no more statements than 3 tasks without any (one per non-empty column, as
        // before)
        assertThat(bigRun).hasSameSizeAs(smallRun);
        assertThat(hugeRun).hasSameSizeAs(smallRun);
        assertThat(mentioning(hugeRun, "task_list_parts(")).isEqualTo(relationStatements);
        System.out.println("board state: " + hugeRun.size() + " statements for 3,000 tasks with 600 relations, "
                + bigRun.size() + " for 30 tasks with 20 relations, " + smallRun.size() + " for 3 tasks");
    }

    private static long mentioning(List<String> statements, String table) {
        return statements.stream().filter(sql -> sql.contains(table)).count();
    }
}
