package dev.agentkanban.events;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes outbox events older than the retention period ({@code EVENT_RETENTION_DAYS}, default 30),
 * oldest first in small batches, and remembers the highest deleted id so that the feed can tell a
 * reader with an older cursor that it missed events (410) instead of silently skipping them.
 */
@Component
class EventRetention {

    private static final Logger log = LoggerFactory.getLogger(EventRetention.class);
    private static final int BATCH = 5000;

    private final EventRepository repo;
    private final FeedHorizon horizon;
    private final SystemTransactions system;
    private final Duration retention;
    private final Clock clock;

    EventRetention(
            EventRepository repo,
            FeedHorizon horizon,
            SystemTransactions system,
            @Value("${kanban.events.retention-days:30}") int retentionDays) {
        this.repo = repo;
        this.horizon = horizon;
        this.system = system;
        this.retention = Duration.ofDays(retentionDays);
        this.clock = Clock.systemUTC();
    }

    @Scheduled(
            fixedDelayString = "${kanban.events.retention-check:PT1H}",
            initialDelayString = "${kanban.events.retention-initial-delay:PT5M}")
    void scheduled() {
        purge();
    }

    /**
     * Deletes every event up to the newest one older than the retention period (so the deleted range
     * is contiguous in id order); returns how many were deleted.
     */
    public long purge() {
        Instant cutoff = clock.instant().minus(retention);
        long through = horizon.advance();
        Long last = system.read(() -> repo.lastIdBefore(cutoff, through).orElse(null));
        if (last == null) {
            return 0;
        }
        long deleted = 0;
        int n;
        do {
            n = system.write(() -> {
                int d = repo.deleteThrough(last, BATCH);
                repo.markPurged(last);
                return d;
            });
            deleted += n;
        } while (n == BATCH);
        log.info("deleted {} events older than {} (through id {})", deleted, cutoff, last);
        return deleted;
    }
}
