package dev.agentkanban.identity;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.support.TestSmtp;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Invitation links by e-mail against a real SMTP server started in the test (GreenMail): with an
 * address and mail configured, the link is mailed through the mail outbox (once) and works from the
 * mail; without an address it is only shown to the admin, as without mail.
 */
// closed after the class, as the other mail tests: no cached context's mail worker outlives its SMTP server
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class InvitationMailTest extends ApiTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final int PORT = TestSmtp.freePort();
    static final GreenMail SMTP = TestSmtp.start(PORT);

    @DynamicPropertySource
    static void mail(DynamicPropertyRegistry registry) {
        registry.add("kanban.email.smtp-url", () -> "smtp://127.0.0.1:" + PORT);
        registry.add("kanban.email.from", () -> "kanban@example.test");
        registry.add("kanban.email.poll-interval", () -> "PT0.2S");
        registry.add("kanban.email.initial-backoff", () -> "PT0.2S");
    }

    @AfterAll
    void stopSmtp() {
        SMTP.stop();
    }

    static List<MimeMessage> to(String address) {
        return TestSmtp.to(SMTP, address);
    }

    @Test
    void anInvitationWithAnAddressIsMailedOnceAndItsLinkWorksFromTheMail() throws Exception {
        Response created = http.post(
                "/api/v1/workspaces/" + defaultWorkspace + "/invitation-links",
                obj("role", "member", "email", "newcomer@example.test", "expires_in_hours", 24));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("mailed").asBoolean()).isTrue();
        String link = created.json().get("link").asString();

        await().atMost(WAIT).until(() -> to("newcomer@example.test").size() == 1);
        MimeMessage mail = to("newcomer@example.test").getFirst();
        assertThat(mail.getSubject()).startsWith("Invitation to ").endsWith(" on Agent Kanban");
        String body = GreenMailUtil.getBody(mail).replace("=\r\n", "").replace("=3D", "=");
        assertThat(body).contains(link).contains("as member").contains("works once");
        assertThat(count("identity_audit where action = 'invitation_link_created' and (detail->>'mailed')::boolean"))
                .isEqualTo(1);

        String token = link.substring(link.indexOf('#') + 1);
        Response redeemed = http.anonymous()
                .post(
                        "/api/v1/invitations/link/redeem",
                        obj("token", token, "username", "newcomer", "password", "newcomer-password"));
        assertThat(redeemed.status()).as(redeemed.body()).isEqualTo(200);
        assertThat(roleInDefaultWorkspace("newcomer")).isEqualTo("member");

        // sent once: the outbox does not send it again
        await().during(Duration.ofSeconds(1))
                .atMost(WAIT)
                .until(() -> to("newcomer@example.test").size() == 1);
    }

    @Test
    void anInvitationWithoutAnAddressIsOnlyShownToTheAdmin() {
        int before = SMTP.getReceivedMessages().length;
        Response created =
                http.post("/api/v1/workspaces/" + defaultWorkspace + "/invitation-links", obj("role", "viewer"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("mailed").asBoolean()).isFalse();
        assertThat(created.json().get("link").asString()).contains("/invite.html#inv_");
        assertThat(count("email_outbox where idempotency_key = 'invitation-link:" + created.id() + "'"))
                .isZero();
        assertThat(SMTP.getReceivedMessages()).hasSize(before);
    }
}
