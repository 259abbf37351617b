package dev.agentkanban.identity;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Secrets shown once (API tokens, invitation links, the TOTP seed, recovery codes, webhook signing
 * secrets, sessions) are stored only hashed or encrypted: an {@code Idempotency-Key} on their request
 * must not keep them in {@code idempotency_keys}, and a retry must not show them again.
 */
class ShownOnceSecretsTest extends ApiTest {

    /** Sends the request twice with one key: the first answers the secret, the retry a 409 without it. */
    private void shownOnce(String secret, Supplier<Response> request, int created) {
        Response retry = request.get();
        assertThat(retry.status()).as(retry.body()).isEqualTo(409);
        assertThat(retry.json().get("type").asString()).endsWith("/secret-shown-once");
        assertThat(retry.json().get("original_status").asInt()).isEqualTo(created);
        assertThat(retry.body()).doesNotContain(secret);
        assertThat(jdbc.sql("select count(*) from idempotency_keys"
                                + " where position(convert_to(:s, 'UTF8') in coalesce(response_body, '')) > 0")
                        .param("s", secret)
                        .query(Long.class)
                        .single())
                .as("the secret is kept nowhere")
                .isZero();
    }

    private Response sent(Supplier<Response> request, int status) {
        Response r = request.get();
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        return r;
    }

    @Test
    void answersHoldingASecretAreNeitherKeptForRetriesNorShownAgain() {
        Supplier<Response> token = () -> http.post(
                "/api/v1/tokens", obj("name", "idem", "scopes", List.of("read")), "Idempotency-Key", "idem-tok");
        shownOnce(sent(token, 201).json().get("token").asString(), token, 201);
        assertThat(jdbc.sql("select count(*) from api_tokens where name = 'idem'")
                        .query(Long.class)
                        .single())
                .as("the retry made no second token")
                .isEqualTo(1);

        Supplier<Response> link = () -> http.post(
                "/api/v1/workspaces/" + defaultWorkspace + "/invitation-links",
                obj("role", "member"),
                "Idempotency-Key",
                "idem-inv");
        shownOnce(sent(link, 201).json().get("token").asString(), link, 201);

        Supplier<Response> webhook = () -> http.post(
                "/api/v1/webhooks",
                obj("url", "http://127.0.0.1:9/idem", "event_types", List.of("task_created")),
                "Idempotency-Key",
                "idem-wh");
        shownOnce(sent(webhook, 201).json().get("secret").asString(), webhook, 201);

        identities.provision("idem-person", "idem-person-password", defaultWorkspace, Role.MEMBER, false);
        // a sign-in sent with a credential has a workspace context, so its key is kept: not its session
        Supplier<Response> signIn = () -> http.post(
                "/api/v1/auth/login",
                obj("username", "idem-person", "password", "idem-person-password"),
                "Idempotency-Key",
                "idem-login");
        String accessToken = sent(signIn, 200).json().get("access_token").asString();
        shownOnce(accessToken, signIn, 200);
        Http session = http.withToken(accessToken);
        Supplier<Response> renew = () -> session.post("/api/v1/auth/renew", null, "Idempotency-Key", "idem-renew");
        shownOnce(sent(renew, 200).json().get("access_token").asString(), renew, 200);

        Supplier<Response> enrol =
                () -> session.post("/api/v1/auth/two-factor/enrolment", null, "Idempotency-Key", "idem-enr");
        String seed = sent(enrol, 200).json().get("secret").asString();
        shownOnce(seed, enrol, 200);
        // the current step's code: within the server's window however long the request takes to arrive
        String code = TwoFactorApiTest.code(Totp.fromBase32(seed), 0);
        Supplier<Response> confirm = () ->
                session.post("/api/v1/auth/two-factor/confirm", obj("code", code), "Idempotency-Key", "idem-conf");
        shownOnce(sent(confirm, 200).json().get("recovery_codes").get(0).asString(), confirm, 200);
    }
}
