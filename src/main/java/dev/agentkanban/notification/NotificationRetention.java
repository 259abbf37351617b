package dev.agentkanban.notification;

import dev.agentkanban.events.SystemTransactions;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes old notifications hourly, in batches, one instance at a time (events/SystemTransactions#sweep):
 * read ones created more than {@code NOTIFICATION_RETENTION_DAYS} (default 90) ago, unread ones after
 * {@code UNREAD_NOTIFICATION_RETENTION_DAYS} (default 365; the inboxes of people and agents who never
 * read them stop growing).
 */
@Component
class NotificationRetention {

    static final String LOCK = "kanban.notification-retention";
    private static final Logger log = LoggerFactory.getLogger(NotificationRetention.class);
    private static final int BATCH = 5000;

    private final SystemTransactions system;
    private final NotificationRepository repo;
    private final Duration read;
    private final Duration unread;

    NotificationRetention(
            SystemTransactions system,
            NotificationRepository repo,
            @Value("${kanban.notifications.retention-days:90}") int readDays,
            @Value("${kanban.notifications.unread-retention-days:365}") int unreadDays) {
        this.system = system;
        this.repo = repo;
        this.read = Duration.ofDays(readDays);
        this.unread = Duration.ofDays(unreadDays);
    }

    @Scheduled(
            fixedDelayString = "${kanban.notifications.retention-check:PT1H}",
            initialDelayString = "${kanban.notifications.retention-initial-delay:PT11M}")
    void scheduled() {
        purge(Instant.now());
    }

    /** Deletes the notifications too old as of {@code now}; answers how many (-1: another instance is at it). */
    long purge(Instant now) {
        Instant readCutoff = now.minus(read);
        Instant unreadCutoff = now.minus(unread);
        long deleted = system.sweep(LOCK, BATCH, () -> repo.deleteOld(readCutoff, unreadCutoff, BATCH));
        if (deleted > 0) {
            log.info("deleted {} notifications (read before {}, unread before {})", deleted, readCutoff, unreadCutoff);
        }
        return deleted;
    }
}
