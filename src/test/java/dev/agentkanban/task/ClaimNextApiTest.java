package dev.agentkanban.task;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.support.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /tasks/claim-next}: agents take work without colliding. The pick is atomic (two agents
 * never get the same task), most urgent then oldest first, and a lease that runs out puts the task
 * back in the pool, with the lapse in its history.
 */
class ClaimNextApiTest extends ApiTest {

    TaskFixtures fx;

    @BeforeAll
    void fixtures() {
        fx = new TaskFixtures(http);
    }

    /** The task's lease runs out. */
    void lapse(long id) {
        jdbc.sql("update tasks set claim_expires_at = now() - interval '1 second' where id = :id")
                .param("id", id)
                .update();
    }

    Http agent(String name) {
        User user = identities.provision(name, name + "-password", defaultWorkspace, Role.AGENT, false);
        return http.withToken(identities.issueToken(user.id(), "agent", List.of("read", "write")));
    }

    /**
     * A task whose row a short concurrent transaction holds (an insert referencing it, such as a comment,
     * a history row or the notification fan-out, takes FOR KEY SHARE) is still claimed: the claim looks
     * again shortly instead of telling the agent there is nothing to do, as it did when it skipped the
     * held row once and gave up.
     */
    @Test
    void aTaskHeldForAMomentByAnInsertReferencingItIsStillClaimed() throws Exception {
        long[] b = fx.board("Referenced");
        long task = fx.task(b[0], "referenced elsewhere");
        Http agent = agent("referenced-agent");
        try (Connection other = holdingTheKeyOf(task)) {
            // the referencing transaction ends a moment later, as such inserts do
            Thread holder = Thread.ofVirtual().start(() -> {
                try (PreparedStatement end = other.prepareStatement("select pg_sleep(0.05)")) {
                    end.executeQuery().close();
                    other.commit();
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Response r = agent.post("/api/v1/tasks/claim-next", obj("board_id", b[0]));
            holder.join();
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.id()).isEqualTo(task);
        }
    }

    /**
     * A more urgent task whose row another transaction holds only for its key (an insert referencing it:
     * the notification fan-out's automatic watch of a new task, a comment, a relation) is the one claimed,
     * not passed over for a less urgent one: the claim waits the moment for that transaction instead of
     * skipping the row. Only claimers (and writers) of the task itself are skipped.
     */
    @Test
    void aMoreUrgentTaskHeldForItsKeyIsNotPassedOver() throws Exception {
        long[] b = fx.board("Key held");
        long medium = fx.task(b[0], "medium");
        long urgent = fx.task(b[0], "urgent", "priority", "urgent");
        Http agent = agent("patient-agent");
        try (Connection other = holdingTheKeyOf(urgent)) {
            CompletableFuture<Response> claim =
                    CompletableFuture.supplyAsync(() -> agent.post("/api/v1/tasks/claim-next", obj("board_id", b[0])));
            // the claim either answers at once (it skipped the held row) or waits for the holder to lock
            // the task for its change: only then is the holder's transaction ended
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() ->
                            claim.isDone() || jdbc.sql("""
                                            select count(*) from pg_stat_activity
                                            where datname = current_database() and cardinality(pg_blocking_pids(pid)) > 0
                                              and query like '%lock_task_for_change%'
                                            """).query(Long.class).single() > 0);
            other.commit();
            Response r = claim.get(30, TimeUnit.SECONDS);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.id()).isEqualTo(urgent).isNotEqualTo(medium);
        }
    }

    /**
     * A connection of its own in a transaction holding the task's row for its key, as an insert
     * referencing the task does until its transaction ends.
     */
    private static Connection holdingTheKeyOf(long task) throws java.sql.SQLException {
        TestDatabase db = TestDatabase.get();
        Connection other = DriverManager.getConnection(db.jdbcUrl, db.username, db.password);
        try (PreparedStatement hold = other.prepareStatement("select id from tasks where id = ? for key share")) {
            other.setAutoCommit(false);
            hold.setLong(1, task);
            hold.executeQuery().close();
            return other;
        } catch (java.sql.SQLException e) {
            other.close();
            throw e;
        }
    }

    @Test
    void eightConcurrentAgentsClaimAHundredTasksEachExactlyOnce() throws Exception {
        long[] b = fx.board("Swarm");
        jdbc.sql("""
                insert into tasks (workspace_id, board_id, column_id, position, title, priority)
                select :ws, :board, :column, g * 1024, 'swarm task ' || g, (array['low','medium','high','urgent'])[1 + g % 4]
                from generate_series(1, 100) g
                """)
                .param("ws", defaultWorkspace)
                .param("board", b[0])
                .param("column", b[2])
                .update();
        List<Http> agents = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            agents.add(agent("swarm-agent-" + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<List<Long>>> work = new ArrayList<>();
        for (Http agent : agents) {
            Callable<List<Long>> loop = () -> {
                List<Long> mine = new ArrayList<>();
                for (int attempt = 0; attempt < 200; attempt++) {
                    Response r = agent.post("/api/v1/tasks/claim-next", obj("board_id", b[0], "lease_seconds", 600));
                    if (r.status() == 204) {
                        return mine;
                    }
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                    mine.add(r.id());
                }
                throw new AssertionError("an agent kept getting tasks after 200 claims");
            };
            work.add(pool.submit(loop));
        }
        List<Long> all = new ArrayList<>();
        Map<Integer, Integer> perAgent = new java.util.TreeMap<>();
        for (int i = 0; i < work.size(); i++) {
            List<Long> mine = work.get(i).get(120, TimeUnit.SECONDS);
            perAgent.put(i, mine.size());
            all.addAll(mine);
        }
        pool.shutdown();

        assertThat(all).hasSize(100);
        assertThat(new HashSet<>(all)).hasSize(100);
        assertThat(jdbc.sql("select count(*) from tasks where board_id = :b and claimed_by like 'swarm-agent-%'")
                        .param("b", b[0])
                        .query(Long.class)
                        .single())
                .isEqualTo(100);
        // one 'claimed' history row per task, each by the agent that got it
        assertThat(jdbc.sql("""
                select count(*) from task_history h join tasks t on t.id = h.task_id
                where t.board_id = :b and h.action = 'claimed' and h.actor = t.claimed_by
                """).param("b", b[0]).query(Long.class).single()).isEqualTo(100);
        assertThat(count("outbox_events where type = 'task_claimed'")).isGreaterThanOrEqualTo(100);
        assertThat(perAgent.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);
    }

    @Test
    void theMostUrgentThenOldestOpenTaskComesFirst() {
        long[] b = fx.board("Order");
        long oldMedium = fx.task(b[0], "old medium");
        long high = fx.task(b[0], "high", "priority", "high");
        long newUrgent = fx.task(b[0], "new urgent", "priority", "urgent");
        long olderUrgent = fx.task(b[0], "older urgent", "priority", "urgent");
        jdbc.sql("update tasks set created_at = now() - interval '1 hour' where id = :id")
                .param("id", olderUrgent)
                .update();
        long done = fx.task(b[0], "done urgent", "priority", "urgent", "column", "Done");
        Http agent = agent("orderly-agent");

        List<Long> order = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Response r = agent.post("/api/v1/tasks/claim-next", obj("board_id", b[0]));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().get("claimed_by").asString()).isEqualTo("orderly-agent");
            assertThat(r.header("ETag")).isPresent();
            order.add(r.id());
        }
        assertThat(order).containsExactly(olderUrgent, newUrgent, high, oldMedium);
        assertThat(order).doesNotContain(done);
        assertThat(agent.post("/api/v1/tasks/claim-next", obj("board_id", b[0])).status())
                .isEqualTo(204);
    }

    @Test
    void filtersNarrowThePick() {
        long[] b = fx.board("Filters");
        fx.task(b[0], "backlog urgent", "priority", "urgent");
        long todo = fx.task(b[0], "todo medium", "column", "To Do", "epic", "search");
        long tagged = fx.task(b[0], "tagged", "column", "To Do", "tags", List.of("infrastructure"));
        Http agent = agent("picky-agent");

        assertThat(agent.post(
                                "/api/v1/tasks/claim-next",
                                obj("board_id", b[0], "column", "to do", "tag", "Infrastructure"))
                        .id())
                .isEqualTo(tagged);
        assertThat(agent.post("/api/v1/tasks/claim-next", obj("board_id", b[0], "column_id", b[2], "epic", "search"))
                        .id())
                .isEqualTo(todo);
        assertThat(agent.post("/api/v1/tasks/claim-next", obj("board_id", b[0], "column_id", b[2]))
                        .status())
                .isEqualTo(204);
        assertThat(agent.post("/api/v1/tasks/claim-next", obj("board_id", b[0], "priority", "low"))
                        .status())
                .isEqualTo(204);
    }

    @Test
    void anExpiredLeaseReturnsTheTaskToThePoolAndTheHistorySaysSo() {
        long[] b = fx.board("Leases");
        long id = fx.task(b[0], "abandoned");
        Http first = agent("slow-agent");
        Http second = agent("next-agent");
        Response claimed = first.post("/api/v1/tasks/claim-next", obj("board_id", b[0], "lease_seconds", 60));
        assertThat(claimed.id()).isEqualTo(id);
        first.post("/api/v1/tasks/" + id + "/start", null);
        assertThat(second.post("/api/v1/tasks/claim-next", obj("board_id", b[0]))
                        .status())
                .isEqualTo(204);

        // the lease runs out
        lapse(id);

        Response taken = second.post("/api/v1/tasks/claim-next", obj("board_id", b[0]));
        assertThat(taken.status()).as(taken.body()).isEqualTo(200);
        assertThat(taken.id()).isEqualTo(id);
        assertThat(taken.json().get("claimed_by").asString()).isEqualTo("next-agent");
        assertThat(taken.json().get("status").asString()).isEqualTo("in_progress");

        List<Map<String, Object>> rows = jdbc.sql("""
                select action, old_value, new_value, actor from task_history
                where task_id = :id and action in ('claimed', 'claim_expired') order by id
                """).param("id", id).query().listOfRows();
        assertThat(rows)
                .extracting(r -> r.get("action") + " " + r.get("old_value") + " -> " + r.get("new_value") + " by "
                        + r.get("actor"))
                .containsExactly(
                        "claimed null -> slow-agent by slow-agent",
                        "claim_expired slow-agent -> null by next-agent",
                        "claimed slow-agent -> next-agent by next-agent");

        Response lost = first.post("/api/v1/tasks/" + id + "/renew", null);
        assertThat(lost.status()).isEqualTo(409);
        assertThat(lost.json().get("detail").asString()).contains("claimed by next-agent");
    }

    /**
     * A claim given back puts the task back in the pool, also once it is in progress; a person's work
     * stays out of it: a task assigned to someone else, and an in-progress task a person started that no
     * agent ever gave back. A claim keeps a person's assignment, and its release leaves it.
     */
    @Test
    void aClaimGivenBackIsInThePoolAgainAndAPersonsWorkIsNot() {
        long[] b = fx.board("Given back");
        long persons = fx.task(b[0], "assigned to a person", "priority", "urgent", "assignee", "tester");
        long started = fx.task(b[0], "started by a person", "priority", "high");
        assertThat(http.post("/api/v1/tasks/" + started + "/start", null).status())
                .isEqualTo(200);
        long free = fx.task(b[0], "nobody's", "priority", "low");
        Http first = agent("giving-back-agent");
        Http second = agent("taking-over-agent");

        Response claimed = first.post("/api/v1/tasks/claim-next", obj("board_id", b[0]));
        assertThat(claimed.id()).as(claimed.body()).isEqualTo(free);
        assertThat(first.post("/api/v1/tasks/" + free + "/start", null).status())
                .isEqualTo(200);
        Response released = first.post("/api/v1/tasks/" + free + "/release", null);
        assertThat(released.status()).as(released.body()).isEqualTo(200);
        assertThat(released.json().get("status").asString()).isEqualTo("in_progress");
        assertThat(released.json().get("assignee").isNull()).isTrue();

        Response taken = second.post("/api/v1/tasks/claim-next", obj("board_id", b[0]));
        assertThat(taken.id()).as(taken.body()).isEqualTo(free);
        assertThat(second.post("/api/v1/tasks/claim-next", obj("board_id", b[0]))
                        .status())
                .as("the person's tasks are left alone")
                .isEqualTo(204);

        // claimed by name, a person's task keeps its assignee through the claim and the release
        Response byName = second.post("/api/v1/tasks/" + persons + "/claim", null);
        assertThat(byName.status()).as(byName.body()).isEqualTo(200);
        assertThat(byName.json().get("claimed_by").asString()).isEqualTo("taking-over-agent");
        assertThat(byName.json().get("assignee").asString()).isEqualTo("tester");
        Response back = second.post("/api/v1/tasks/" + persons + "/release", null);
        assertThat(back.json().get("assignee").asString()).isEqualTo("tester");
    }

    /** A lease that ran out and that nobody took over is still its holder's to give back (as to renew). */
    @Test
    void theHolderReleasesALapsedLease() {
        long[] b = fx.board("Lapsed");
        long id = fx.task(b[0], "lapsed");
        Http holder = agent("lapsed-agent");
        Http other = agent("other-lapsed-agent");
        assertThat(holder.post("/api/v1/tasks/" + id + "/claim", null).status()).isEqualTo(200);
        lapse(id);
        assertThat(other.post("/api/v1/tasks/" + id + "/release", null).status())
                .as("not another agent's")
                .isEqualTo(409);
        Response released = holder.post("/api/v1/tasks/" + id + "/release", null);
        assertThat(released.status()).as(released.body()).isEqualTo(200);
        assertThat(released.json().get("claimed_by").isNull()).isTrue();
        assertThat(released.json().get("claim_expires_at").isNull()).isTrue();
        assertThat(released.json().get("assignee").isNull()).isTrue();
    }

    @Test
    void renewExtendsOnlyTheCallersOwnClaim() {
        long[] b = fx.board("Renewals");
        long id = fx.task(b[0], "long job");
        Http agent = agent("renewing-agent");
        Response claimed = agent.post("/api/v1/tasks/" + id + "/claim", obj("lease_seconds", 60));
        Response renewed = agent.post("/api/v1/tasks/" + id + "/renew", obj("lease_seconds", 3600));
        assertThat(renewed.status()).isEqualTo(200);
        assertThat(renewed.json().get("claim_expires_at").asString())
                .isGreaterThan(claimed.json().get("claim_expires_at").asString());
        assertThat(http.post("/api/v1/tasks/" + id + "/renew", null).status()).isEqualTo(409);
        assertThat(agent.post("/api/v1/tasks/" + id + "/release", null).status())
                .isEqualTo(200);
        assertThat(agent.post("/api/v1/tasks/" + id + "/renew", null).status()).isEqualTo(409);
    }

    @Test
    void badRequestsChangeNothing() {
        long[] b = fx.board("Bad claims");
        fx.task(b[0], "untouched");
        long events = count("outbox_events");
        long history = count("task_history");
        assertThat(http.post("/api/v1/tasks/claim-next", obj()).status()).isEqualTo(422);
        assertThat(http.post("/api/v1/tasks/claim-next", obj("board_id", 987654))
                        .status())
                .isEqualTo(404);
        Response column = http.post("/api/v1/tasks/claim-next", obj("board_id", b[0], "column", "Nowhere"));
        assertThat(column.status()).isEqualTo(422);
        assertThat(column.json().get("detail").asString()).contains("To Do");
        assertThat(http.post("/api/v1/tasks/claim-next", obj("board_id", b[0], "lease_seconds", 1))
                        .status())
                .isEqualTo(422);
        Http viewer = clientFor("claim-viewer", defaultWorkspace, Role.VIEWER);
        assertThat(viewer.post("/api/v1/tasks/claim-next", obj("board_id", b[0]))
                        .status())
                .isEqualTo(403);
        long other = otherWorkspace("claim-elsewhere");
        Http outsider = clientFor("claim-outsider", other, Role.ADMIN);
        assertThat(outsider.post("/api/v1/tasks/claim-next", obj("board_id", b[0]))
                        .status())
                .isEqualTo(404);
        assertThat(count("outbox_events")).isEqualTo(events);
        assertThat(count("task_history")).isEqualTo(history);
        Set<Object> claimed = new HashSet<>(jdbc.sql("select claimed_by from tasks where board_id = :b")
                .param("b", b[0])
                .query()
                .singleColumn());
        assertThat(claimed).containsOnlyNulls();
    }
}
