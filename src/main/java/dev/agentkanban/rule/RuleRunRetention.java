package dev.agentkanban.rule;

import dev.agentkanban.events.SystemTransactions;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes the run log's finished runs older than {@code RULE_RUN_RETENTION_DAYS} (default 90), hourly,
 * in batches, one instance at a time (events/SystemTransactions#sweep). Pending runs stay, and so does
 * a "due date passed" run while its task still has that due date: the run is the claim that keeps the
 * due-date scan from firing the rule again (V32's unique key).
 */
@Component
class RuleRunRetention {

    static final String LOCK = "kanban.rule-run-retention";
    private static final Logger log = LoggerFactory.getLogger(RuleRunRetention.class);
    private static final int BATCH = 5000;

    private final SystemTransactions system;
    private final RuleRepository repo;
    private final Duration retention;

    RuleRunRetention(
            SystemTransactions system,
            RuleRepository repo,
            @Value("${kanban.rules.run-retention-days:90}") int retentionDays) {
        this.system = system;
        this.repo = repo;
        this.retention = Duration.ofDays(retentionDays);
    }

    @Scheduled(
            fixedDelayString = "${kanban.rules.retention-check:PT1H}",
            initialDelayString = "${kanban.rules.retention-initial-delay:PT9M}")
    void scheduled() {
        purge(Instant.now());
    }

    /** Deletes the runs finished before {@code now} minus the retention; answers how many (-1: another instance is at it). */
    long purge(Instant now) {
        Instant cutoff = now.minus(retention);
        long deleted = system.sweep(LOCK, BATCH, () -> repo.deleteFinishedRuns(cutoff, BATCH));
        if (deleted > 0) {
            log.info("deleted {} rule runs finished before {}", deleted, cutoff);
        }
        return deleted;
    }
}
