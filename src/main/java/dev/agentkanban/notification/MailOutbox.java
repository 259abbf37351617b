package dev.agentkanban.notification;

import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.MailQueue;
import dev.agentkanban.platform.Transactions;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.springframework.stereotype.Component;

/**
 * The mail outbox as a port for other features ({@link MailQueue}): a mail queued here is sent by
 * {@link EmailWorker} like a notification mail (claimed with a lease, retried with backoff, recorded
 * as sent), without an unsubscribe link since no person's preference is behind it.
 */
@Component
class MailOutbox implements MailQueue {

    private final EmailSettings settings;
    private final EmailRepository repo;
    private final EmailWorker worker;

    MailOutbox(EmailSettings settings, EmailRepository repo, EmailWorker worker) {
        this.settings = settings;
        this.repo = repo;
        this.worker = worker;
    }

    @Override
    public boolean enabled() {
        return settings.enabled();
    }

    @Override
    public boolean enqueue(String to, String subject, String textBody, String idempotencyKey) {
        Transactions.requireActive("a mail is queued inside the transaction of the change it belongs to");
        if (idempotencyKey == null || idempotencyKey.isBlank() || idempotencyKey.length() > 200) {
            throw new IllegalArgumentException("an idempotency key of 1 to 200 characters is required");
        }
        String address = address(to);
        if (subject == null || subject.isBlank() || subject.length() > 500) {
            throw ApiException.invalid("subject", "must be 1 to 500 characters");
        }
        if (!settings.enabled()) {
            return false;
        }
        boolean queued = repo.queueMessage(address, subject.strip(), textBody == null ? "" : textBody, idempotencyKey);
        if (queued) {
            Transactions.atCommit(worker::wake);
        }
        return queued;
    }

    private static String address(String to) {
        try {
            if (to == null || to.length() > 320) {
                throw new AddressException("missing or too long");
            }
            InternetAddress parsed = new InternetAddress(to.strip(), true);
            return parsed.getAddress();
        } catch (AddressException e) {
            throw ApiException.invalid("email", "not a valid e-mail address");
        }
    }
}
