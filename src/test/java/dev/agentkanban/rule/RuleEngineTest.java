package dev.agentkanban.rule;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.task.TaskFixtures;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The rule engine on real PostgreSQL, through the real API: each trigger and each action, conditions,
 * the audit actor {@code rule:<name>}, an action refused by the task feature (nothing of the run kept),
 * redelivery of every event (nothing applied twice), several callers running the engine at once, and
 * a rule loop stopped at the depth limit.
 */
class RuleEngineTest extends ApiTest {

    @Autowired
    RuleEngine engine;

    TaskFixtures fx;

    @BeforeAll
    void fixtures() {
        fx = new TaskFixtures(http);
    }

    long rule(long board, Object... body) {
        Response r = http.post("/api/v1/boards/" + board + "/rules", obj(body));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.id();
    }

    /** Waits until the rule has a run for the task that is no longer pending, and answers it. */
    JsonNode finishedRun(long board, long rule, long task) {
        JsonNode[] found = new JsonNode[1];
        await("a finished run of rule " + rule + " on task " + task)
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    for (JsonNode run : runs(board, rule)) {
                        if (run.get("task_id").asLong() == task
                                && !run.get("status").asString().equals("pending")) {
                            found[0] = run;
                            return true;
                        }
                    }
                    return false;
                });
        return found[0];
    }

    List<JsonNode> runs(long board, long rule) {
        Response r = http.get("/api/v1/boards/" + board + "/rules/" + rule + "/runs?limit=500");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<JsonNode> runs = new ArrayList<>();
        r.json().get("items").forEach(runs::add);
        return runs;
    }

    List<String> tags(long task) {
        List<String> names = new ArrayList<>();
        fx.get(task).get("tags").forEach(t -> names.add(t.get("name").asString()));
        return names;
    }

    List<String> actorsOf(long task) {
        return jdbc.sql("select distinct actor from task_history where task_id = :t order by actor")
                .param("t", task)
                .query(String.class)
                .list();
    }

    @Test
    void rulesAreCreatedReadChangedAndDeletedAndBadDefinitionsNameTheirField() {
        long[] b = fx.board("Rule CRUD");
        long id = rule(
                b[0],
                "name",
                "Triage",
                "trigger",
                obj("type", "task_moved", "column_id", b[3]),
                "conditions",
                obj("priority", List.of("high", "urgent")),
                "actions",
                List.of(obj("type", "add_tag", "tag", "triage")));
        Response got = http.get("/api/v1/boards/" + b[0] + "/rules/" + id);
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.json().get("trigger").get("column_id").asLong()).isEqualTo(b[3]);
        assertThat(got.json().get("conditions").get("priority").get(1).asString())
                .isEqualTo("urgent");
        assertThat(got.json().get("enabled").asBoolean()).isTrue();
        assertThat(http.get("/api/v1/boards/" + b[0] + "/rules").json().get("items"))
                .hasSize(1);

        Response stale =
                http.patch("/api/v1/boards/" + b[0] + "/rules/" + id, obj("enabled", false), "If-Match", "\"7\"");
        assertThat(stale.status()).isEqualTo(412);
        Response off =
                http.patch("/api/v1/boards/" + b[0] + "/rules/" + id, obj("enabled", false), "If-Match", "\"1\"");
        assertThat(off.status()).as(off.body()).isEqualTo(200);
        assertThat(off.json().get("enabled").asBoolean()).isFalse();
        assertThat(off.json().get("version").asLong()).isEqualTo(2);
        assertThat(off.json().get("actions").get(0).get("tag").asString()).isEqualTo("triage");

        long rulesBefore = count("rules");
        Map<String, String> bad = Map.of(
                "trigger.type",
                "{\"name\":\"x\",\"trigger\":{\"type\":\"sometimes\"},\"actions\":[{\"type\":\"comment\",\"body\":\"b\"}]}",
                "trigger.tag",
                "{\"name\":\"x\",\"trigger\":{\"type\":\"tag_added\"},\"actions\":[{\"type\":\"comment\",\"body\":\"b\"}]}",
                "conditions.priority",
                "{\"name\":\"x\",\"trigger\":{\"type\":\"task_created\"},\"conditions\":{\"priority\":[\"soon\"]},"
                        + "\"actions\":[{\"type\":\"comment\",\"body\":\"b\"}]}",
                "actions[1].tag",
                "{\"name\":\"x\",\"trigger\":{\"type\":\"task_created\"},"
                        + "\"actions\":[{\"type\":\"comment\",\"body\":\"b\"},{\"type\":\"add_tag\"}]}",
                "actions[0].in",
                "{\"name\":\"x\",\"trigger\":{\"type\":\"task_created\"},\"actions\":[{\"type\":\"set_due_date\",\"in\":\"soon\"}]}",
                "actions[0].column_id",
                "{\"name\":\"x\",\"trigger\":{\"type\":\"task_created\"},\"actions\":[{\"type\":\"move_to_column\",\"column_id\":999999}]}",
                "actions[0].user_id",
                "{\"name\":\"x\",\"trigger\":{\"type\":\"task_created\"},"
                        + "\"actions\":[{\"type\":\"notify\",\"user_id\":999999,\"message\":\"m\"}]}",
                "actions",
                "{\"name\":\"x\",\"trigger\":{\"type\":\"task_created\"},\"actions\":[]}",
                "actions[0].assignee",
                "{\"name\":\"x\",\"trigger\":{\"type\":\"task_created\"},"
                        + "\"actions\":[{\"type\":\"assign\",\"assignee\":\"nobody-here\"}]}",
                "name",
                "{\"trigger\":{\"type\":\"task_created\"},\"actions\":[{\"type\":\"comment\",\"body\":\"b\"}]}");
        bad.forEach((field, body) -> {
            Response r = http.send("POST", "/api/v1/boards/" + b[0] + "/rules", Http.JSON.readTree(body));
            assertThat(r.status()).as(field + ": " + r.body()).isEqualTo(422);
            assertThat(r.header("Content-Type"))
                    .hasValueSatisfying(ct -> assertThat(ct).contains("problem+json"));
            List<String> fields = new ArrayList<>();
            r.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
            assertThat(fields).as(r.body()).contains(field);
        });
        assertThat(count("rules")).isEqualTo(rulesBefore);
        Response dup = http.post(
                "/api/v1/boards/" + b[0] + "/rules",
                obj(
                        "name",
                        "triage",
                        "trigger",
                        obj("type", "task_created"),
                        "actions",
                        List.of(obj("type", "comment", "body", "x"))));
        assertThat(dup.status()).isEqualTo(409);

        assertThat(http.delete("/api/v1/boards/" + b[0] + "/rules/" + id).status())
                .isEqualTo(204);
        assertThat(http.get("/api/v1/boards/" + b[0] + "/rules/" + id).status()).isEqualTo(404);
    }

    @Test
    void taskCreatedRunsEveryKindOfActionAsTheRuleWhenTheConditionsHold() {
        long[] b = fx.board("Intake");
        long member = admin.id();
        long id = rule(
                b[0],
                "name",
                "Intake",
                "trigger",
                obj("type", "task_created"),
                "conditions",
                obj("priority", "high", "tag", "bug", "column_id", b[1]),
                "actions",
                List.of(
                        obj("type", "assign", "assignee", "tester"),
                        obj("type", "add_tag", "tag", "needs-triage"),
                        obj("type", "remove_tag", "tag", "bug"),
                        obj("type", "set_priority", "priority", "urgent"),
                        obj("type", "set_due_date", "in", "P2D"),
                        obj("type", "add_checklist_items", "items", List.of("reproduce", "write a test")),
                        obj("type", "notify", "user_id", member, "message", "a new high bug"),
                        obj("type", "comment", "body", "Triaged by a rule."),
                        obj("type", "move_to_column", "column_id", b[2])));
        Instant before = Instant.now();
        long hit = fx.task(b[0], "crash on save", "priority", "high", "tags", List.of("bug"));
        long miss = fx.task(b[0], "typo", "priority", "low", "tags", List.of("bug"));

        JsonNode run = finishedRun(b[0], id, hit);
        assertThat(run.get("status").asString()).as(run.toString()).isEqualTo("applied");
        assertThat(run.get("depth").asInt()).isEqualTo(1);
        JsonNode task = fx.get(hit);
        assertThat(task.get("assignee").asString()).isEqualTo("tester");
        assertThat(task.get("assignees").get(0).asString()).isEqualTo("tester");
        assertThat(tags(hit)).containsExactly("needs-triage");
        assertThat(task.get("priority").asString()).isEqualTo("urgent");
        assertThat(Instant.parse(task.get("due_date").asString()))
                .isBetween(before.plus(2, ChronoUnit.DAYS), Instant.now().plus(2, ChronoUnit.DAYS));
        assertThat(task.get("checklist").get("total").asLong()).isEqualTo(2);
        assertThat(task.get("column_id").asLong()).isEqualTo(b[2]);
        JsonNode comments =
                http.get("/api/v1/tasks/" + hit + "/comments").json().get("items");
        assertThat(comments).hasSize(1);
        assertThat(comments.get(0).get("author").asString()).isEqualTo("rule:Intake");
        assertThat(comments.get(0).get("body").asString()).isEqualTo("Triaged by a rule.");
        // the notification is an outbox event for the inbox: user_id, rule_id, rule_name, message
        JsonNode note = Http.JSON.readTree(
                jdbc.sql("select payload::text from outbox_events where type = 'rule_notification' and task_id = :t")
                        .param("t", hit)
                        .query(String.class)
                        .single());
        assertThat(note.get("user_id").asLong()).isEqualTo(member);
        assertThat(note.get("rule_id").asLong()).isEqualTo(id);
        assertThat(note.get("rule_name").asString()).isEqualTo("Intake");
        assertThat(note.get("message").asString()).isEqualTo("a new high bug");
        // every change is audited as the rule, and its events carry the depth of the chain
        assertThat(actorsOf(hit)).containsExactly("rule:Intake", "tester");
        assertThat(jdbc.sql(
                                "select distinct rule_depth from outbox_events where task_id = :t and actor = 'rule:Intake'")
                        .param("t", hit)
                        .query(Integer.class)
                        .list())
                .containsExactly(1);

        JsonNode skipped = finishedRun(b[0], id, miss);
        assertThat(skipped.get("status").asString()).isEqualTo("skipped");
        assertThat(skipped.get("detail").asString()).contains("priority");
        assertThat(actorsOf(miss)).containsExactly("tester");
    }

    @Test
    void movedCompletedTagAddedUnblockedAndChildrenDoneStartTheirRules() {
        long[] b = fx.board("Triggers");
        long moved = rule(
                b[0],
                "name",
                "Into progress",
                "trigger",
                obj("type", "task_moved", "column_id", b[3]),
                "actions",
                List.of(obj("type", "add_tag", "tag", "started")));
        long completed = rule(
                b[0],
                "name",
                "Done",
                "trigger",
                obj("type", "task_completed"),
                "actions",
                List.of(obj("type", "comment", "body", "well done")));
        long tagged = rule(
                b[0],
                "name",
                "Urgent tag",
                "trigger",
                obj("type", "tag_added", "tag", "hot"),
                "actions",
                List.of(obj("type", "set_priority", "priority", "urgent")));
        long unblocked = rule(
                b[0],
                "name",
                "Unblocked",
                "trigger",
                obj("type", "task_unblocked"),
                "actions",
                List.of(obj("type", "add_tag", "tag", "ready")));
        long children = rule(
                b[0],
                "name",
                "Parent done",
                "trigger",
                obj("type", "children_done"),
                "actions",
                List.of(obj("type", "move_to_column", "column_id", b[4])));

        long t = fx.task(b[0], "moves along");
        assertThat(http.post("/api/v1/tasks/" + t + "/move", obj("column_id", b[3]))
                        .status())
                .isEqualTo(200);
        assertThat(finishedRun(b[0], moved, t).get("status").asString()).isEqualTo("applied");
        assertThat(tags(t)).contains("started");

        assertThat(http.post("/api/v1/tasks/" + t + "/tags", obj("name", "hot")).status())
                .isIn(200, 201);
        assertThat(finishedRun(b[0], tagged, t).get("status").asString()).isEqualTo("applied");
        assertThat(fx.get(t).get("priority").asString()).isEqualTo("urgent");

        assertThat(http.post("/api/v1/tasks/" + t + "/complete", null).status()).isEqualTo(200);
        assertThat(finishedRun(b[0], completed, t).get("status").asString()).isEqualTo("applied");
        assertThat(http.get("/api/v1/tasks/" + t + "/comments")
                        .json()
                        .get("items")
                        .get(0)
                        .get("body")
                        .asString())
                .isEqualTo("well done");

        long blocker = fx.task(b[0], "blocker");
        long waiting = fx.task(b[0], "waiting");
        assertThat(http.post("/api/v1/tasks/" + blocker + "/relations", obj("kind", "blocks", "task_id", waiting))
                        .status())
                .isEqualTo(201);
        assertThat(http.post("/api/v1/tasks/" + blocker + "/complete", null).status())
                .isEqualTo(200);
        assertThat(finishedRun(b[0], unblocked, waiting).get("status").asString())
                .isEqualTo("applied");
        assertThat(tags(waiting)).contains("ready");

        long parent = fx.task(b[0], "parent");
        long c1 = fx.task(b[0], "child one", "parent_id", parent);
        long c2 = fx.task(b[0], "child two", "parent_id", parent);
        assertThat(http.post("/api/v1/tasks/" + c1 + "/complete", null).status())
                .isEqualTo(200);
        JsonNode notYet = finishedRun(b[0], children, parent);
        assertThat(notYet.get("status").asString()).isEqualTo("skipped");
        assertThat(notYet.get("detail").asString()).contains("1 of 2");
        assertThat(http.post("/api/v1/tasks/" + c2 + "/complete", null).status())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> fx.get(parent).get("column_id").asLong() == b[4]);
        assertThat(fx.get(parent).get("status").asString()).isEqualTo("completed");
        assertThat(actorsOf(parent)).contains("rule:Parent done");
    }

    @Test
    void childrenDoneRunsTheRulesOfTheParentsBoardNotThoseOfTheSubtasksBoard() {
        long[] childBoard = fx.board("Children here");
        long[] parentBoard = fx.board("Parent here");
        long childSide = rule(
                childBoard[0],
                "name",
                "child board children",
                "trigger",
                obj("type", "children_done"),
                "actions",
                List.of(obj("type", "add_tag", "tag", "child-board-rule")));
        long parentSide = rule(
                parentBoard[0],
                "name",
                "parent board children",
                "trigger",
                obj("type", "children_done"),
                "actions",
                List.of(obj("type", "add_tag", "tag", "parent-board-rule")));
        long parent = fx.task(parentBoard[0], "cross parent");
        long child = fx.task(childBoard[0], "cross child", "parent_id", parent);
        assertThat(http.post("/api/v1/tasks/" + child + "/complete", null).status())
                .isEqualTo(200);

        assertThat(finishedRun(parentBoard[0], parentSide, parent).get("status").asString())
                .isEqualTo("applied");
        assertThat(tags(parent)).containsExactly("parent-board-rule");
        // the same fan-out round matched both rules against the completion: the other one has no run
        assertThat(runs(childBoard[0], childSide)).isEmpty();
    }

    @Test
    void dueDatePassedFiresOncePerTaskAndDueDateHoweverManyScansRun() throws Exception {
        long[] b = fx.board("Due");
        long id = rule(
                b[0],
                "name",
                "Overdue",
                "trigger",
                obj("type", "due_date_passed"),
                "actions",
                List.of(obj("type", "add_tag", "tag", "overdue")));
        long late = fx.task(
                b[0],
                "late",
                "due_date",
                Instant.now().minus(1, ChronoUnit.HOURS).toString());
        long later = fx.task(
                b[0],
                "not yet",
                "due_date",
                Instant.now().plus(1, ChronoUnit.DAYS).toString());

        // several instances scanning at the same moment: one claim per rule, task and due date
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<Integer>> scans = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                scans.add(pool.submit(() -> engine.scanDue()));
            }
            int claimed = 0;
            for (Future<Integer> f : scans) {
                claimed += f.get();
            }
            assertThat(claimed).isEqualTo(1);
        }
        assertThat(finishedRun(b[0], id, late).get("status").asString()).isEqualTo("applied");
        assertThat(tags(late)).containsExactly("overdue");
        assertThat(engine.scanDue()).isZero();
        assertThat(runs(b[0], id)).hasSize(1);
        assertThat(tags(later)).isEmpty();

        // a new due date that passes again fires again
        assertThat(http.patch(
                                "/api/v1/tasks/" + late,
                                obj(
                                        "due_date",
                                        Instant.now()
                                                .minus(1, ChronoUnit.MINUTES)
                                                .toString()))
                        .status())
                .isEqualTo(200);
        assertThat(engine.scanDue()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> runs(b[0], id).stream()
                                .filter(r -> r.get("status").asString().equals("applied"))
                                .count()
                        == 2);
    }

    @Test
    void deletingAColumnSwitchesOffTheRulesNamingItAndSuchARuleCanStillBeSwitchedOffRenamedAndDeleted() {
        long[] b = fx.board("Column goes");
        long temp = http.post("/api/v1/boards/" + b[0] + "/columns", obj("name", "Temp"))
                .id();
        long moves = rule(
                b[0],
                "name",
                "Into Temp",
                "trigger",
                obj("type", "task_created"),
                "actions",
                List.of(obj("type", "move_to_column", "column_id", temp)));
        long other = rule(
                b[0],
                "name",
                "Unrelated",
                "trigger",
                obj("type", "task_created"),
                "actions",
                List.of(obj("type", "add_tag", "tag", "x")));
        assertThat(http.delete("/api/v1/boards/" + b[0] + "/columns/" + temp).status())
                .isEqualTo(204);

        JsonNode off = http.get("/api/v1/boards/" + b[0] + "/rules/" + moves).json();
        assertThat(off.get("enabled").asBoolean()).isFalse();
        assertThat(off.get("disabled_reason").asString()).contains("'Temp'", "deleted");
        JsonNode on = http.get("/api/v1/boards/" + b[0] + "/rules/" + other).json();
        assertThat(on.get("enabled").asBoolean()).isTrue();
        assertThat(on.get("disabled_reason").isNull()).isTrue();

        // renaming and switching off answer 200; switching on is refused while the column is missing
        Response renamed = http.patch("/api/v1/boards/" + b[0] + "/rules/" + moves, obj("name", "Into nowhere"));
        assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
        assertThat(renamed.json().get("disabled_reason").asString()).contains("'Temp'");
        Response stillOff = http.patch("/api/v1/boards/" + b[0] + "/rules/" + moves, obj("enabled", false));
        assertThat(stillOff.status()).as(stillOff.body()).isEqualTo(200);
        Response backOn = http.patch("/api/v1/boards/" + b[0] + "/rules/" + moves, obj("enabled", true));
        assertThat(backOn.status()).isEqualTo(422);
        assertThat(backOn.body()).contains("actions[0].column_id");
        Response mended = http.patch(
                "/api/v1/boards/" + b[0] + "/rules/" + moves,
                obj("enabled", true, "actions", List.of(obj("type", "move_to_column", "column_id", b[2]))));
        assertThat(mended.status()).as(mended.body()).isEqualTo(200);
        assertThat(mended.json().get("disabled_reason").isNull()).isTrue();
        assertThat(http.delete("/api/v1/boards/" + b[0] + "/rules/" + moves).status())
                .isEqualTo(204);
    }

    @Test
    void aRuleNotifyingSomeoneWhoLeftCanBeSwitchedOffAndRenamed() {
        long[] b = fx.board("Member goes");
        Http leaver = clientFor("rule-leaver", defaultWorkspace, dev.agentkanban.identity.Role.MEMBER);
        long leaverId =
                leaver.get("/api/v1/auth/me").json().get("user").get("id").asLong();
        long id = rule(
                b[0],
                "name",
                "Tell the leaver",
                "trigger",
                obj("type", "task_created"),
                "actions",
                List.of(obj("type", "notify", "user_id", leaverId, "message", "new work")));
        Response removed = http.delete("/api/v1/workspaces/" + defaultWorkspace + "/members/" + leaverId);
        assertThat(removed.status()).as(removed.body()).isIn(200, 204);

        Response off = http.patch("/api/v1/boards/" + b[0] + "/rules/" + id, obj("enabled", false));
        assertThat(off.status()).as(off.body()).isEqualTo(200);
        assertThat(off.json().get("enabled").asBoolean()).isFalse();
        Response renamed = http.patch("/api/v1/boards/" + b[0] + "/rules/" + id, obj("name", "Told no one"));
        assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
        // changing the part that names the leaver is checked, and so is switching it on
        Response same = http.patch(
                "/api/v1/boards/" + b[0] + "/rules/" + id,
                obj("actions", List.of(obj("type", "notify", "user_id", leaverId, "message", "again"))));
        assertThat(same.status()).isEqualTo(422);
        assertThat(http.patch("/api/v1/boards/" + b[0] + "/rules/" + id, obj("enabled", true))
                        .status())
                .isEqualTo(422);
    }

    @Test
    void aDueDatePassedRuleThatPushesTheDueDateOnStopsAtTheLoopLimitInsteadOfFiringAtEveryScan() {
        long[] b = fx.board("Due loop");
        long id = rule(
                b[0],
                "name",
                "Snooze",
                "trigger",
                obj("type", "due_date_passed"),
                "actions",
                List.of(obj("type", "set_due_date", "in", "PT0.2S")));
        long task = fx.task(
                b[0],
                "late",
                "due_date",
                Instant.now().minus(1, ChronoUnit.HOURS).toString());

        // scans as often as the test likes: each passed due date is a new chain link, until the limit
        await("the snoozing rule stopped by the loop limit")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    engine.scanDue();
                    return runs(b[0], id).stream()
                            .anyMatch(r -> r.get("status").asString().equals("stopped"));
                });
        List<JsonNode> all = runs(b[0], id);
        assertThat(all).hasSize(engine.maxDepth() + 1);
        assertThat(all.getFirst().get("depth").asInt()).isEqualTo(engine.maxDepth() + 1);
        assertThat(all.getFirst().get("detail").asString()).startsWith("loop limit");
        assertThat(all.stream().skip(1).map(r -> r.get("status").asString())).containsOnly("applied");
        // the stopped due date stays claimed: scanning again fires nothing on it
        String due = fx.get(task).get("due_date").asString();
        assertThat(engine.scanDue()).isZero();
        assertThat(runs(b[0], id)).hasSize(engine.maxDepth() + 1);
        assertThat(fx.get(task).get("due_date").asString()).isEqualTo(due);
    }

    @Test
    void anActionTheTaskFeatureRefusesKeepsNothingOfTheRunAndSaysWhy() {
        long[] b = fx.board("Refused");
        assertThat(http.patch("/api/v1/boards/" + b[0] + "/columns/" + b[4], obj("wip_limit", 1))
                        .status())
                .isEqualTo(200);
        long occupant = fx.task(b[0], "occupant", "column_id", b[4]);
        long id = rule(
                b[0],
                "name",
                "Rush",
                "trigger",
                obj("type", "tag_added", "tag", "rush"),
                "actions",
                List.of(obj("type", "comment", "body", "rushing"), obj("type", "move_to_column", "column_id", b[4])));
        long t = fx.task(b[0], "rushed");
        assertThat(http.post("/api/v1/tasks/" + t + "/tags", obj("name", "rush"))
                        .status())
                .isIn(200, 201);
        JsonNode run = finishedRun(b[0], id, t);
        assertThat(run.get("status").asString()).isEqualTo("failed");
        assertThat(run.get("detail").asString()).contains("409");
        assertThat(http.get("/api/v1/tasks/" + t + "/comments").json().get("items"))
                .isEmpty();
        assertThat(fx.get(occupant).get("column_id").asLong()).isEqualTo(b[4]);
        assertThat(fx.get(t).get("column_id").asLong()).isNotEqualTo(b[4]);
    }

    @Test
    void aRuleLoopStopsAtTheDepthLimitAndTheStopIsInTheRunLog() {
        long[] b = fx.board("Loop");
        long ping = rule(
                b[0],
                "name",
                "Ping",
                "trigger",
                obj("type", "tag_added", "tag", "ping"),
                "actions",
                List.of(obj("type", "remove_tag", "tag", "ping"), obj("type", "add_tag", "tag", "pong")));
        long pong = rule(
                b[0],
                "name",
                "Pong",
                "trigger",
                obj("type", "tag_added", "tag", "pong"),
                "actions",
                List.of(obj("type", "remove_tag", "tag", "pong"), obj("type", "add_tag", "tag", "ping")));
        long t = fx.task(b[0], "ball");
        assertThat(http.post("/api/v1/tasks/" + t + "/tags", obj("name", "ping"))
                        .status())
                .isIn(200, 201);

        int limit = engine.maxDepth();
        await("the loop's stop in a run log")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> runs(b[0], ping).stream()
                                .anyMatch(r -> r.get("status").asString().equals("stopped"))
                        || runs(b[0], pong).stream()
                                .anyMatch(r -> r.get("status").asString().equals("stopped")));
        List<JsonNode> all = new ArrayList<>(runs(b[0], ping));
        all.addAll(runs(b[0], pong));
        assertThat(all.stream().filter(r -> r.get("status").asString().equals("applied")))
                .hasSize(limit);
        JsonNode stop = all.stream()
                .filter(r -> r.get("status").asString().equals("stopped"))
                .findFirst()
                .orElseThrow();
        assertThat(stop.get("depth").asInt()).isEqualTo(limit + 1);
        assertThat(stop.get("detail").asString()).contains("loop limit");
        // nothing runs after the stop: the engine settles with no pending run
        engine.fanOut();
        engine.runPending();
        assertThat(count("rule_runs where status = 'pending' and rule_id in (" + ping + ", " + pong + ")"))
                .isZero();
        assertThat(all).hasSize(limit + 1);
    }

    @Test
    void redeliveredEventsAndConcurrentEnginesApplyEachRuleOncePerEvent() throws Exception {
        long[] b = fx.board("Once");
        long id = rule(
                b[0],
                "name",
                "Greeter",
                "trigger",
                obj("type", "task_created"),
                "actions",
                List.of(obj("type", "comment", "body", "hello")));
        List<Long> tasks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            tasks.add(fx.task(b[0], "task " + i));
        }
        // every event delivered again (the cursor back at the start), to four engines at once, while
        // this instance's own loop keeps running too
        jdbc.sql("update rule_cursor set position = 0").update();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> work = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                work.add(pool.submit(() -> {
                    engine.fanOut();
                    engine.runPending();
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        }
        for (long t : tasks) {
            assertThat(finishedRun(b[0], id, t).get("status").asString()).isEqualTo("applied");
        }
        assertThat(runs(b[0], id)).hasSize(10);
        for (long t : tasks) {
            assertThat(count("comments where task_id = " + t))
                    .as("comments on task " + t)
                    .isEqualTo(1);
        }
    }
}
