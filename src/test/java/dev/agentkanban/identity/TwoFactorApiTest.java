package dev.agentkanban.identity;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two-factor authentication over HTTP: enrolment, sign-in with a code (once per code), recovery codes
 * (once each), disabling, the workspace requirement, throttling, and API tokens left alone.
 */
class TwoFactorApiTest extends ApiTest {

    /** A signed-in person: their session client and the enrolled secret (null until enrolled). */
    record Person(String name, Http session, byte[] secret, List<String> recoveryCodes) {}

    private Response login(String name, String code) {
        return http.anonymous()
                .post("/api/v1/auth/login", obj("username", name, "password", name + "-password", "code", code));
    }

    private Http signIn(String name, String code) {
        return signIn(name, code, null);
    }

    /** A signed-in session's client, naming a workspace when {@code workspace} is given. */
    private Http signIn(String name, String code, Long workspace) {
        Response r = login(name, code);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return bearer(r.json().get("access_token").asString(), workspace);
    }

    private Http bearer(String token, Long workspace) {
        return workspace == null
                ? http.withToken(token)
                : http.as("Authorization", "Bearer " + token, "X-Workspace-Id", Long.toString(workspace));
    }

    /** The authenticator's code {@code offset} steps from now (the window accepts -1, 0 and +1). */
    static String code(byte[] secret, int offset) {
        return Totp.code(secret, Totp.step(Instant.now().getEpochSecond()) + offset, 6, "HmacSHA1");
    }

    /**
     * Confirms the enrolment with the code one step back, so the current and the next code stay free
     * for what the test does next. That code leaves the server's window when a step ends between
     * making it and the server checking it: only then is it made again, for the new step.
     */
    static Response confirmedOneStepBack(Http session, byte[] secret) {
        while (true) {
            long step = Totp.step(Instant.now().getEpochSecond());
            Response r = session.post(
                    "/api/v1/auth/two-factor/confirm", obj("code", Totp.code(secret, step - 1, 6, "HmacSHA1")));
            if (r.status() == 200 || Totp.step(Instant.now().getEpochSecond()) == step) {
                return r;
            }
        }
    }

    private Person enrolled(String name, long workspace) {
        identities.provision(name, name + "-password", workspace, Role.MEMBER, false);
        Http s = signIn(name, null);
        Response e = s.post("/api/v1/auth/two-factor/enrolment", null);
        assertThat(e.status()).as(e.body()).isEqualTo(200);
        assertThat(e.json().get("otpauth_uri").asString()).startsWith("otpauth://totp/Agent%20Kanban:" + name + "?");
        assertThat(e.json().get("qr_svg").asString()).startsWith("<svg").contains("<path d=\"M");
        byte[] secret = Totp.fromBase32(e.json().get("secret").asString());
        Response c = confirmedOneStepBack(s, secret);
        assertThat(c.status()).as(c.body()).isEqualTo(200);
        List<String> codes = new ArrayList<>();
        c.json().get("recovery_codes").forEach(n -> codes.add(n.asString()));
        assertThat(codes).hasSize(10).doesNotHaveDuplicates();
        return new Person(name, s, secret, codes);
    }

    @Test
    void afterEnrolmentSigningInNeedsTheCodeAndEachCodeWorksOnce() {
        Person p = enrolled("tf-alice", defaultWorkspace);
        assertThat(p.session()
                        .get("/api/v1/auth/two-factor")
                        .json()
                        .get("enabled")
                        .asBoolean())
                .isTrue();

        Response without = login(p.name(), null);
        assertThat(without.status()).isEqualTo(401);
        assertThat(without.json().get("type").asString()).endsWith("/two-factor-required");
        assertThat(without.json().get("two_factor_required").asBoolean()).isTrue();
        assertThat(without.body()).doesNotContain("access_token");

        Response wrong = login(p.name(), "000000".equals(code(p.secret(), 0)) ? "111111" : "000000");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().get("type").asString()).endsWith("/invalid-two-factor-code");

        String current = code(p.secret(), 0);
        assertThat(login(p.name(), current).status()).isEqualTo(200);
        assertThat(login(p.name(), current).status()).as("a code is good once").isEqualTo(401);
        // the code used at confirmation (one step back) is older than the one used: refused too
        assertThat(login(p.name(), code(p.secret(), -1)).status()).isEqualTo(401);

        List<String> actions = jdbc.sql("select action from identity_audit where subject_user_id ="
                        + " (select id from users where username = 'tf-alice') order by id")
                .query(String.class)
                .list();
        assertThat(actions).contains("two_factor_enabled", "signed_in", "sign_in_failed");
    }

    @Test
    void aRecoveryCodeSignsInOnceAndIsRefusedTheSecondTime() {
        Person p = enrolled("tf-bob", defaultWorkspace);
        String recovery = p.recoveryCodes().get(3);
        assertThat(login(p.name(), recovery.toUpperCase()).status()).isEqualTo(200);
        Response again = login(p.name(), recovery);
        assertThat(again.status()).isEqualTo(401);
        assertThat(again.json().get("type").asString()).endsWith("/invalid-two-factor-code");
        assertThat(p.session()
                        .get("/api/v1/auth/two-factor")
                        .json()
                        .get("recovery_codes_left")
                        .asInt())
                .isEqualTo(9);
        // stored as hashes only
        assertThat(jdbc.sql("select count(*) from user_recovery_codes where code_hash = :c or code_hash = :n")
                        .param("c", recovery)
                        .param("n", TwoFactor.normalise(recovery))
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void disablingNeedsACodeAndThenThePasswordAloneSignsIn() {
        Person p = enrolled("tf-carol", defaultWorkspace);
        assertThat(p.session()
                        .post("/api/v1/auth/two-factor/disable", obj("code", "12345"))
                        .status())
                .isEqualTo(422);
        assertThat(login(p.name(), null).status()).isEqualTo(401);
        Response off = p.session()
                .post(
                        "/api/v1/auth/two-factor/disable",
                        obj("code", p.recoveryCodes().get(0)));
        assertThat(off.status()).as(off.body()).isEqualTo(204);
        assertThat(login(p.name(), null).status()).isEqualTo(200);
        assertThat(count("user_recovery_codes")).isGreaterThanOrEqualTo(0);
        assertThat(jdbc.sql("select count(*) from identity_audit where action = 'two_factor_disabled'")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void wrongCodesAreThrottledLikeWrongPasswords() {
        Person p = enrolled("tf-dave", defaultWorkspace);
        String wrong = "000000".equals(code(p.secret(), 0)) ? "111111" : "000000";
        for (int i = 0; i < 5; i++) {
            assertThat(login(p.name(), wrong).status()).isEqualTo(401);
        }
        Response limited = login(p.name(), code(p.secret(), 0));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.json().get("type").asString()).endsWith("/too-many-attempts");
    }

    @Test
    void parallelCodeGuessesGetNoMoreThanTheBudget() {
        Person p = enrolled("tf-burst", defaultWorkspace);
        String now = code(p.secret(), 0);
        List<Integer> statuses = IdentityTestSupport.inParallel(25, i -> {
            String guess = String.format("%06d", i);
            return login(p.name(), guess.equals(now) ? "999999" : guess).status();
        });
        assertThat(statuses).filteredOn(s -> s == 401).hasSize(5);
        assertThat(statuses).filteredOn(s -> s == 429).hasSize(20);
    }

    @Test
    void wrongCodesWhenTurningTwoFactorOffAreThrottledAndLogged() {
        Person p = enrolled("tf-hank", defaultWorkspace);
        String wrong = "000000".equals(code(p.secret(), 0)) ? "111111" : "000000";
        for (int i = 0; i < 5; i++) {
            Response r = p.session().post("/api/v1/auth/two-factor/disable", obj("code", wrong));
            assertThat(r.status()).as(r.body()).isEqualTo(422);
        }
        Response limited = p.session()
                .post(
                        "/api/v1/auth/two-factor/disable",
                        obj("code", p.recoveryCodes().get(0)));
        assertThat(limited.status()).as(limited.body()).isEqualTo(429);
        assertThat(jdbc.sql("select count(*) from identity_audit a join users u on u.id = a.subject_user_id"
                                + " where a.action = 'sign_in_failed' and u.username = 'tf-hank'"
                                + " and a.detail->>'reason' = 'two_factor_disable'")
                        .query(Long.class)
                        .single())
                .isEqualTo(5);
        assertThat(p.session()
                        .get("/api/v1/auth/two-factor")
                        .json()
                        .get("enabled")
                        .asBoolean())
                .isTrue();
    }

    /** What a changed SECRET_KEY does: the stored secret no longer decrypts. */
    @Test
    void aSecretThatNoLongerDecryptsGivesTheWrongCodeAnswerAndARecoveryCodeStillWorks() {
        Person p = enrolled("tf-ken", defaultWorkspace);
        byte[] sealedWithAnotherKey = new byte[12 + 20 + 16];
        new java.security.SecureRandom().nextBytes(sealedWithAnotherKey);
        jdbc.sql(
                        "update user_two_factor set secret = :s where user_id = (select id from users where username = 'tf-ken')")
                .param("s", java.util.Base64.getEncoder().encodeToString(sealedWithAnotherKey))
                .update();

        Response signIn = login(p.name(), code(p.secret(), 0));
        assertThat(signIn.status()).as(signIn.body()).isEqualTo(401);
        assertThat(signIn.json().get("type").asString()).endsWith("/invalid-two-factor-code");
        assertThat(signIn.json().get("detail").asString()).contains("recovery code");
        Response disable = p.session().post("/api/v1/auth/two-factor/disable", obj("code", code(p.secret(), 1)));
        assertThat(disable.status()).as(disable.body()).isEqualTo(422);

        assertThat(login(p.name(), p.recoveryCodes().get(0)).status()).isEqualTo(200);
        assertThat(p.session()
                        .post(
                                "/api/v1/auth/two-factor/disable",
                                obj("code", p.recoveryCodes().get(1)))
                        .status())
                .isEqualTo(204);
    }

    @Test
    void apiTokensNeitherManageNorNeedASecondFactor() {
        long ws = otherWorkspace("tf-tokens");
        identities.provision("tf-erin", "tf-erin-password", ws, Role.MEMBER, false);
        Http erin = signIn("tf-erin", null, ws);
        byte[] secret = Totp.fromBase32(erin.post("/api/v1/auth/two-factor/enrolment", null)
                .json()
                .get("secret")
                .asString());
        assertThat(confirmedOneStepBack(erin, secret).status()).isEqualTo(200);
        long id = jdbc.sql("select id from users where username = 'tf-erin'")
                .query(Long.class)
                .single();
        Http token = bearer(identities.issueToken(id, "ci", List.of("read", "write", "admin")), ws);
        Response enrol = token.post("/api/v1/auth/two-factor/enrolment", null);
        assertThat(enrol.status()).isEqualTo(403);
        assertThat(enrol.json().get("type").asString()).endsWith("/signed-in-session-required");
        assertThat(http.put("/api/v1/workspaces/" + ws + "/two-factor", obj("required", true))
                        .status())
                .isEqualTo(200);
        assertThat(token.get("/api/v1/boards").status()).isEqualTo(200);
        assertThat(erin.get("/api/v1/boards").status())
                .as("the session that confirmed enrolment passed a second factor")
                .isEqualTo(200);
    }

    @Test
    void aWorkspaceRequiringTwoFactorRefusesSessionsSignedInWithoutIt() {
        long ws = otherWorkspace("tf-required");
        identities.provision("tf-frank", "tf-frank-password", ws, Role.MEMBER, false);
        Http frank = signIn("tf-frank", null, ws);
        assertThat(frank.get("/api/v1/boards").status()).isEqualTo(200);

        Response member = frank.put("/api/v1/workspaces/" + ws + "/two-factor", obj("required", true));
        assertThat(member.status()).as("only admins decide").isEqualTo(403);
        Response set = http.put("/api/v1/workspaces/" + ws + "/two-factor", obj("required", true));
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(frank.get("/api/v1/workspaces/" + ws + "/two-factor")
                        .json()
                        .get("required")
                        .asBoolean())
                .isTrue();

        Response refused = frank.get("/api/v1/boards");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("type").asString()).endsWith("/two-factor-required");
        // the account routes still answer, so that the person can enrol
        assertThat(frank.get("/api/v1/auth/me").status()).isEqualTo(200);
        byte[] secret = Totp.fromBase32(frank.post("/api/v1/auth/two-factor/enrolment", null)
                .json()
                .get("secret")
                .asString());
        assertThat(confirmedOneStepBack(frank, secret).status()).isEqualTo(200);
        assertThat(frank.get("/api/v1/boards").status()).isEqualTo(200);
        Http again = signIn("tf-frank", code(secret, 0), ws);
        assertThat(again.get("/api/v1/boards").status()).isEqualTo(200);
        assertThat(jdbc.sql("select count(*) from identity_audit where action = 'workspace_two_factor_changed'"
                                + " and workspace_id = :ws")
                        .param("ws", ws)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void aSessionWithoutTheRequiredSecondFactorCanOnlySeeItselfEnrolAndSignOut() {
        long ws = otherWorkspace("tf-escape");
        identities.provision("tf-ivan", "tf-ivan-password", ws, Role.ADMIN, false);
        identities.provision("tf-jill", "tf-jill-password", ws, Role.MEMBER, false);
        long jill = jdbc.sql("select id from users where username = 'tf-jill'")
                .query(Long.class)
                .single();
        assertThat(http.put("/api/v1/workspaces/" + ws + "/two-factor", obj("required", true))
                        .status())
                .isEqualTo(200);
        Http ivan = signIn("tf-ivan", null, ws);
        Http member = signIn("tf-jill", null, ws);

        // neither a token that would reach the workspace, nor its administration, nor users, nor the account
        List<Response> refused = List.of(
                member.post("/api/v1/tokens", obj("name", "bypass", "scopes", List.of("read", "write"))),
                ivan.post("/api/v1/tokens", obj("name", "bypass", "scopes", List.of("read"))),
                ivan.put("/api/v1/workspaces/" + ws + "/two-factor", obj("required", false)),
                ivan.post("/api/v1/workspaces/" + ws + "/invitation-links", obj("role", "admin")),
                ivan.patch("/api/v1/workspaces/" + ws + "/members/" + jill, obj("role", "admin")),
                ivan.get("/api/v1/workspaces/" + ws + "/members"),
                ivan.delete("/api/v1/workspaces/" + ws),
                ivan.post("/api/v1/users", obj("username", "tf-made", "password", "tf-made-password", "role", "admin")),
                ivan.post("/api/v1/workspaces", obj("name", "tf-escape-2")),
                member.patch(
                        "/api/v1/users/" + jill,
                        obj("password", "tf-jill-password-2", "current_password", "tf-jill-password")));
        for (Response r : refused) {
            assertThat(r.status()).as(r.body()).isEqualTo(403);
            assertThat(r.json().get("type").asString()).endsWith("/two-factor-required");
        }
        assertThat(jdbc.sql("select count(*) from api_tokens t join users u on u.id = t.user_id"
                                + " where u.username in ('tf-ivan', 'tf-jill')")
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(http.get("/api/v1/workspaces/" + ws + "/two-factor")
                        .json()
                        .get("required")
                        .asBoolean())
                .isTrue();
        assertThat(jdbc.sql("select count(*) from users where username = 'tf-made'")
                        .query(Long.class)
                        .single())
                .isZero();

        // what is left: see oneself, enrol, sign out
        assertThat(member.get("/api/v1/auth/me").status()).isEqualTo(200);
        assertThat(member.get("/api/v1/workspaces").status()).isEqualTo(200);
        assertThat(member.get("/api/v1/tokens").status()).isEqualTo(200);
        assertThat(member.get("/api/v1/workspaces/" + ws + "/two-factor").status())
                .isEqualTo(200);
        byte[] secret = Totp.fromBase32(member.post("/api/v1/auth/two-factor/enrolment", null)
                .json()
                .get("secret")
                .asString());
        assertThat(confirmedOneStepBack(member, secret).status()).isEqualTo(200);
        assertThat(member.post("/api/v1/tokens", obj("name", "after", "scopes", List.of("read")))
                        .status())
                .as("once the session passed a second factor")
                .isEqualTo(201);
        assertThat(ivan.post("/api/v1/auth/logout", null).status()).isIn(200, 204);
    }

    @Test
    void enrolmentNeedsTheRightFirstCode() {
        identities.provision("tf-gina", "tf-gina-password", defaultWorkspace, Role.MEMBER, false);
        Http s = signIn("tf-gina", null);
        assertThat(s.post("/api/v1/auth/two-factor/confirm", obj("code", "123456"))
                        .status())
                .as("nothing to confirm yet")
                .isEqualTo(409);
        byte[] secret = Totp.fromBase32(s.post("/api/v1/auth/two-factor/enrolment", null)
                .json()
                .get("secret")
                .asString());
        String wrong = "000000".equals(code(secret, 0)) ? "111111" : "000000";
        assertThat(s.post("/api/v1/auth/two-factor/confirm", obj("code", wrong)).status())
                .isEqualTo(422);
        assertThat(s.post("/api/v1/auth/two-factor/confirm", obj()).status()).isEqualTo(422);
        assertThat(login("tf-gina", null).status()).as("not on until confirmed").isEqualTo(200);
        String secretColumn = jdbc.sql(
                        "select secret from user_two_factor where user_id = (select id from users where username = 'tf-gina')")
                .query(String.class)
                .single();
        assertThat(secretColumn).as("stored encrypted").doesNotContain(Totp.base32(secret));
    }
}
