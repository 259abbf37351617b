package dev.agentkanban.notification;

import dev.agentkanban.events.SystemTransactions;
import dev.agentkanban.notification.EmailRepository.Mail;
import dev.agentkanban.notification.EmailRepository.Unmailed;
import dev.agentkanban.platform.WakeableLoop;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.stereotype.Component;

/**
 * E-mail for notifications (issue 15), through a durable outbox, on every instance at once.
 *
 * <p>Composing: new notifications are locked a batch at a time ({@code SKIP LOCKED}); for a person
 * with an address and preference {@code instant} each becomes a mail, for {@code digest} all of theirs
 * become one mail unless they had one less than {@code EMAIL_DIGEST_MINUTES} ago (then they wait, and
 * the batches pass them over, so that they hold up nobody else's mail), for {@code off} and for a
 * disabled person none. Queuing the mail and marking its notifications mailed is one transaction, so a
 * notification goes into exactly one mail. Notifications older than a day when e-mail is first
 * switched on are passed over rather than sent.
 *
 * <p>Sending: mails are claimed with a lease, sent, and marked sent; a failed attempt (an SMTP outage)
 * is retried with exponential backoff (up to {@code kanban.email.max-attempts}), so no mail is lost
 * and a mail marked sent is never sent again. Each mail carries a Message-ID made from its outbox id:
 * the one duplicate SMTP cannot rule out (the server accepted it, then this instance died before
 * recording that) carries the same Message-ID, which mail clients fold into one.
 */
@Component
class EmailWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EmailWorker.class);
    private static final int BATCH = 200;
    private static final int CLAIM = 20;
    private static final Duration STALE = Duration.ofDays(1);

    private final EmailSettings settings;
    private final SystemTransactions system;
    private final EmailRepository repo;
    private final UnsubscribeTokens tokens;
    private final Duration pollInterval;
    private final Duration initialBackoff;
    private final int maxAttempts;
    private final WakeableLoop loop = new WakeableLoop();

    EmailWorker(
            EmailSettings settings,
            SystemTransactions system,
            EmailRepository repo,
            UnsubscribeTokens tokens,
            @Value("${kanban.email.poll-interval:PT5S}") Duration pollInterval,
            @Value("${kanban.email.initial-backoff:PT30S}") Duration initialBackoff,
            @Value("${kanban.email.max-attempts:20}") int maxAttempts) {
        this.settings = settings;
        this.system = system;
        this.repo = repo;
        this.tokens = tokens;
        this.pollInterval = pollInterval;
        this.initialBackoff = initialBackoff;
        this.maxAttempts = maxAttempts;
    }

    @Override
    public void start() {
        if (!settings.enabled()) {
            log.info("e-mail notifications are off (set SMTP_URL or spring.mail.host to turn them on)");
            return;
        }
        loop.start(
                "email-worker",
                () -> loop.repeat(
                        () -> {
                            compose();
                            send();
                            loop.await(pollInterval);
                        },
                        pollInterval,
                        log,
                        "e-mail work failed"));
    }

    /** Something was queued: send it now rather than at the next poll. */
    void wake() {
        loop.wake();
    }

    @Override
    public void stop() {
        loop.stop();
    }

    @Override
    public boolean isRunning() {
        return loop.running();
    }

    private record Round(int mails, boolean more) {}

    /** Turns new notifications into queued mails; returns how many mails it queued. */
    int compose() {
        int queued = 0;
        while (true) {
            Round round = system.write(() -> {
                List<Unmailed> batch = repo.lockUnmailed(BATCH, Duration.ofMinutes(settings.digestMinutes()));
                List<Long> done = new ArrayList<>();
                Map<Long, List<Unmailed>> digests = new LinkedHashMap<>();
                int n = 0;
                Instant staleBefore = Instant.now().minus(STALE);
                for (Unmailed u : batch) {
                    boolean skip = u.address() == null
                            || u.preference().equals(EmailPreferences.OFF)
                            || u.createdAt().isBefore(staleBefore);
                    if (skip) {
                        done.add(u.id());
                    } else if (u.preference().equals(EmailPreferences.INSTANT)) {
                        repo.queue(u.userId(), "instant", u.address(), subject(u), body(List.of(u)), List.of(u.id()));
                        done.add(u.id());
                        n++;
                    } else {
                        digests.computeIfAbsent(u.userId(), k -> new ArrayList<>())
                                .add(u);
                    }
                }
                // a digest reader's notifications come only while their digest is due (lockUnmailed); one
                // with more than a batch gets the oldest now and the rest, in order, in the next digest
                for (List<Unmailed> items : digests.values()) {
                    Unmailed first = items.getFirst();
                    String subject =
                            "[Agent Kanban] digest: " + items.size() + " notification" + (items.size() == 1 ? "" : "s");
                    List<Long> ids = items.stream().map(Unmailed::id).toList();
                    repo.queue(first.userId(), "digest", first.address(), subject, body(items), ids);
                    done.addAll(ids);
                    n++;
                }
                repo.markMailed(done);
                return new Round(n, batch.size() == BATCH && !done.isEmpty());
            });
            queued += round.mails();
            if (!round.more()) {
                return queued;
            }
        }
    }

    /** Sends every due mail; returns how many were sent. */
    int send() {
        int sent = 0;
        List<Mail> claimed;
        do {
            claimed = system.write(() -> repo.claim(CLAIM, Duration.ofMinutes(2)));
            for (Mail m : claimed) {
                String error = deliver(m);
                if (error == null) {
                    system.write(() -> {
                        repo.sent(m.id());
                        return null;
                    });
                    sent++;
                } else {
                    Instant next =
                            m.attempts() >= maxAttempts ? null : Instant.now().plus(backoff(m.attempts()));
                    system.write(() -> {
                        repo.failed(m.id(), error, next);
                        return null;
                    });
                    log.info("mail {} to user {} not sent (attempt {}): {}", m.id(), m.userId(), m.attempts(), error);
                }
            }
        } while (claimed.size() == CLAIM && loop.running());
        return sent;
    }

    private Duration backoff(int attempts) {
        Duration d = initialBackoff.multipliedBy(1L << Math.min(attempts - 1, 10));
        return d.compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : d;
    }

    /** Sends one mail; null when the server accepted it, else what went wrong. */
    private String deliver(Mail m) {
        try {
            String messageId = "<kanban-mail-" + m.id() + "@agent-kanban>";
            JavaMailSenderImpl impl = settings.sender() instanceof JavaMailSenderImpl s ? s : null;
            MimeMessage message = impl == null
                    ? settings.sender().createMimeMessage()
                    : new MimeMessage(impl.getSession()) {
                        @Override
                        protected void updateMessageID() throws MessagingException {
                            setHeader("Message-ID", messageId);
                        }
                    };
            message.setFrom(new InternetAddress(settings.from()));
            message.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(m.to()));
            message.setSubject(m.subject(), StandardCharsets.UTF_8.name());
            if (m.userId() == null) {
                // a mail another feature queued (MailOutbox): no preference behind it to unsubscribe from
                message.setText(m.body(), StandardCharsets.UTF_8.name());
            } else {
                String unsubscribe =
                        settings.publicUrl() + "/api/v1/email/unsubscribe?token=" + tokens.sign(m.userId());
                message.setText(
                        m.body() + "\n--\nStop these mails: " + unsubscribe + "\n", StandardCharsets.UTF_8.name());
                message.setHeader("List-Unsubscribe", "<" + unsubscribe + ">");
                message.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
            }
            message.setHeader("X-Kanban-Mail-Id", Long.toString(m.id()));
            settings.sender().send(message);
            return null;
        } catch (MessagingException | RuntimeException e) {
            return e.toString();
        }
    }

    private String subject(Unmailed u) {
        return "[Agent Kanban] " + oneLine(u.actor()) + " " + Wording.of(u.kind()) + ": " + oneLine(u.title());
    }

    private String body(List<Unmailed> items) {
        StringBuilder b = new StringBuilder();
        for (Unmailed u : items) {
            b.append(oneLine(u.actor()))
                    .append(' ')
                    .append(Wording.of(u.kind()))
                    .append(": ")
                    .append(oneLine(u.title()))
                    .append('\n');
            if (u.excerpt() != null) {
                b.append("  ").append(oneLine(u.excerpt())).append('\n');
            }
            if (u.taskId() != null) {
                b.append("  ")
                        .append(settings.publicUrl())
                        .append("/?ws=")
                        .append(u.workspaceId())
                        .append(u.boardId() == null ? "" : "&board=" + u.boardId())
                        .append("&card=")
                        .append(u.taskId())
                        .append('\n');
            }
            b.append('\n');
        }
        return b.toString();
    }

    /**
     * A person's text (title, excerpt, name) as one line of a mail: each run of line breaks and other
     * control characters (Unicode line and paragraph separators too) becomes one space, so that the
     * text cannot lay out lines of its own in a mail from the service (a forged header or paragraph).
     */
    static String oneLine(String text) {
        return text == null ? null : CONTROLS.matcher(text).replaceAll(" ");
    }

    private static final Pattern CONTROLS = Pattern.compile("[\\p{Cc}\\u2028\\u2029]+");

    /** How a notification kind reads in a sentence ("ann mentioned you: ..."). */
    static final class Wording {
        private Wording() {}

        static String of(String kind) {
            return switch (kind) {
                case "assigned" -> "assigned you";
                case "mentioned" -> "mentioned you";
                case "commented" -> "commented";
                case "moved" -> "moved";
                case "completed" -> "completed";
                case "due_soon" -> "reminds you it is due soon";
                case "overdue" -> "reminds you it is overdue";
                case "unblocked" -> "unblocked";
                default -> "notified you";
            };
        }
    }
}
