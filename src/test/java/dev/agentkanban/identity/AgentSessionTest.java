package dev.agentkanban.identity;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** Seed 002's named sessions for agents, when a deployment turns them on. */
@TestPropertySource(properties = "kanban.sessions-enabled=true")
class AgentSessionTest extends ApiTest {

    @Test
    void aNamedSessionActsAsAnAgentOfTheDefaultWorkspace() {
        Response s = http.anonymous().post("/api/v1/auth/session", obj("username", "claude-1"));
        assertThat(s.status()).as(s.body()).isEqualTo(200);
        String token = s.json().get("access_token").asString();
        assertThat(s.json().get("user").get("kind").asString()).isEqualTo("agent");

        Http agent = http.withToken(token);
        Response me = agent.get("/api/v1/auth/me");
        assertThat(me.json().get("workspace").get("role").asString()).isEqualTo("agent");
        long board = http.post("/api/v1/boards", obj("name", "Sessions")).id();
        Response task = agent.post("/api/v1/tasks", obj("board_id", board, "title", "by the agent"));
        assertThat(task.json().get("created_by").asString()).isEqualTo("claude-1");
        assertThat(agent.delete("/api/v1/boards/" + board).status()).isEqualTo(403);

        Http bySessionHeader = http.as("X-Session-Id", token);
        assertThat(bySessionHeader
                        .get("/api/v1/auth/me")
                        .json()
                        .get("user")
                        .get("username")
                        .asString())
                .isEqualTo("claude-1");
    }

    @Test
    void aPersonsAccountCannotBeTakenByANamedSession() {
        identities.provision("person", "person-password", defaultWorkspace, Role.MEMBER, false);
        assertThat(http.anonymous()
                        .post("/api/v1/auth/session", obj("username", "person"))
                        .status())
                .isEqualTo(409);
        assertThat(http.anonymous()
                        .post("/api/v1/auth/session", obj("username", "bad name!"))
                        .status())
                .isEqualTo(422);
    }
}
