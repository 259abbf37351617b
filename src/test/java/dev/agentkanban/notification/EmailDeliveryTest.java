package dev.agentkanban.notification;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import dev.agentkanban.identity.Role;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.MailQueue;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import dev.agentkanban.support.Http.Response;
import dev.agentkanban.support.TestSmtp;
import dev.agentkanban.task.TaskFixtures;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * E-mail (issue 15) against a real SMTP server started in the test (GreenMail): instant mails with a
 * link to the card and an unsubscribe link that works without signing in; one digest for several
 * notifications; and an SMTP outage followed by recovery delivers every mail exactly once.
 */
// closed after the class: a cached context's mail worker would go on claiming the shared test
// database's mails for an SMTP server that has stopped (and back them off), so at most one
// mail-sending context lives at a time
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class EmailDeliveryTest extends ApiTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final int PORT = freePort();
    static GreenMail smtp = start();

    TaskFixtures fx;
    Http ann;
    Http bob;

    @DynamicPropertySource
    static void mail(DynamicPropertyRegistry registry) {
        registry.add("kanban.email.smtp-url", () -> "smtp://127.0.0.1:" + PORT);
        registry.add("kanban.email.from", () -> "kanban@example.test");
        registry.add("kanban.public-url", () -> "http://kanban.example.test");
        registry.add("kanban.email.poll-interval", () -> "PT0.2S");
        registry.add("kanban.email.initial-backoff", () -> "PT0.2S");
    }

    static int freePort() {
        return TestSmtp.freePort();
    }

    static GreenMail start() {
        return TestSmtp.start(PORT);
    }

    @BeforeAll
    void people() {
        fx = new TaskFixtures(http);
        ann = clientFor("ann", defaultWorkspace, Role.MEMBER);
        bob = clientFor("bob", defaultWorkspace, Role.MEMBER);
        clientFor("carol", defaultWorkspace, Role.MEMBER);
        clientFor("gina", defaultWorkspace, Role.MEMBER);
        clientFor("hank", defaultWorkspace, Role.MEMBER);
        clientFor("vic", defaultWorkspace, Role.MEMBER);
        for (String name : List.of("ann", "bob", "carol", "gina", "hank", "vic")) {
            jdbc.sql("update users set email = :e where username = :u")
                    .param("e", name + "@example.test")
                    .param("u", name)
                    .update();
        }
    }

    @AfterAll
    void stopSmtp() {
        smtp.stop();
    }

    static List<MimeMessage> to(String address) {
        return TestSmtp.to(smtp, address);
    }

    static String header(MimeMessage m, String name) {
        try {
            return m.getHeader(name)[0];
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anInstantMailLinksToTheCardAndItsUnsubscribeLinkWorksWithoutSigningIn() throws Exception {
        long[] b = fx.board("Mailed");
        long task = fx.task(b[0], "Renew the certificate", "assignee", "ann");
        await().atMost(WAIT).until(() -> to("ann@example.test").size() == 1);
        MimeMessage mail = to("ann@example.test").getFirst();
        assertThat(mail.getSubject()).isEqualTo("[Agent Kanban] tester assigned you: Renew the certificate");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("kanban@example.test");
        String body = GreenMailUtil.getBody(mail);
        assertThat(body)
                .contains("http://kanban.example.test/?ws=" + defaultWorkspace + "&board=" + b[0] + "&card=" + task);
        assertThat(header(mail, "List-Unsubscribe")).startsWith("<http://kanban.example.test/api/v1/email/unsubscribe");

        Matcher link = Pattern.compile("/api/v1/email/unsubscribe\\?token=([A-Za-z0-9._-]+)")
                .matcher(body);
        assertThat(link.find()).isTrue();
        String token = link.group(1);
        Http anonymous = http.anonymous();
        assertThat(anonymous.get("/api/v1/email/unsubscribe?token=" + token).body())
                .contains("Unsubscribe");
        // a forged token (another user's id with ann's signature) is refused and changes nothing
        String forged =
                (Long.parseLong(token.substring(0, token.indexOf('.'))) + 1) + token.substring(token.indexOf('.'));
        assertThat(anonymous
                        .post("/api/v1/email/unsubscribe?token=" + forged, null)
                        .status())
                .isEqualTo(404);
        Response off = anonymous.post("/api/v1/email/unsubscribe?token=" + token, null);
        assertThat(off.status()).as(off.body()).isEqualTo(200);
        assertThat(ann.get("/api/v1/me/notification-preferences")
                        .json()
                        .get("email")
                        .asString())
                .isEqualTo("off");

        // no more mail for ann, though the notification still reaches her inbox
        long next = fx.task(b[0], "Rotate the keys", "assignee", "ann");
        await().atMost(WAIT)
                .until(() -> jdbc.sql("select count(*) from notifications where task_id = :t and mailed_at is not null")
                                .param("t", next)
                                .query(Long.class)
                                .single()
                        == 1);
        assertThat(to("ann@example.test")).hasSize(1);
    }

    @Test
    void aDigestGroupsWhatHappenedIntoOneMail() throws Exception {
        Response set = bob.put("/api/v1/me/notification-preferences", obj("email", "digest"));
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(set.json().get("email_enabled").asBoolean()).isTrue();
        assertThat(bob.put("/api/v1/me/notification-preferences", obj("email", "hourly"))
                        .status())
                .isEqualTo(422);
        long[] b = fx.board("Digest");
        // three notifications in one go (a bulk assignment is one event: one notification, so three tasks)
        List<Long> tasks = new ArrayList<>();
        for (String title : List.of("first", "second", "third")) {
            tasks.add(fx.task(b[0], title + " for bob", "description", "@bob"));
        }
        await().atMost(WAIT).until(() -> to("bob@example.test").size() == 1);
        String body = GreenMailUtil.getBody(to("bob@example.test").getFirst());
        assertThat(to("bob@example.test").getFirst().getSubject()).startsWith("[Agent Kanban] digest:");
        // whatever the digest caught, nothing is lost: the rest waits for the next digest (60 minutes)
        long mailed = jdbc.sql("select count(*) from notifications n join users u on u.id = n.user_id"
                        + " where u.username = 'bob' and n.mailed_at is not null")
                .query(Long.class)
                .single();
        assertThat(mailed).isPositive();
        assertThat(body).contains("first for bob");
        fx.task(b[0], "fourth for bob", "description", "@bob");
        await().atMost(WAIT)
                .until(() -> jdbc.sql("select count(*) from notifications n join users u on u.id = n.user_id"
                                        + " where u.username = 'bob'")
                                .query(Long.class)
                                .single()
                        == 4);
        assertThat(to("bob@example.test")).hasSize(1);
    }

    @Test
    void anSmtpOutageFollowedByRecoveryDeliversEveryMailExactlyOnce() throws Exception {
        smtp.stop();
        long[] b = fx.board("Outage");
        int mails = 6;
        for (int i = 0; i < mails; i++) {
            fx.task(b[0], "during the outage " + i, "assignee", "carol");
        }
        // the mails are queued and their attempts fail while the server is down
        await().atMost(WAIT).until(() -> jdbc.sql("""
                        select count(*) from email_outbox where to_address = 'carol@example.test'
                        and status = 'pending' and attempts >= 1 and last_error is not null
                        """).query(Long.class).single() == mails);
        assertThat(to("carol@example.test")).isEmpty();

        smtp = start();
        await().atMost(WAIT)
                .until(() -> jdbc.sql(
                                        "select count(*) from email_outbox where to_address = 'carol@example.test' and status = 'sent'")
                                .query(Long.class)
                                .single()
                        == mails);
        List<MimeMessage> received = to("carol@example.test");
        assertThat(received).hasSize(mails);
        Set<String> ids =
                received.stream().map(m -> header(m, "X-Kanban-Mail-Id")).collect(Collectors.toSet());
        assertThat(ids).hasSize(mails);
        Set<String> subjects = received.stream()
                .map(m -> {
                    try {
                        return m.getSubject();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .collect(Collectors.toSet());
        assertThat(subjects).hasSize(mails);
    }

    @Test
    void aMailClaimedByAnInstanceThatDiedIsSentOnceAfterItsLease() {
        // the row an instance leaves when it dies after claiming a mail and before sending it
        jdbc.sql("""
                insert into email_outbox (user_id, kind, to_address, subject, body, notification_ids, attempts,
                                          lease_until)
                select id, 'instant', 'carol@example.test', 'claimed before the crash', 'body', '{}', 1,
                       now() + interval '1 hour'
                from users where username = 'carol'
                """).update();
        // while its lease holds no other instance sends it: a later mail goes out, that one does not
        long[] b = fx.board("Restart");
        fx.task(b[0], "after the crash", "assignee", "carol");
        await().atMost(WAIT)
                .until(() -> subjects("carol@example.test").stream().anyMatch(sub -> sub.endsWith("after the crash")));
        assertThat(subjects("carol@example.test")).doesNotContain("claimed before the crash");
        // the lease runs out: the mail is sent, once
        jdbc.sql("update email_outbox set lease_until = now() - interval '1 second'"
                        + " where subject = 'claimed before the crash'")
                .update();
        await().atMost(WAIT)
                .until(() -> jdbc.sql("select status from email_outbox where subject = 'claimed before the crash'")
                        .query(String.class)
                        .single()
                        .equals("sent"));
        assertThat(subjects("carol@example.test").stream().filter("claimed before the crash"::equals))
                .hasSize(1);
    }

    @Test
    void aDigestReadersBacklogDoesNotHoldUpAnotherPersonsInstantMail() {
        // gina reads digests, had one a moment ago, and has more than a batch of notifications waiting
        jdbc.sql("""
                insert into notification_preferences (user_id, email) select id, 'digest' from users where username = 'gina'
                on conflict (user_id) do update set email = 'digest'
                """).update();
        jdbc.sql("""
                insert into email_outbox (user_id, kind, to_address, subject, body, notification_ids, status)
                select id, 'digest', 'gina@example.test', 'the last digest', 'body', '{}', 'sent' from users where username = 'gina'
                """).update();
        jdbc.sql("""
                insert into notifications (workspace_id, user_id, event_id, kind, actor, title)
                select :ws, u.id, -g, 'mentioned', 'tester', 'flood ' || g from users u, generate_series(1, 205) g
                where u.username = 'gina'
                """).param("ws", defaultWorkspace).update();

        long[] b = fx.board("Backlog");
        fx.task(b[0], "urgent for hank", "assignee", "hank");

        await().atMost(WAIT)
                .until(() -> subjects("hank@example.test").stream().anyMatch(sub -> sub.endsWith("urgent for hank")));
        assertThat(to("gina@example.test")).as("her digest waits for its time").isEmpty();
        assertThat(jdbc.sql("""
                        select count(*) from notifications n join users u on u.id = n.user_id
                        where u.username = 'gina' and n.mailed_at is null
                        """).query(Long.class).single()).isEqualTo(205);
        // her time comes: the oldest batch goes out as one digest, the rest waits for the next one
        jdbc.sql(
                        "update email_outbox set created_at = now() - interval '2 hours' where to_address = 'gina@example.test'")
                .update();
        await().atMost(WAIT).until(() -> to("gina@example.test").size() == 1);
        assertThat(subject(to("gina@example.test").getFirst())).isEqualTo("[Agent Kanban] digest: 200 notifications");
        assertThat(GreenMailUtil.getBody(to("gina@example.test").getFirst()))
                .contains("flood 200")
                .doesNotContain("flood 201");
    }

    @Test
    void lineBreaksInATitleDoNotShapeTheMail() throws Exception {
        long[] b = fx.board("Spoofing");
        fx.task(
                b[0],
                "Hello\r\nBcc: evil@attacker.example\r\nX-Injected: yes\r\n\r\nfake body\u2028more",
                "assignee",
                "hank");

        await().atMost(WAIT).until(() -> subjects("hank@example.test").stream().anyMatch(sub -> sub.contains("Hello")));
        MimeMessage mail = to("hank@example.test").stream()
                .filter(m -> subject(m).contains("Hello"))
                .findFirst()
                .orElseThrow();
        String body = (String) mail.getContent();

        assertThat(subject(mail)).endsWith("Hello Bcc: evil@attacker.example X-Injected: yes fake body more");
        assertThat(body.lines())
                .contains("tester assigned you: Hello Bcc: evil@attacker.example X-Injected: yes fake body more");
        assertThat(body.lines()).noneMatch(line -> line.startsWith("Bcc:") || line.startsWith("fake body"));
        assertThat(mail.getHeader("X-Injected")).isNull();
    }

    @Test
    void aDisabledPersonGetsNeitherNotificationsNorMail() {
        long vic = jdbc.sql("select id from users where username = 'vic'")
                .query(Long.class)
                .single();
        // one notification from before the account was disabled, not mailed yet
        jdbc.sql("""
                insert into notifications (workspace_id, user_id, event_id, kind, actor, title)
                values (:ws, :vic, -1, 'mentioned', 'tester', 'from before')
                """).param("ws", defaultWorkspace).param("vic", vic).update();
        jdbc.sql("update users set disabled = true where id = :vic")
                .param("vic", vic)
                .update();

        long[] b = fx.board("Disabled");
        fx.task(b[0], "for vic and hank", "description", "@vic and @hank");

        // hank's mail of the same event (queued after vic's would have been) arrives
        await().atMost(WAIT)
                .until(() -> subjects("hank@example.test").stream().anyMatch(sub -> sub.endsWith("for vic and hank")));
        assertThat(to("vic@example.test")).isEmpty();
        assertThat(jdbc.sql("select title from notifications where user_id = :vic")
                        .param("vic", vic)
                        .query(String.class)
                        .list())
                .containsExactly("from before");
    }

    static List<String> subjects(String address) {
        return to(address).stream().map(EmailDeliveryTest::subject).toList();
    }

    @Autowired
    MailQueue mail;

    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void anotherFeatureQueuesAMailInItsTransactionOncePerKey() {
        TransactionTemplate tx = new TransactionTemplate(transactions);
        assertThat(mail.enabled()).isTrue();
        assertThat((Boolean) tx.execute(
                        s -> mail.enqueue("dora@example.test", "You are invited", "Join us: link", "invite:1")))
                .isTrue();
        // the same key again (a retried request) queues nothing
        assertThat((Boolean) tx.execute(s -> mail.enqueue("dora@example.test", "You are invited", "again", "invite:1")))
                .isFalse();
        // a transaction that rolls back sends nothing
        tx.executeWithoutResult(s -> {
            mail.enqueue("erin@example.test", "Rolled back", "never sent", "invite:2");
            s.setRollbackOnly();
        });
        assertThatThrownBy(() -> mail.enqueue("erin@example.test", "No transaction", "x", "invite:3"))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> tx.execute(s -> mail.enqueue("not an address", "Bad", "x", "invite:4")))
                .isInstanceOf(ApiException.class);
        assertThat((Boolean) tx.execute(s -> mail.enqueue("frank@example.test", "After", "the last one", "invite:5")))
                .isTrue();
        await().atMost(WAIT).until(() -> to("frank@example.test").size() == 1);
        await().atMost(WAIT).until(() -> to("dora@example.test").size() == 1);
        MimeMessage invitation = to("dora@example.test").getFirst();
        assertThat(subject(invitation)).isEqualTo("You are invited");
        assertThat(GreenMailUtil.getBody(invitation)).contains("Join us: link").doesNotContain("unsubscribe");
        assertThat(to("erin@example.test")).isEmpty();
        assertThat(jdbc.sql("select count(*) from email_outbox where idempotency_key like 'invite:%'")
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
    }

    static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
