package dev.agentkanban.realtime;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.task.TaskFixtures;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Each person's own channel (issue 15): a notification reaches every open connection of its member,
 * whatever board it follows (or none), with the member's unread count; nobody else's connection gets it.
 */
class LiveInboxTest extends ApiTest {

    String annToken;
    String bobToken;
    Http bob;
    TaskFixtures fx;

    @BeforeAll
    void people() {
        User ann = identities.provision("ann", "ann-password", defaultWorkspace, Role.MEMBER, false);
        annToken = identities.issueToken(ann.id(), "ws", List.of("read", "write"));
        User b = identities.provision("bob", "bob-password", defaultWorkspace, Role.MEMBER, false);
        bobToken = identities.issueToken(b.id(), "ws", List.of("read", "write"));
        bob = http.withToken(bobToken);
        fx = new TaskFixtures(http);
    }

    @Test
    void aMentionReachesTheMentionedMemberLiveOnEveryConnectionAndNobodyElse() throws Exception {
        long[] b = fx.board("Live inbox");
        long task = fx.task(b[0], "needs eyes");
        try (LiveClient annOnBoard = LiveClient.connect(port, "/ws", annToken);
                LiveClient annElsewhere = LiveClient.connect(port, "/ws", annToken);
                LiveClient bobClient = LiveClient.connect(port, "/ws", bobToken)) {
            annOnBoard.expect("connected");
            annElsewhere.expect("connected");
            bobClient.expect("connected");
            annOnBoard.subscribe(b[0]);
            annOnBoard.expect("subscribed");

            assertThat(bob.post("/api/v1/tasks/" + task + "/comments", obj("body", "@ann what do you think?"))
                            .status())
                    .isEqualTo(201);

            // on the board connection the comment's board event comes too; the notification is what counts
            JsonNode live = annOnBoard.next();
            while (!"notification".equals(live.path("type").asString(""))) {
                live = annOnBoard.next();
            }
            JsonNode n = live.get("notification");
            assertThat(n.get("kind").asString()).isEqualTo("mentioned");
            assertThat(n.get("actor").asString()).isEqualTo("bob");
            assertThat(n.get("task_id").asLong()).isEqualTo(task);
            assertThat(n.get("title").asString()).isEqualTo("needs eyes");
            assertThat(live.get("unread_count").asLong()).isEqualTo(1);

            JsonNode other = annElsewhere.expect("notification");
            assertThat(other.get("notification").get("id").asLong())
                    .isEqualTo(n.get("id").asLong());

            // bob (the actor) hears nothing of his own comment; ann's next notification is the next thing he sees of
            // her
            assertThat(http.post("/api/v1/tasks/" + task + "/comments", obj("body", "@bob thanks"))
                            .status())
                    .isEqualTo(201);
            JsonNode forBob = bobClient.expect("notification");
            assertThat(forBob.get("notification").get("actor").asString()).isEqualTo("tester");
            assertThat(forBob.get("notification").get("kind").asString()).isEqualTo("mentioned");
        }
    }
}
