package dev.agentkanban.task;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Relations between tasks (issue 14): both views of one row, blocked tasks in every read model, the
 * cycle refusal (also for two requests racing to close one), the blocked-work refusal with a member's
 * audited override, {@code task_unblocked}, and subtasks with progress and cascades.
 */
class RelationsApiTest extends ApiTest {

    TaskFixtures fx;

    @BeforeAll
    void fixtures() {
        fx = new TaskFixtures(http);
    }

    Response relate(long task, String kind, long other) {
        return http.post("/api/v1/tasks/" + task + "/relations", obj("kind", kind, "task_id", other));
    }

    void related(long task, String kind, long other) {
        Response r = relate(task, kind, other);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    @Test
    void oneRowTwoViewsAndBlockedEverywhere() {
        long[] b = fx.board("Views");
        long a = fx.task(b[0], "prerequisite");
        long x = fx.task(b[0], "dependent");
        long other = fx.task(b[0], "related");
        Response added = relate(x, "blocked_by", a);
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        assertThat(added.json().get("blocked").asBoolean()).isTrue();
        related(x, "relates_to", other);

        JsonNode fromA = http.get("/api/v1/tasks/" + a + "/relations").json();
        assertThat(fromA.get("items"))
                .extracting(i ->
                        i.get("kind").asString() + " " + i.get("task").get("id").asLong())
                .containsExactly("blocks " + x);
        JsonNode fromOther = http.get("/api/v1/tasks/" + other + "/relations").json();
        assertThat(fromOther.get("items").get(0).get("kind").asString()).isEqualTo("relates_to");

        JsonNode task = fx.get(x);
        assertThat(task.get("blocked").asBoolean()).isTrue();
        assertThat(task.get("blockers")).extracting(n -> n.get("id").asLong()).containsExactly(a);
        assertThat(task.get("blockers").get(0).get("title").asString()).isEqualTo("prerequisite");
        assertThat(fx.get(a).get("blocked").asBoolean()).isFalse();

        JsonNode state = http.get("/api/v1/boards/" + b[0] + "/tasks").json();
        JsonNode card = null;
        for (JsonNode c : state.get("columns")) {
            for (JsonNode t : c.get("tasks")) {
                if (t.get("id").asLong() == x) {
                    card = t;
                }
            }
        }
        assertThat(card).isNotNull();
        assertThat(card.get("blocked").asBoolean()).isTrue();
        assertThat(card.get("blockers").get(0).get("id").asLong()).isEqualTo(a);

        assertThat(ids(http.get("/api/v1/tasks?board_id=" + b[0] + "&blocked=true")))
                .containsExactly(x);
        assertThat(ids(http.get("/api/v1/tasks?board_id=" + b[0] + "&ready=true")))
                .containsExactly(a, other);
        assertThat(http.get("/api/v1/tasks?board_id=" + b[0] + "&blocked=true")
                        .json()
                        .get("total")
                        .asLong())
                .isEqualTo(1);

        // removing the relation unblocks (and says so)
        Response removed = http.delete("/api/v1/tasks/" + a + "/relations?kind=blocks&task_id=" + x);
        assertThat(removed.status()).as(removed.body()).isEqualTo(200);
        assertThat(fx.get(x).get("blocked").asBoolean()).isFalse();
        assertThat(count("outbox_events where type = 'task_unblocked' and task_id = " + x))
                .isEqualTo(1);
        assertThat(http.delete("/api/v1/tasks/" + a + "/relations?kind=blocks&task_id=" + x)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void cyclesAreRefusedNamingThePath() {
        long[] b = fx.board("Cycles");
        long a = fx.task(b[0], "a");
        long c = fx.task(b[0], "b");
        long d = fx.task(b[0], "c");
        related(a, "blocks", c);
        related(c, "blocks", d);
        long secondParent = fx.task(b[0], "second parent");
        long events = count("outbox_events");
        long relations = count("task_relations");
        Response cycle = relate(d, "blocks", a);
        assertThat(cycle.status()).isEqualTo(409);
        assertThat(cycle.json().get("type").asString()).endsWith("cycle");
        assertThat(cycle.json().get("detail").asString())
                .contains("#" + d + " blocks #" + a + " blocks #" + c + " blocks #" + d);
        assertThat(cycle.json().get("path")).extracting(JsonNode::asLong).containsExactly(d, a, c, d);
        assertThat(relate(a, "blocked_by", c).status()).isEqualTo(409);

        // a task cannot be its own ancestor
        related(a, "child", c);
        related(c, "child", d);
        Response loop = relate(d, "child", a);
        assertThat(loop.status()).isEqualTo(409);
        assertThat(loop.json().get("detail").asString()).contains("#" + a + " > #" + c + " > #" + d + " > #" + a);
        assertThat(relate(d, "parent", secondParent).status()).isEqualTo(409);
        assertThat(count("task_relations")).isEqualTo(relations + 2);
        assertThat(count("outbox_events")).isEqualTo(events + 4);
    }

    @Test
    void badRelationRequestsChangeNothing() {
        long[] b = fx.board("Bad relations");
        long a = fx.task(b[0], "a");
        long c = fx.task(b[0], "c");
        related(a, "duplicate_of", c);
        long events = count("outbox_events");
        long history = count("task_history");
        assertThat(relate(a, "duplicate_of", c).status()).isEqualTo(409);
        // nor the other way round: two tasks are not each a duplicate of the other
        assertThat(relate(c, "duplicate_of", a).status()).isEqualTo(409);
        assertThat(relate(a, "duplicated_by", c).status()).isEqualTo(409);
        assertThat(relate(a, "friend_of", c).status()).isEqualTo(422);
        assertThat(relate(a, "blocks", a).status()).isEqualTo(422);
        assertThat(http.post("/api/v1/tasks/" + a + "/relations", obj("kind", "blocks"))
                        .status())
                .isEqualTo(422);
        assertThat(relate(a, "blocks", 987654).status()).isEqualTo(404);
        assertThat(relate(987654, "blocks", a).status()).isEqualTo(404);
        Http viewer = clientFor("relations-viewer", defaultWorkspace, Role.VIEWER);
        assertThat(viewer.post("/api/v1/tasks/" + a + "/relations", obj("kind", "blocks", "task_id", c))
                        .status())
                .isEqualTo(403);
        long elsewhere = otherWorkspace("relations-elsewhere");
        Http outsider = clientFor("relations-outsider", elsewhere, Role.ADMIN);
        long[] theirs = new TaskFixtures(outsider).board("Theirs");
        long their = new TaskFixtures(outsider).task(theirs[0], "their task");
        assertThat(outsider.post("/api/v1/tasks/" + their + "/relations", obj("kind", "blocks", "task_id", a))
                        .status())
                .isEqualTo(404);
        assertThat(outsider.get("/api/v1/tasks/" + a + "/relations").status()).isEqualTo(404);
        assertThat(count("outbox_events")).isEqualTo(events + 2); // the outsider's own board and task
        assertThat(count("task_history")).isEqualTo(history + 1);
    }

    @Test
    void subtreesAreAtMostFiveLevelsDeep() {
        long[] b = fx.board("Depth");
        long[] chain = new long[6];
        for (int i = 0; i < chain.length; i++) {
            chain[i] = fx.task(b[0], "level " + (i + 1));
        }
        for (int i = 1; i < 5; i++) {
            related(chain[i - 1], "child", chain[i]);
        }
        Response deep = relate(chain[4], "child", chain[5]);
        assertThat(deep.status()).isEqualTo(409);
        assertThat(deep.json().get("type").asString()).endsWith("too-deep");
        Response viaCreate =
                http.post("/api/v1/tasks", obj("board_id", b[0], "title", "too deep", "parent_id", chain[4]));
        assertThat(viaCreate.status()).isEqualTo(409);
        assertThat(count("tasks where title = 'too deep'")).isZero();
    }

    @Test
    void blockedWorkIsRefusedUnlessAMemberForcesIt() {
        long[] b = fx.board("Blocked work");
        long blocker = fx.task(b[0], "schema migration");
        long blocked = fx.task(b[0], "feature on the new schema");
        related(blocked, "blocked_by", blocker);
        long version = fx.get(blocked).get("version").asLong();
        long events = count("outbox_events");

        for (Response refused : List.of(
                http.post("/api/v1/tasks/" + blocked + "/start", null),
                http.post("/api/v1/tasks/" + blocked + "/complete", null),
                http.post("/api/v1/tasks/" + blocked + "/move", obj("column", "In Progress")),
                http.post("/api/v1/tasks/" + blocked + "/move", obj("column", "Done")),
                http.patch("/api/v1/tasks/" + blocked, obj("status", "in_progress")),
                http.patch("/api/v1/tasks/" + blocked, obj("column", "Done")))) {
            assertThat(refused.status()).as(refused.body()).isEqualTo(409);
            assertThat(refused.json().get("type").asString()).endsWith("blocked");
            assertThat(refused.json().get("detail").asString()).contains("#" + blocker + " schema migration");
            assertThat(refused.json().get("blocked_by"))
                    .extracting(JsonNode::asLong)
                    .containsExactly(blocker);
        }
        // moving inside the waiting columns is fine
        assertThat(http.post("/api/v1/tasks/" + blocked + "/move", obj("column", "To Do"))
                        .status())
                .isEqualTo(200);
        assertThat(fx.get(blocked).get("status").asString()).isEqualTo("pending");
        assertThat(count("outbox_events")).isEqualTo(events + 1);

        Http agent = clientFor("blocked-agent", defaultWorkspace, Role.AGENT);
        assertThat(agent.post("/api/v1/tasks/" + blocked + "/start?force=true", null)
                        .status())
                .isEqualTo(403);
        Http member = clientFor("blocked-member", defaultWorkspace, Role.MEMBER);
        Response forced = member.post("/api/v1/tasks/" + blocked + "/move?force=true", obj("column", "In Progress"));
        assertThat(forced.status()).as(forced.body()).isEqualTo(200);
        assertThat(forced.json().get("status").asString()).isEqualTo("in_progress");
        assertThat(jdbc.sql(
                                "select actor || ' ' || new_value from task_history where task_id = :t and action = 'forced_past_blockers'")
                        .param("t", blocked)
                        .query(String.class)
                        .list())
                .containsExactly("blocked-member " + blocker);
        assertThat(version).isLessThan(forced.json().get("version").asLong());
    }

    @Test
    void theLastBlockerToCloseAnnouncesTheUnblockedTaskOnce() {
        long[] b = fx.board("Unblocking");
        long first = fx.task(b[0], "first blocker");
        long second = fx.task(b[0], "second blocker");
        long waiting = fx.task(b[0], "waiting");
        related(waiting, "blocked_by", first);
        related(waiting, "blocked_by", second);
        assertThat(http.post("/api/v1/tasks/" + first + "/complete", null).status())
                .isEqualTo(200);
        assertThat(count("outbox_events where type = 'task_unblocked' and task_id = " + waiting))
                .isZero();
        assertThat(http.post("/api/v1/tasks/" + second + "/cancel", obj("reason", "not needed"))
                        .status())
                .isEqualTo(200);
        List<String> unblocked =
                jdbc.sql("""
                select (payload->>'unblocked_by') || ' ' || (payload->'task'->>'blocked') from outbox_events
                where type = 'task_unblocked' and task_id = :t
                """).param("t", waiting).query(String.class).list();
        assertThat(unblocked).containsExactly(second + " false");
        // the event is in the same transaction as the completion: its tx_id is the completion's
        assertThat(jdbc.sql("""
                select count(distinct tx_id) from outbox_events where task_id in (:a, :b) and type in ('task_updated', 'task_unblocked')
                  and id > (select max(id) from outbox_events where task_id = :first)
                """)
                        .param("a", second)
                        .param("b", waiting)
                        .param("first", first)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void reopeningAFinishedBlockerAnnouncesTheTaskBlockedAgain() {
        long[] b = fx.board("Reblocking");
        long blocker = fx.task(b[0], "lay the cable");
        long other = fx.task(b[0], "order the parts");
        long waiting = fx.task(b[0], "switch it on");
        related(waiting, "blocked_by", blocker);
        related(waiting, "blocked_by", other);
        assertThat(http.post("/api/v1/tasks/" + blocker + "/complete", null).status())
                .isEqualTo(200);
        assertThat(http.post("/api/v1/tasks/" + other + "/complete", null).status())
                .isEqualTo(200);
        assertThat(fx.get(waiting).get("blocked").asBoolean()).isFalse();

        Response reopened = http.post("/api/v1/tasks/" + blocker + "/reopen", null);
        assertThat(reopened.status()).as(reopened.body()).isEqualTo(200);
        List<String> blocked =
                jdbc.sql("""
                select (payload->>'blocked_by') || ' ' || (payload->'task'->>'blocked') || ' '
                       || (payload->'task'->'blockers'->0->>'id') from outbox_events
                where type = 'task_blocked' and task_id = :t
                """).param("t", waiting).query(String.class).list();
        assertThat(blocked).containsExactly(blocker + " true " + blocker);
        // in the reopening's transaction
        assertThat(jdbc.sql("""
                select count(distinct tx_id) from outbox_events
                where (type = 'task_blocked' and task_id = :w) or (task_id = :b and id = (select max(id) from outbox_events where task_id = :b))
                """)
                        .param("w", waiting)
                        .param("b", blocker)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(fx.get(waiting).get("blocked").asBoolean()).isTrue();

        // a second blocker reopened while the task is blocked already announces nothing new
        assertThat(http.patch("/api/v1/tasks/" + other, obj("status", "pending"))
                        .status())
                .isEqualTo(200);
        assertThat(count("outbox_events where type = 'task_blocked' and task_id = " + waiting))
                .isEqualTo(1);
        // finishing both again unblocks it once more; reopening through PATCH status blocks it again
        http.post("/api/v1/tasks/" + blocker + "/complete", null);
        http.post("/api/v1/tasks/" + other + "/complete", null);
        assertThat(http.patch("/api/v1/tasks/" + other, obj("status", "in_progress"))
                        .status())
                .isEqualTo(200);
        assertThat(count("outbox_events where type = 'task_blocked' and task_id = " + waiting))
                .isEqualTo(2);
    }

    @Test
    void twoBlockersCompletedAtTheSameTimeAnnounceTheUnblockedTaskExactlyOnce() throws Exception {
        // the blockers are on two boards, so their completions do not take turns on one done column
        long[] b = fx.board("Simultaneous");
        long[] other = fx.board("Simultaneous too");
        for (int round = 0; round < 20; round++) {
            long one = fx.task(b[0], "one " + round);
            long two = fx.task(other[0], "two " + round);
            long waiting = fx.task(b[0], "waiting " + round);
            related(waiting, "blocked_by", one);
            related(waiting, "blocked_by", two);
            List<Response> done = race(
                    () -> http.post("/api/v1/tasks/" + one + "/complete", null),
                    () -> http.post("/api/v1/tasks/" + two + "/complete", null));
            assertThat(done).extracting(Response::status).containsExactly(200, 200);
            assertThat(count("outbox_events where type = 'task_unblocked' and task_id = " + waiting))
                    .as("round " + round)
                    .isEqualTo(1);
        }
    }

    @Test
    void twoRequestsThatTogetherWouldCloseACycleCannotBothWin() throws Exception {
        long[] b = fx.board("Cycle race");
        for (int round = 0; round < 20; round++) {
            long a = fx.task(b[0], "a " + round);
            long c = fx.task(b[0], "c " + round);
            long d = fx.task(b[0], "d " + round);
            long e = fx.task(b[0], "e " + round);
            related(c, "blocks", d);
            related(e, "blocks", a);
            // a blocks c, and d blocks e: either alone is fine, together they close a -> c -> d -> e -> a. The two
            // requests touch different tasks, so nothing but the workspace's relation lock makes them take turns.
            List<Response> both = race(() -> relate(a, "blocks", c), () -> relate(d, "blocks", e));
            assertThat(both).extracting(Response::status).as("round " + round).containsExactlyInAnyOrder(201, 409);
            assertThat(jdbc.sql(
                                    "select count(*) from task_relations where kind = 'blocks' and from_task_id in (:a, :d)")
                            .param("a", a)
                            .param("d", d)
                            .query(Long.class)
                            .single())
                    .isEqualTo(1);
        }
    }

    @Test
    void aCompletedParentTakesNoOpenSubtask() {
        long[] b = fx.board("Done parent");
        long parent = fx.task(b[0], "done parent");
        assertThat(http.post("/api/v1/tasks/" + parent + "/complete", null).status())
                .isEqualTo(200);
        long tasksBefore = count("tasks");

        Response created =
                http.post("/api/v1/tasks", obj("board_id", b[0], "title", "late child", "parent_id", parent));
        assertThat(created.status()).as(created.body()).isEqualTo(409);
        assertThat(created.body()).contains("parent-completed");
        assertThat(count("tasks")).isEqualTo(tasksBefore);

        long open = fx.task(b[0], "open one");
        Response asChild = http.post("/api/v1/tasks/" + parent + "/relations", obj("kind", "child", "task_id", open));
        assertThat(asChild.status()).isEqualTo(409);
        Response asParent = http.post("/api/v1/tasks/" + open + "/relations", obj("kind", "parent", "task_id", parent));
        assertThat(asParent.status()).isEqualTo(409);
        assertThat(fx.get(parent).get("subtasks").get("total").asInt()).isZero();

        // finished work may still be filed under it, and a reopened parent takes open work again
        long finished = fx.task(b[0], "finished", "column_id", b[4]);
        assertThat(http.post("/api/v1/tasks/" + parent + "/relations", obj("kind", "child", "task_id", finished))
                        .status())
                .isEqualTo(201);
        assertThat(http.post("/api/v1/tasks/" + parent + "/reopen", null).status())
                .isEqualTo(200);
        assertThat(http.post("/api/v1/tasks/" + parent + "/relations", obj("kind", "child", "task_id", open))
                        .status())
                .isEqualTo(201);
    }

    @Test
    void subtasksShowProgressAndParentsCompleteOrDeleteOnlyWithACascade() {
        long[] b = fx.board("Subtasks");
        long parent = fx.task(b[0], "epic-sized");
        Response created = http.post("/api/v1/tasks", obj("board_id", b[0], "title", "part one", "parent_id", parent));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("parent_id").asLong()).isEqualTo(parent);
        long one = created.id();
        long two = fx.task(b[0], "part two", "parent_id", parent);
        long[] other = fx.board("Another board");
        long three = fx.task(other[0], "part three on another board", "parent_id", parent);
        assertThat(http.post("/api/v1/tasks/" + one + "/complete", null).status())
                .isEqualTo(200);

        JsonNode p = fx.get(parent);
        assertThat(p.get("subtasks").get("done").asLong()).isEqualTo(1);
        assertThat(p.get("subtasks").get("total").asLong()).isEqualTo(3);
        assertThat(ids(http.get("/api/v1/tasks?parent_id=" + parent))).containsExactly(one, two, three);

        Response refused = http.post("/api/v1/tasks/" + parent + "/complete", null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("type").asString()).endsWith("open-subtasks");
        assertThat(refused.json().get("detail").asString()).contains("#" + two).contains("#" + three);
        assertThat(http.post("/api/v1/tasks/" + parent + "/complete?cascade=detach", null)
                        .status())
                .isEqualTo(422);
        assertThat(http.post("/api/v1/tasks/" + parent + "/complete?cascade=sideways", null)
                        .status())
                .isEqualTo(422);
        assertThat(fx.get(two).get("status").asString()).isEqualTo("pending");

        Response cascaded = http.post("/api/v1/tasks/" + parent + "/complete?cascade=cancel", null);
        assertThat(cascaded.status()).as(cascaded.body()).isEqualTo(200);
        assertThat(fx.get(two).get("status").asString()).isEqualTo("cancelled");
        assertThat(fx.get(three).get("status").asString()).isEqualTo("cancelled");
        assertThat(fx.get(one).get("status").asString()).isEqualTo("completed");

        Response undeletable = http.delete("/api/v1/tasks/" + parent);
        assertThat(undeletable.status()).isEqualTo(409);
        assertThat(undeletable.json().get("type").asString()).endsWith("has-subtasks");
        assertThat(http.delete("/api/v1/tasks/" + parent + "?cascade=delete").status())
                .isEqualTo(204);
        // deleted tasks go to the trash (issue 17): none of them is left on a board
        assertThat(count("tasks where deleted_at is null and id in (" + parent + ", " + one + ", " + two + ", " + three
                        + ")"))
                .isZero();

        long keep = fx.task(b[0], "keeps its child");
        long kept = fx.task(b[0], "kept", "parent_id", keep);
        long grandchild = fx.task(b[0], "grandchild", "parent_id", kept);
        Response completeAll = http.post("/api/v1/tasks/" + keep + "/complete?cascade=complete", null);
        assertThat(completeAll.status()).as(completeAll.body()).isEqualTo(200);
        assertThat(fx.get(grandchild).get("status").asString()).isEqualTo("completed");
        assertThat(http.delete("/api/v1/tasks/" + keep + "?cascade=detach").status())
                .isEqualTo(204);
        JsonNode detached = fx.get(kept);
        assertThat(detached.get("parent_id").isNull()).as(detached.toString()).isTrue();
    }

    @Test
    void claimNextSkipsBlockedTasksAndPrefersTheOneThatFreesMost() {
        long[] b = fx.board("Claim order");
        long lonely = fx.task(b[0], "frees nothing", "priority", "high");
        long key = fx.task(b[0], "frees two", "priority", "high");
        long blockedUrgent = fx.task(b[0], "blocked urgent", "priority", "urgent");
        long alsoBlocked = fx.task(b[0], "also blocked", "priority", "low");
        related(key, "blocks", blockedUrgent);
        related(key, "blocks", alsoBlocked);
        Http agent = clientFor("ordering-agent", defaultWorkspace, Role.AGENT);
        Response first = agent.post("/api/v1/tasks/claim-next", obj("board_id", b[0]));
        assertThat(first.id()).isEqualTo(key);
        Response second = agent.post("/api/v1/tasks/claim-next", obj("board_id", b[0]));
        assertThat(second.id()).isEqualTo(lonely);
        assertThat(agent.post("/api/v1/tasks/claim-next", obj("board_id", b[0])).status())
                .isEqualTo(204);
        assertThat(agent.post("/api/v1/tasks/" + key + "/complete", null).status())
                .isEqualTo(200);
        assertThat(agent.post("/api/v1/tasks/claim-next", obj("board_id", b[0])).id())
                .isEqualTo(blockedUrgent);
    }

    @Test
    void aReportedIssueCanBeRecordedAsADuplicate() {
        long[] b = fx.board("Duplicates");
        long original = fx.task(b[0], "login fails on Safari");
        Response r = http.post(
                "/api/v1/tasks/report-issue",
                obj("board_id", b[0], "title", "Safari cannot log in", "duplicate_of", original));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        long copy = r.json().get("task").get("id").asLong();
        JsonNode items = http.get("/api/v1/tasks/" + copy + "/relations").json().get("items");
        assertThat(items)
                .extracting(i ->
                        i.get("kind").asString() + " " + i.get("task").get("id").asLong())
                .containsExactly("duplicate_of " + original);
        assertThat(http.get("/api/v1/tasks/" + original + "/relations")
                        .json()
                        .get("items")
                        .get(0)
                        .get("kind")
                        .asString())
                .isEqualTo("duplicated_by");
        long tasks = count("tasks");
        assertThat(http.post(
                                "/api/v1/tasks/report-issue",
                                obj("board_id", b[0], "title", "another one", "duplicate_of", 987654))
                        .status())
                .isEqualTo(404);
        assertThat(count("tasks")).isEqualTo(tasks);
    }

    private static List<Long> ids(Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<Long> ids = new ArrayList<>();
        r.json().get("items").forEach(t -> ids.add(t.get("id").asLong()));
        return ids;
    }

    /** Runs the requests at the same moment (released together by a barrier) and returns their answers in order. */
    @SafeVarargs
    static List<Response> race(Callable<Response>... requests) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(requests.length);
        try {
            CyclicBarrier start = new CyclicBarrier(requests.length);
            List<Future<Response>> futures = new ArrayList<>();
            for (Callable<Response> r : requests) {
                futures.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return r.call();
                }));
            }
            List<Response> out = new ArrayList<>();
            for (Future<Response> f : futures) {
                out.add(f.get(60, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
