package dev.agentkanban.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.task.TaskFixtures;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * E-mail configured the Spring Boot way (issue 15): with {@code spring.mail.host} and
 * {@code spring.mail.port} instead of {@code SMTP_URL}, notification mail goes to that server (a real
 * SMTP server in the test, GreenMail).
 */
// closed after the class: a cached context's mail worker would go on claiming the shared test
// database's mails for an SMTP server that has stopped (and back them off), so at most one
// mail-sending context lives at a time
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SpringMailSettingsTest extends ApiTest {

    static final int PORT = EmailDeliveryTest.freePort();
    static final GreenMail SMTP = start();

    static GreenMail start() {
        GreenMail g = new GreenMail(new ServerSetup(PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        g.start();
        return g;
    }

    @DynamicPropertySource
    static void mail(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> PORT);
        registry.add("kanban.email.poll-interval", () -> "PT0.2S");
    }

    @AfterAll
    void stopSmtp() {
        SMTP.stop();
    }

    @Test
    void springMailSettingsSendNotificationMail() throws Exception {
        clientFor("dana", defaultWorkspace, Role.MEMBER);
        jdbc.sql("update users set email = 'dana@example.test' where username = 'dana'")
                .update();
        TaskFixtures fx = new TaskFixtures(http);
        fx.task(fx.board("Spring mail")[0], "Mailed through spring.mail", "assignee", "dana");
        await().atMost(Duration.ofSeconds(30)).until(() -> SMTP.getReceivedMessages().length == 1);
        MimeMessage mail = SMTP.getReceivedMessages()[0];
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("dana@example.test");
        assertThat(mail.getSubject()).isEqualTo("[Agent Kanban] tester assigned you: Mailed through spring.mail");
    }
}
