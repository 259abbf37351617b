package dev.agentkanban.platform;

/**
 * Sending an e-mail that is not a notification (an invitation, for example) through the durable mail
 * outbox of the notification feature, which implements this port (issue 15; the port sits here so
 * that any feature may use it without depending on the notification feature). The mail is written
 * inside the caller's transaction: it is sent only if that transaction commits, later, by whichever
 * instance claims it, retried through SMTP outages and never sent twice.
 */
public interface MailQueue {

    /** Whether e-mail is configured ({@code SMTP_URL} or {@code spring.mail.*}); without it nothing is queued. */
    boolean enabled();

    /**
     * Queues one plain-text mail inside the caller's (required) transaction. {@code idempotencyKey}
     * names the mail (e.g. {@code invitation:42}): a second call with the same key queues nothing.
     * Returns true when the mail was queued, false when e-mail is off or the key was queued before.
     */
    boolean enqueue(String to, String subject, String textBody, String idempotencyKey);
}
