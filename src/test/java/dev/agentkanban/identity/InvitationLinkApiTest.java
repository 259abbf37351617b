package dev.agentkanban.identity;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Invitations by link: created by admins, single use, expiring, for new and existing accounts. */
class InvitationLinkApiTest extends ApiTest {

    private JsonNode link(long workspace, String role) {
        Response r = http.post("/api/v1/workspaces/" + workspace + "/invitation-links", obj("role", role));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    @Test
    void aNewPersonCreatesTheirAccountWithTheLinkOnce() {
        long ws = otherWorkspace("links-new");
        JsonNode created = link(ws, "member");
        String token = created.get("token").asString();
        assertThat(created.get("link").asString()).endsWith("/invite.html#" + token);
        assertThat(jdbc.sql("select count(*) from workspace_invitations where token_hash = :t")
                        .param("t", token)
                        .query(Long.class)
                        .single())
                .as("only the hash is stored")
                .isZero();

        JsonNode info = http.anonymous()
                .post("/api/v1/invitations/link/info", obj("token", token))
                .json();
        assertThat(info.get("workspace_name").asString()).isEqualTo("links-new");
        assertThat(info.get("role").asString()).isEqualTo("member");

        Response redeemed = http.anonymous()
                .post(
                        "/api/v1/invitations/link/redeem",
                        obj("token", token, "username", "link-newbie", "password", "newbie-password"));
        assertThat(redeemed.status()).as(redeemed.body()).isEqualTo(200);
        Http newbie = http.as(
                "Authorization",
                "Bearer " + redeemed.json().get("access_token").asString(),
                "X-Workspace-Id",
                Long.toString(ws));
        assertThat(newbie.get("/api/v1/boards").status()).isEqualTo(200);

        Response again = http.anonymous()
                .post(
                        "/api/v1/invitations/link/redeem",
                        obj("token", token, "username", "link-second", "password", "second-password"));
        assertThat(again.status()).isEqualTo(404);
        assertThat(count("users where username = 'link-second'")).isZero();
        assertThat(count("identity_audit where action in ('invitation_link_created', 'invitation_accepted')"))
                .isEqualTo(2);
    }

    @Test
    void aSignedInPersonJoinsWithTheRoleOfTheLink() {
        long ws = otherWorkspace("links-existing");
        Http carol = clientFor("link-carol", defaultWorkspace, Role.MEMBER);
        String token = link(ws, "viewer").get("token").asString();
        Response joined = carol.post("/api/v1/invitations/link/accept", obj("token", token));
        assertThat(joined.status()).as(joined.body()).isEqualTo(200);
        assertThat(joined.json().get("role").asString()).isEqualTo("viewer");
        assertThat(carol.post("/api/v1/invitations/link/accept", obj("token", token))
                        .status())
                .isEqualTo(404);
    }

    @Test
    void anExpiredLinkIsRefusedAndOnlyAdminsCreateLinks() {
        long ws = otherWorkspace("links-expired");
        String token = link(ws, "member").get("token").asString();
        jdbc.sql("update workspace_invitations set expires_at = now() - interval '1 second' where workspace_id = :ws")
                .param("ws", ws)
                .update();
        assertThat(http.anonymous()
                        .post("/api/v1/invitations/link/info", obj("token", token))
                        .status())
                .isEqualTo(404);
        Http member = clientFor("link-member", defaultWorkspace, Role.MEMBER);
        assertThat(member.post("/api/v1/workspaces/" + defaultWorkspace + "/invitation-links", obj("role", "admin"))
                        .status())
                .isEqualTo(403);
        assertThat(http.post(
                                "/api/v1/workspaces/" + ws + "/invitation-links",
                                obj("role", "member", "expires_in_hours", 0))
                        .status())
                .isEqualTo(422);
    }

    @Test
    void adminsListUnusedLinksWithoutTheirSecretsAndWithdrawThem() {
        long ws = otherWorkspace("links-listed");
        String path = "/api/v1/workspaces/" + ws + "/invitation-links";
        JsonNode kept = link(ws, "viewer");
        JsonNode withdrawn = link(ws, "member");
        JsonNode used = link(ws, "member");
        assertThat(http.anonymous()
                        .post(
                                "/api/v1/invitations/link/redeem",
                                obj(
                                        "token",
                                        used.get("token").asString(),
                                        "username",
                                        "links-used",
                                        "password",
                                        "used-password"))
                        .status())
                .isEqualTo(200);

        Response list = http.get(path);
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        assertThat(list.json().get("total").asInt()).isEqualTo(2);
        assertThat(list.json().get("items").findValuesAsString("role")).containsExactly("member", "viewer");
        assertThat(list.json().get("items").get(0).get("id").asLong())
                .isEqualTo(withdrawn.get("id").asLong());
        assertThat(list.json().get("items").get(0).get("invited_by").asString()).isEqualTo("tester");
        assertThat(list.json().get("items").get(0).get("expires_at").asString()).isNotBlank();
        assertThat(list.body())
                .doesNotContain(
                        kept.get("token").asString(), withdrawn.get("token").asString(), "token");

        Http member = clientFor("links-member", ws, Role.MEMBER);
        assertThat(member.get(path).status()).isEqualTo(403);
        assertThat(member.delete(path + "/" + withdrawn.get("id").asLong()).status())
                .isEqualTo(403);

        Response revoked = http.delete(path + "/" + withdrawn.get("id").asLong());
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(204);
        assertThat(http.anonymous()
                        .post(
                                "/api/v1/invitations/link/info",
                                obj("token", withdrawn.get("token").asString()))
                        .status())
                .isEqualTo(404);
        assertThat(http.anonymous()
                        .post(
                                "/api/v1/invitations/link/info",
                                obj("token", kept.get("token").asString()))
                        .status())
                .isEqualTo(200);
        assertThat(http.delete(path + "/" + withdrawn.get("id").asLong()).status())
                .isEqualTo(404);
        assertThat(http.delete(path + "/" + used.get("id").asLong()).status()).isEqualTo(404);
        assertThat(http.get(path).json().get("items").findValuesAsString("role"))
                .containsExactly("viewer");
        assertThat(count("identity_audit where action = 'invitation_link_revoked'"))
                .isEqualTo(1);

        // another workspace's link is not reached through this one
        long elsewhere = otherWorkspace("links-elsewhere");
        JsonNode foreign = link(elsewhere, "member");
        assertThat(http.delete(path + "/" + foreign.get("id").asLong()).status())
                .isEqualTo(404);
        assertThat(http.anonymous()
                        .post(
                                "/api/v1/invitations/link/info",
                                obj("token", foreign.get("token").asString()))
                        .status())
                .isEqualTo(200);
    }
}
