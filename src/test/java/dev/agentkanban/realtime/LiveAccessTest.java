package dev.agentkanban.realtime;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.task.TaskFixtures;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Which workspace a live connection acts in, and that it never outlives its caller's access: the
 * workspace is the one the client names (query parameter or header) if the caller is a member;
 * a revoked token, a signed-out session or a removed membership closes the connection (the test
 * settings re-check every 0.3 s instead of 30 s).
 */
class LiveAccessTest extends ApiTest {

    /** A member of the default workspace who is also a member of a second one; returns their token. */
    private String memberOfTwo(String username, long second) {
        User user = identities.provision(username, username + "-password", defaultWorkspace, Role.MEMBER, false);
        Http.Response added =
                http.post("/api/v1/workspaces/" + second + "/members", obj("user_id", user.id(), "role", "member"));
        assertThat(added.status()).as(added.body()).isEqualTo(202);
        return identities.issueToken(user.id(), "ws", List.of("read", "write"));
    }

    @Test
    void aMemberOfTwoWorkspacesFollowsABoardOfTheOneTheSocketNames() throws Exception {
        long second = otherWorkspace("live-second");
        String token = memberOfTwo("two-hats", second);
        String ws = "X-Workspace-Id";
        Http inSecond = http.as("Authorization", "Bearer " + token, ws, Long.toString(second));
        long board = new TaskFixtures(inSecond).board("Second's board")[0];

        try (LiveClient client = LiveClient.connect(port, "/ws?workspace_id=" + second, token)) {
            assertThat(client.expect("connected").get("workspace_id").asLong()).isEqualTo(second);
            client.subscribe(board);
            client.expect("subscribed");

            new TaskFixtures(inSecond).task(board, "in the second workspace");

            assertThat(client.expectEvent("task_created")
                            .get("data")
                            .get("task")
                            .get("title")
                            .asString())
                    .isEqualTo("in the second workspace");
        }
        // a non-browser client may name it in the header instead; without either, the default one
        try (LiveClient header = LiveClient.connect(port, "/ws", token, ws, Long.toString(second));
                LiveClient plain = LiveClient.connect(port, "/ws", token)) {
            assertThat(header.expect("connected").get("workspace_id").asLong()).isEqualTo(second);
            assertThat(plain.expect("connected").get("workspace_id").asLong()).isEqualTo(defaultWorkspace);
            plain.subscribe(board);
            assertThat(plain.expect("error").get("code").asString()).isEqualTo("not_found");
        }
    }

    @Test
    void aWorkspaceTheCallerIsNotAMemberOfIsRefusedWithAReason() throws Exception {
        long foreign = otherWorkspace("live-foreign");
        User user = identities.provision("stranger", "stranger-password", defaultWorkspace, Role.MEMBER, false);
        String token = identities.issueToken(user.id(), "ws", List.of("read", "write"));

        for (LiveClient client : List.of(
                LiveClient.connect(port, "/ws?workspace_id=" + foreign, token),
                LiveClient.connect(port, "/ws?workspace_id=live-foreign", token),
                LiveClient.connect(port, "/ws?workspace_id=999999999", token),
                LiveClient.connect(port, "/ws", token, "X-Workspace-Id", Long.toString(foreign)))) {
            try (client) {
                JsonNode error = client.expect("error");
                assertThat(error.get("code").asString()).isEqualTo("forbidden");
                assertThat(error.get("message").asString()).startsWith("you are not a member of workspace");
                LiveClient.Closed closed = client.awaitClose();
                assertThat(closed.code()).isEqualTo(LiveAccess.NOT_A_MEMBER);
                assertThat(closed.reason()).startsWith("you are not a member of workspace");
            }
        }
    }

    @Test
    void revokingTheTokenEndsTheConnection() throws Exception {
        User user = identities.provision("revoked", "revoked-password", defaultWorkspace, Role.MEMBER, false);
        Http own = http.withToken(identities.issueToken(user.id(), "setup", List.of("read", "write")));
        Http.Response created = own.post("/api/v1/tokens", obj("name", "socket", "scopes", List.of("read")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long board = new TaskFixtures(http).board("Revoked token")[0];

        try (LiveClient client = subscribed(created.json().get("token").asString(), board)) {
            assertThat(own.delete("/api/v1/tokens/" + created.id()).status()).isEqualTo(204);

            assertEnded(client, LiveAccess.CREDENTIAL_ENDED);
        }
    }

    @Test
    void signingOutEndsTheSessionsConnection() throws Exception {
        identities.provision("signed-out", "signed-out-password", defaultWorkspace, Role.MEMBER, false);
        String session = http.anonymous()
                .post("/api/v1/auth/login", obj("username", "signed-out", "password", "signed-out-password"))
                .json()
                .get("access_token")
                .asString();
        long board = new TaskFixtures(http).board("Signed out")[0];

        try (LiveClient client = subscribed(session, board)) {
            assertThat(http.withToken(session).post("/api/v1/auth/logout", null).status())
                    .isEqualTo(204);

            assertEnded(client, LiveAccess.CREDENTIAL_ENDED);
        }
    }

    @Test
    void removingTheMemberFromTheWorkspaceEndsTheConnection() throws Exception {
        User user = identities.provision("removed", "removed-password", defaultWorkspace, Role.MEMBER, false);
        long board = new TaskFixtures(http).board("Removed member")[0];

        try (LiveClient client = subscribed(identities.issueToken(user.id(), "ws", List.of("read")), board)) {
            assertThat(http.delete("/api/v1/workspaces/" + defaultWorkspace + "/members/" + user.id())
                            .status())
                    .isEqualTo(204);

            assertEnded(client, LiveAccess.NOT_A_MEMBER);
        }
    }

    @Test
    void takingAwayTheSystemAdminFlagEndsTheConnectionToAWorkspaceTheyAreNoMemberOf() throws Exception {
        long foreign = otherWorkspace("live-demoted");
        User user = identities.provision("demoted", "demoted-password", defaultWorkspace, Role.MEMBER, true);
        String token = identities.issueToken(user.id(), "ws", List.of("read", "write"));
        Http inForeign = http.as("Authorization", "Bearer " + token, "X-Workspace-Id", Long.toString(foreign));
        long board = new TaskFixtures(inForeign).board("Foreign board")[0];

        try (LiveClient client = LiveClient.connect(port, "/ws?workspace_id=" + foreign, token)) {
            assertThat(client.expect("connected").get("workspace_id").asLong()).isEqualTo(foreign);
            client.subscribe(board);
            client.expect("subscribed");
            assertThat(http.patch("/api/v1/users/" + user.id(), obj("is_admin", false))
                            .status())
                    .isEqualTo(200);

            assertEnded(client, LiveAccess.NOT_A_MEMBER);
        }
    }

    /**
     * A workspace admin requiring two-factor sign-in ends what a person's session signed in without it
     * already has open: its WebSocket closes (4403) and its MCP session's next request is refused, as
     * its REST calls are; a new handshake is refused too. The same person's API token and its socket
     * and MCP calls go on (tokens and agents are not affected).
     */
    @Test
    void requiringTwoFactorEndsTheOpenSocketAndMcpSessionOfASessionSignedInWithoutIt() throws Exception {
        User user = identities.provision("no-second", "no-second-password", defaultWorkspace, Role.MEMBER, false);
        String session = http.anonymous()
                .post("/api/v1/auth/login", obj("username", "no-second", "password", "no-second-password"))
                .json()
                .get("access_token")
                .asString();
        String token = identities.issueToken(user.id(), "agent", List.of("read", "write"));
        long board = new TaskFixtures(http).board("Two-factor required")[0];
        String[] mcpHeaders = {"Accept", "application/json, text/event-stream"};
        var initialize = obj(
                "jsonrpc",
                "2.0",
                "id",
                1,
                "method",
                "initialize",
                "params",
                obj(
                        "protocolVersion",
                        "2025-06-18",
                        "capabilities",
                        obj(),
                        "clientInfo",
                        obj("name", "two-factor-test", "version", "1")));
        Http.Response opened = http.withToken(session).post("/mcp", initialize, mcpHeaders);
        assertThat(opened.status()).as(opened.body()).isEqualTo(200);
        // the server's MCP sessions are stateless or not: the next request carries the id when it gave one
        String[] next = opened.header("Mcp-Session-Id")
                .map(id -> new String[] {"Accept", mcpHeaders[1], "Mcp-Session-Id", id})
                .orElse(mcpHeaders);
        var toolsList = obj("jsonrpc", "2.0", "id", 2, "method", "tools/list");
        assertThat(http.withToken(session).post("/mcp", toolsList, next).status())
                .isEqualTo(200);

        try (LiveClient person = subscribed(session, board);
                LiveClient agent = subscribed(token, board)) {
            try {
                assertThat(http.put("/api/v1/workspaces/" + defaultWorkspace + "/two-factor", obj("required", true))
                                .status())
                        .isEqualTo(200);

                assertEnded(person, LiveAccess.NOT_A_MEMBER);
                Http.Response refused = http.withToken(session).post("/mcp", toolsList, next);
                assertThat(refused.status()).as(refused.body()).isEqualTo(403);
                assertThat(refused.json().get("type").asString()).endsWith("/two-factor-required");
                try (LiveClient again = LiveClient.connect(port, "/ws", session)) {
                    assertThat(again.expect("error").get("message").asString()).contains("requires two-factor sign-in");
                    assertThat(again.awaitClose().code()).isEqualTo(LiveAccess.NOT_A_MEMBER);
                }

                // the API token is not affected: its socket still gets the board's events, its MCP calls answer
                new TaskFixtures(http).task(board, "seen by the token's socket");
                assertThat(agent.expectEvent("task_created")
                                .get("data")
                                .get("task")
                                .get("title")
                                .asString())
                        .isEqualTo("seen by the token's socket");
                assertThat(http.withToken(token)
                                .post("/mcp", initialize, mcpHeaders)
                                .status())
                        .isEqualTo(200);
            } finally {
                http.put("/api/v1/workspaces/" + defaultWorkspace + "/two-factor", obj("required", false));
            }
        }
    }

    private LiveClient subscribed(String token, long board) throws InterruptedException {
        LiveClient client = LiveClient.connect(port, "/ws", token);
        client.expect("connected");
        client.subscribe(board);
        client.expect("subscribed");
        return client;
    }

    /** The connection says its access ended and closes; nothing of the board reaches it any more. */
    private void assertEnded(LiveClient client, int code) throws Exception {
        JsonNode error = client.expect("error");
        assertThat(error.get("code").asString()).isEqualTo("access_ended");
        LiveClient.Closed closed = client.awaitClose();
        assertThat(closed.code()).isEqualTo(code);
        assertThat(closed.reason()).startsWith("access ended");
        assertThat(client.next().get("type").asString())
                .as("nothing after the error but the close")
                .isEqualTo(LiveClient.CLOSED);
    }
}
