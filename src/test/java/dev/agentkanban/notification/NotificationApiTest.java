package dev.agentkanban.notification;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.agentkanban.events.EventType;
import dev.agentkanban.events.Outbox;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.identity.Role;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.task.TaskFixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The inbox (issue 15) on real PostgreSQL: assignments, mentions, comments, moves and completions
 * reach the right members once, never the actor; watchers are added automatically and may unwatch;
 * notifications are read one by one or all at once; a fan-out that sees events again adds nothing;
 * due-date reminders.
 */
class NotificationApiTest extends ApiTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    TaskFixtures fx;
    Http ann;
    Http bob;
    Http bot;
    Http olga;

    @BeforeAll
    void people() {
        fx = new TaskFixtures(http);
        ann = clientFor("ann", defaultWorkspace, Role.MEMBER);
        bob = clientFor("bob", defaultWorkspace, Role.VIEWER);
        bot = clientFor("bot-3", defaultWorkspace, Role.AGENT, "read", "write");
        olga = clientFor("olga", otherWorkspace("elsewhere"), Role.ADMIN);
    }

    /** The member's notifications about one task, oldest first, as "kind by actor". */
    static List<String> about(Http who, long task) {
        Response r = who.get("/api/v1/notifications?limit=500");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> found = new ArrayList<>();
        r.json().get("items").forEach(n -> {
            if (n.get("task_id").asLong() == task) {
                found.addFirst(
                        n.get("kind").asString() + " by " + n.get("actor").asString());
            }
        });
        return found;
    }

    static void eventually(Runnable check) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(check::run);
    }

    long unread(Http who) {
        return who.get("/api/v1/notifications/unread-count")
                .json()
                .get("unread_count")
                .asLong();
    }

    List<String> watchers(long task) {
        List<String> names = new ArrayList<>();
        http.get("/api/v1/tasks/" + task + "/watchers")
                .json()
                .get("items")
                .forEach(w -> names.add(w.get("username").asString()));
        return names;
    }

    @Test
    void anAssigneeIsNotifiedAndWatchesButTheActorHearsNothingOfTheirOwnChange() {
        long[] b = fx.board("Assigned");
        long task = fx.task(b[0], "write the release notes", "assignee", "ann");
        eventually(() -> assertThat(about(ann, task)).containsExactly("assigned by tester"));
        JsonNode n = ann.get("/api/v1/notifications").json().get("items").get(0);
        assertThat(n.get("title").asString()).isEqualTo("write the release notes");
        assertThat(n.get("board_id").asLong()).isEqualTo(b[0]);
        assertThat(n.get("read").asBoolean()).isFalse();
        assertThat(n.has("created_at")).isTrue();
        assertThat(n.get("actor_display_name").asString())
                .as("without a display name, the username")
                .isEqualTo("tester");
        try {
            jdbc.sql("update users set display_name = 'Theo Tester' where username = 'tester'")
                    .update();
            JsonNode renamed =
                    ann.get("/api/v1/notifications").json().get("items").get(0);
            assertThat(renamed.get("actor").asString()).isEqualTo("tester");
            assertThat(renamed.get("actor_display_name").asString()).isEqualTo("Theo Tester");
        } finally {
            jdbc.sql("update users set display_name = null where username = 'tester'")
                    .update();
        }
        eventually(() -> assertThat(watchers(task)).containsExactlyInAnyOrder("tester", "ann"));
        assertThat(about(http, task)).isEmpty();

        // assigning oneself notifies nobody; a second assignee is told, the first is not told again
        long own = fx.task(b[0], "my own", "assignee", "tester");
        http.put("/api/v1/tasks/" + task + "/assignees", obj("assignees", List.of("ann", "bot-3")));
        eventually(() -> assertThat(about(bot, task)).containsExactly("assigned by tester"));
        assertThat(about(ann, task)).containsExactly("assigned by tester");
        assertThat(about(http, own)).isEmpty();
    }

    @Test
    void mentionsNotifyMembersOnceAndOtherTextStaysText() {
        long[] b = fx.board("Mentions");
        long task = fx.task(b[0], "deploy", "description", "needs @bob's review, mail ann@example.org");
        eventually(() -> assertThat(about(bob, task)).containsExactly("mentioned by tester"));
        assertThat(about(ann, task)).isEmpty(); // an e-mail address is no mention

        // a comment mentioning an agent, a member of another workspace and someone unknown
        Response c = ann.post(
                "/api/v1/tasks/" + task + "/comments", obj("body", "@bot-3 please run it; @olga @nobody fyi. @BOB"));
        assertThat(c.status()).as(c.body()).isEqualTo(201);
        long comment = c.id();
        eventually(() -> assertThat(about(bot, task)).containsExactly("mentioned by ann"));
        // bob was mentioned again in another text: told again, as a mention (not also as a comment)
        eventually(() -> assertThat(about(bob, task)).containsExactly("mentioned by tester", "mentioned by ann"));
        // the creator watches: told of the comment; the commenter is not told of their own comment
        eventually(() -> assertThat(about(http, task)).containsExactly("commented by ann"));
        assertThat(about(ann, task)).isEmpty();
        assertThat(olga.get("/api/v1/notifications").json().get("total").asLong())
                .isZero();
        // mentioning an agent assigns nothing; it and the mentioned and the commenter now watch
        assertThat(fx.get(task).get("assignees")).isEmpty();
        eventually(() -> assertThat(watchers(task)).containsExactlyInAnyOrder("tester", "bob", "ann", "bot-3"));

        // editing the comment notifies only whom it newly mentions
        assertThat(ann.patch("/api/v1/comments/" + comment, obj("body", "@bot-3 please run it, @tester too"))
                        .status())
                .isEqualTo(200);
        eventually(() -> assertThat(about(http, task)).containsExactly("commented by ann", "mentioned by ann"));
        assertThat(about(bot, task)).containsExactly("mentioned by ann");
    }

    @Test
    void watchersHearOfMovesCompletionsAndCommentsUntilTheyUnwatch() {
        long[] b = fx.board("Watched");
        long task = fx.task(b[0], "watched work");
        assertThat(bob.put("/api/v1/tasks/" + task + "/watchers/me", null)
                        .json()
                        .get("watching")
                        .asBoolean())
                .isTrue();
        assertThat(http.post("/api/v1/tasks/" + task + "/move", obj("column_id", b[3]))
                        .status())
                .isEqualTo(200);
        eventually(() -> assertThat(about(bob, task)).containsExactly("moved by tester"));
        JsonNode moved = bob.get("/api/v1/notifications").json().get("items").get(0);
        assertThat(moved.get("excerpt").asString()).isEqualTo("moved to In Progress");

        ann.post("/api/v1/tasks/" + task + "/comments", obj("body", "looks good"));
        eventually(() -> assertThat(about(bob, task)).containsExactly("moved by tester", "commented by ann"));
        assertThat(bob.delete("/api/v1/tasks/" + task + "/watchers/me")
                        .json()
                        .get("watching")
                        .asBoolean())
                .isFalse();
        // ann commented, so ann watches and hears of the completion; bob unwatched and does not
        http.post("/api/v1/tasks/" + task + "/complete", obj());
        eventually(() -> assertThat(about(ann, task)).containsExactly("completed by tester"));
        assertThat(about(bob, task)).containsExactly("moved by tester", "commented by ann");
        // a task of another workspace cannot be watched
        assertThat(olga.put("/api/v1/tasks/" + task + "/watchers/me", null).status())
                .isEqualTo(404);
    }

    @Test
    void notificationsAreMarkedReadOneByOneOrAllAtOnceByTheirOwnerOnly() {
        long[] b = fx.board("Reading");
        long first = fx.task(b[0], "first", "assignee", "bot-3");
        long second = fx.task(b[0], "second", "assignee", "bot-3");
        eventually(() -> assertThat(about(bot, second)).hasSize(1));
        long before = unread(bot);
        assertThat(before).isGreaterThanOrEqualTo(2);
        long id = bot.get("/api/v1/notifications?unread=true")
                .json()
                .get("items")
                .get(1)
                .get("id")
                .asLong();

        assertThat(ann.post("/api/v1/notifications/" + id + "/read", null).status())
                .isEqualTo(404);
        assertThat(olga.post("/api/v1/notifications/" + id + "/read", null).status())
                .isEqualTo(404);
        Response read = bot.post("/api/v1/notifications/" + id + "/read", null);
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        assertThat(read.json().get("read").asBoolean()).isTrue();
        assertThat(unread(bot)).isEqualTo(before - 1);
        JsonNode unreadPage = bot.get("/api/v1/notifications?unread=true").json();
        assertThat(unreadPage.get("unread_count").asLong()).isEqualTo(before - 1);
        assertThat(unreadPage.get("items")).noneMatch(n -> n.get("id").asLong() == id);

        Response all = bot.post("/api/v1/notifications/read-all", null);
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.json().get("marked").asLong()).isEqualTo(before - 1);
        assertThat(unread(bot)).isZero();
        assertThat(about(bot, first)).hasSize(1); // read, not gone

        assertThat(bot.get("/api/v1/notifications?limit=0").status()).isEqualTo(422);
    }

    @Test
    void aFanOutThatSeesEventsAgainNotifiesNobodyTwice() {
        long[] b = fx.board("Again");
        long task = fx.task(b[0], "once", "assignee", "ann", "description", "@bob look");
        eventually(() -> assertThat(about(bob, task)).hasSize(1));
        eventually(() -> assertThat(about(ann, task)).hasSize(1));
        long total = count("notifications");
        // the cursor goes back to the start (a crash between writing and moving it): everything is seen again
        jdbc.sql("update notification_cursor set position = 0").update();
        long marker = fx.task(b[0], "after the rewind", "assignee", "ann");
        eventually(() -> assertThat(about(ann, marker)).hasSize(1));
        assertThat(count("notifications")).isEqualTo(total + 1);
        assertThat(about(bob, task)).hasSize(1);
    }

    @Test
    void dueTasksRemindAssigneesAndWatchersOncePerDueDate() {
        long[] b = fx.board("Reminders");
        String soon = Instant.now().plus(Duration.ofHours(2)).toString();
        long task = fx.task(b[0], "due soon", "assignee", "ann", "due_date", soon);
        eventually(() -> assertThat(about(ann, task)).containsExactly("assigned by tester", "due_soon by system"));
        eventually(() -> assertThat(about(http, task)).containsExactly("due_soon by system"));
        long overdue = fx.task(
                b[0],
                "overdue",
                "assignee",
                "ann",
                "due_date",
                Instant.now().minus(Duration.ofHours(1)).toString());
        eventually(() -> assertThat(about(ann, overdue)).containsExactly("assigned by tester", "overdue by system"));
        // a far due date reminds nobody yet; a completed task never
        long later = fx.task(
                b[0],
                "later",
                "assignee",
                "ann",
                "due_date",
                Instant.now().plus(Duration.ofDays(9)).toString());
        long done = fx.task(b[0], "done", "assignee", "ann", "due_date", soon, "column_id", b[4]);

        // a new due date is a new reminder; the old one is not repeated
        String moved = Instant.now().plus(Duration.ofHours(3)).toString();
        assertThat(http.patch("/api/v1/tasks/" + task, obj("due_date", moved)).status())
                .isEqualTo(200);
        eventually(() -> assertThat(about(ann, task))
                .containsExactly("assigned by tester", "due_soon by system", "due_soon by system"));
        assertThat(jdbc.sql("select count(*) from task_reminders where task_id = :t")
                        .param("t", task)
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
        assertThat(about(ann, later)).containsExactly("assigned by tester");
        assertThat(about(ann, done)).containsExactly("assigned by tester");
    }

    @Autowired
    Outbox outbox;

    @Autowired
    Transactions tx;

    long userId(String username) {
        return jdbc.sql("select id from users where username = :u")
                .param("u", username)
                .query(Long.class)
                .single();
    }

    @Test
    void completingTheLastBlockerTellsTheBlockedTasksAssigneeAndWatchers() {
        long[] b = fx.board("Dependencies");
        long first = fx.task(b[0], "first blocker");
        long second = fx.task(b[0], "second blocker");
        long blocked = fx.task(b[0], "waits for both", "assignee", "ann");
        for (long blocker : new long[] {first, second}) {
            Response r =
                    http.post("/api/v1/tasks/" + blocker + "/relations", obj("kind", "blocks", "task_id", blocked));
            assertThat(r.status()).as(r.body()).isEqualTo(201);
        }
        assertThat(bob.put("/api/v1/tasks/" + blocked + "/watchers/me", null).status())
                .isEqualTo(200);
        assertThat(http.post("/api/v1/tasks/" + first + "/complete", obj()).status())
                .isEqualTo(200);
        // one blocker left: not unblocked yet; the last one done: unblocked
        assertThat(http.post("/api/v1/tasks/" + second + "/complete", obj()).status())
                .isEqualTo(200);
        eventually(() -> assertThat(about(ann, blocked)).containsExactly("assigned by tester", "unblocked by tester"));
        eventually(() -> assertThat(about(bob, blocked)).containsExactly("unblocked by tester"));
        // the actor who completed it hears nothing of their own change
        assertThat(about(http, blocked)).isEmpty();
    }

    @Test
    void aRuleNotificationEventReachesTheMemberItNames() {
        long[] b = fx.board("Rules");
        long task = fx.task(b[0], "escalated work");
        long annId = userId("ann");
        long olgaId = userId("olga");
        // what the automation rules append for their "notify someone" action, in the triggering change
        CurrentRequest.runAs(
                new RequestContext(defaultWorkspace, "rule:escalate", Role.ADMIN),
                () -> tx.write(() -> {
                    outbox.append(
                            EventType.RULE_NOTIFICATION,
                            b[0],
                            task,
                            Map.of(
                                    "user_id",
                                    annId,
                                    "rule_id",
                                    7,
                                    "rule_name",
                                    "escalate",
                                    "message",
                                    "urgent work waits for you"));
                    // a rule naming someone who is no member of the workspace notifies nobody
                    outbox.append(
                            EventType.RULE_NOTIFICATION,
                            b[0],
                            task,
                            Map.of("user_id", olgaId, "rule_id", 7, "rule_name", "escalate", "message", "x"));
                }));
        eventually(() -> assertThat(about(ann, task)).containsExactly("rule by rule:escalate"));
        JsonNode n = ann.get("/api/v1/notifications").json().get("items").get(0);
        assertThat(n.get("kind").asString()).isEqualTo("rule");
        assertThat(n.get("excerpt").asString()).isEqualTo("urgent work waits for you");
        assertThat(n.get("title").asString()).isEqualTo("escalated work");
        assertThat(olga.get("/api/v1/notifications").json().get("total").asLong())
                .isZero();
        assertThat(about(http, task)).isEmpty();
    }

    @Test
    void archivedAndTrashedTasksAreNotReminded() {
        long[] b = fx.board("Put away");
        String later = Instant.now().plus(Duration.ofDays(9)).toString();
        long archived = fx.task(b[0], "archived", "assignee", "ann", "due_date", later);
        long trashed = fx.task(b[0], "trashed", "assignee", "ann", "due_date", later);
        assertThat(http.post("/api/v1/tasks/" + archived + "/archive", null).status())
                .isEqualTo(200);
        assertThat(http.delete("/api/v1/tasks/" + trashed).status()).isEqualTo(204);
        jdbc.sql("update tasks set due_date = now() - interval '1 hour' where id in (:a, :t)")
                .param("a", archived)
                .param("t", trashed)
                .update();
        // a scan that reminds of this later task has seen the two put away: it passed them over
        long marker = fx.task(
                b[0],
                "still on the board",
                "assignee",
                "ann",
                "due_date",
                Instant.now().minus(Duration.ofHours(1)).toString());
        eventually(() -> assertThat(about(ann, marker)).contains("overdue by system"));
        assertThat(jdbc.sql("select count(*) from task_reminders where task_id in (:a, :t)")
                        .param("a", archived)
                        .param("t", trashed)
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void anAutomationRulesNotifyActionLandsInTheNamedMembersInbox() {
        long[] b = fx.board("Rule to inbox");
        Response rule = http.post(
                "/api/v1/boards/" + b[0] + "/rules",
                obj(
                        "name",
                        "Escalate",
                        "trigger",
                        obj("type", "task_created"),
                        "conditions",
                        obj("priority", "urgent"),
                        "actions",
                        List.of(obj("type", "notify", "user_id", userId("ann"), "message", "an urgent task arrived"))));
        assertThat(rule.status()).as(rule.body()).isEqualTo(201);
        long urgent = fx.task(b[0], "the server is down", "priority", "urgent");
        long calm = fx.task(b[0], "a typo", "priority", "low");
        eventually(() -> assertThat(about(ann, urgent)).containsExactly("rule by rule:Escalate"));
        JsonNode n = ann.get("/api/v1/notifications").json().get("items").get(0);
        assertThat(n.get("excerpt").asString()).isEqualTo("an urgent task arrived");
        assertThat(about(ann, calm)).isEmpty();
    }
}
