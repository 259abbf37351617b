package dev.agentkanban.task;

import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.identity.Role;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Purges the tasks that have been in the trash longer than {@code TRASH_RETENTION_DAYS} (default 30).
 * Each workspace is purged in its own tenant transactions (row-level security applies as for any
 * request, with the actor {@code system:trash-retention} in the audit trail). With several instances,
 * each workspace run is claimed by one of them (a transaction-scoped advisory lock) and the rows are
 * taken with {@code SKIP LOCKED}, so instances never wait for each other nor purge a task twice.
 */
@Component
public class TrashRetention {

    static final String ACTOR = "system:trash-retention";
    private static final Logger log = LoggerFactory.getLogger(TrashRetention.class);

    private final ArchiveRepository repo;
    private final TaskArchive archive;

    TrashRetention(ArchiveRepository repo, TaskArchive archive) {
        this.repo = repo;
        this.archive = archive;
    }

    @Scheduled(
            fixedDelayString = "${kanban.trash.retention-check:PT1H}",
            initialDelayString = "${kanban.trash.retention-initial-delay:PT5M}")
    void scheduled() {
        purge(Instant.now());
    }

    /** Purges every workspace's expired trash as of {@code now}; answers how many tasks were purged. */
    public long purge(Instant now) {
        long purged = 0;
        for (long ws : repo.workspaces()) {
            purged += CurrentRequest.runAs(new RequestContext(ws, ACTOR, Role.ADMIN), () -> archive.purgeExpired(now));
        }
        if (purged > 0) {
            log.info("purged {} tasks from the trash (retention)", purged);
        }
        return purged;
    }
}
