package dev.agentkanban.task;

import dev.agentkanban.board.Board;
import dev.agentkanban.board.BoardColumn;
import dev.agentkanban.board.Boards;
import dev.agentkanban.events.EventType;
import dev.agentkanban.events.Outbox;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.identity.Role;
import dev.agentkanban.identity.Roles;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.Precondition;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.platform.Versions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * The archive and the trash (issue 17, seed 003's soft delete). Archiving takes a task off its board
 * (hidden from the board state and the default lists, readable, listed with {@code archived=true});
 * deleting puts it in the trash (gone from every read: 404, left out of counts, statistics and
 * exports) where members can restore it for {@code TRASH_RETENTION_DAYS} until the retention job
 * ({@link TrashRetention}) purges it; admins can purge earlier. Restoring puts a task back at the end
 * of its column, under the column's lock and WIP limit like any placement.
 *
 * <p>Kept apart from {@link Tasks} on purpose: the task's own rules stay there, and a task off the
 * board is not a {@link Task} that the write paths can load ({@code TaskRepository.find} sees only
 * tasks on the board).
 */
@Service
public class TaskArchive {

    /** Purged per transaction by the retention job and by an admin's "empty the trash". */
    static final int PURGE_BATCH = 500;

    private final ArchiveRepository repo;
    private final Trash trashBin;
    private final Tasks tasks;
    private final Relations relations;
    private final TaskQueries queries;
    private final Boards boards;
    private final Transactions tx;
    private final Outbox outbox;
    private final Duration retention;

    TaskArchive(
            ArchiveRepository repo,
            Trash trashBin,
            Tasks tasks,
            Relations relations,
            TaskQueries queries,
            Boards boards,
            Transactions tx,
            Outbox outbox,
            @Value("${kanban.trash.retention-days:30}") int retentionDays) {
        this.repo = repo;
        this.trashBin = trashBin;
        this.tasks = tasks;
        this.relations = relations;
        this.queries = queries;
        this.boards = boards;
        this.tx = tx;
        this.outbox = outbox;
        this.retention = Duration.ofDays(retentionDays);
    }

    /** Archives a task on its board (an archived one stays as it is); claims bind as for any write. */
    public TaskView archive(long id, Precondition expectedVersion) {
        return archive(id, expectedVersion, false);
    }

    /**
     * Archives a task on its board (an archived one stays as it is). A task another caller holds under
     * a live claim is refused with 409 {@code claimed-by-another}, as every task write is, unless a
     * member or admin archives it with {@code force} (recorded as {@code claim_overridden}).
     */
    public TaskView archive(long id, Precondition expectedVersion, boolean force) {
        return tx.write(() -> {
            ArchiveRepository.Row row = trashBin.lockExisting(id, expectedVersion);
            if (row.archivedAt() == null) {
                if (row.claimedByAnotherAt(CurrentRequest.get().actor(), Instant.now())) {
                    tasks.respectClaim(row.id(), row.claimedBy(), row.claimExpiresAt(), force);
                }
                archiveLocked(row);
            }
            return queries.find(id).orElseThrow();
        });
    }

    /**
     * Archives every task on the board in one column; answers how many. All or nothing: when tasks of
     * the column are held by other callers under live claims, 409 {@code column-has-claimed-tasks}
     * lists them ({@code claimed_tasks}: id, claimed_by, claim_expires_at) and nothing is archived,
     * unless a member or admin passes {@code force} (each override recorded as {@code claim_overridden}).
     */
    public int archiveColumn(long boardId, long columnId, boolean force) {
        return tx.write(() -> {
            RequestContext ctx = CurrentRequest.get();
            Board board = boards.require(boardId);
            BoardColumn column = boards.resolveColumn(board, columnId, null);
            boards.lockColumn(column.id());
            Instant now = Instant.now();
            List<ArchiveRepository.Row> rows = repo.onBoardIn(ctx.workspaceId(), column.id()).stream()
                    .map(id -> trashBin.lockExisting(id, null))
                    .toList();
            List<ArchiveRepository.Row> held = rows.stream()
                    .filter(r -> r.claimedByAnotherAt(ctx.actor(), now))
                    .toList();
            if (!held.isEmpty() && !force) {
                throw ApiException.conflict(
                        "column-has-claimed-tasks",
                        held.size() + " task(s) of column " + column.name() + " are claimed by others ("
                                + String.join(
                                        ", ",
                                        held.stream()
                                                .map(r -> "#" + r.id() + " by " + r.claimedBy())
                                                .toList())
                                + "); nothing was archived. Wait, ask the holders to"
                                + " release them, or (members and admins) override with force",
                        Map.of(
                                "claimed_tasks",
                                held.stream().map(TaskArchive::claimOf).toList()));
            }
            for (ArchiveRepository.Row r : held) {
                tasks.respectClaim(r.id(), r.claimedBy(), r.claimExpiresAt(), true);
            }
            rows.forEach(this::archiveLocked);
            return rows.size();
        });
    }

    private static Map<String, Object> claimOf(ArchiveRepository.Row r) {
        Map<String, Object> claim = new LinkedHashMap<>();
        claim.put("id", r.id());
        claim.put("title", r.title());
        claim.put("claimed_by", r.claimedBy());
        claim.put("claim_expires_at", r.claimExpiresAt().toString());
        return claim;
    }

    /**
     * Puts an archived or trashed task back on its board, at the end of its column (409 when the
     * column is at its WIP limit). A task on the board is answered as it is.
     */
    public TaskView restore(long id) {
        return restore(id, null);
    }

    /** {@link #restore(long)}; {@code expectedVersion} (If-Match), when given, must be the task's (412). */
    public TaskView restore(long id, Precondition expectedVersion) {
        return tx.write(() -> {
            RequestContext ctx = CurrentRequest.get();
            ArchiveRepository.Row row =
                    repo.lock(ctx.workspaceId(), id).orElseThrow(() -> ApiException.notFound("task", id));
            Versions.check(expectedVersion, row.version());
            if (row.onBoard()) {
                return queries.find(id).orElseThrow();
            }
            long position = tasks.placeReturning(row.columnId(), id);
            repo.bringBack(ctx.workspaceId(), id, position);
            TaskView view = queries.find(id).orElseThrow();
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("task", view);
            payload.put("from", row.deletedAt() != null ? "trash" : "archive");
            outbox.append(EventType.TASK_RESTORED, view.boardId(), id, payload);
            if (row.deletedAt() != null && view.status().isOpen()) {
                // an open blocker back from the trash blocks its dependants again, as a reopened one does
                relations.announceBlocked(id, relations.dependantsOf(id));
            }
            return view;
        });
    }

    /** The trash of the workspace (or of one board), most recently deleted first. */
    public Page<TrashedTask> trash(Long boardId, PageRequest page) {
        return tx.read(() -> {
            if (boardId != null) {
                boards.require(boardId); // 404 for a board of another workspace, as emptying it answers
            }
            long ws = CurrentRequest.get().workspaceId();
            List<TrashedTask> items = repo.trashed(ws, boardId, page.limit(), page.offset()).stream()
                    .map(t -> t.purgedAfter(t.deletedAt().plus(retention)))
                    .toList();
            return new Page<>(items, repo.countTrashed(ws, boardId), page.limit(), page.offset());
        });
    }

    /** Admins: removes one task of the trash for good (404 when it is not in the trash). */
    public void purge(long id) {
        Roles.require(Role.ADMIN);
        tx.write(() -> {
            long ws = CurrentRequest.get().workspaceId();
            ArchiveRepository.Row row = repo.lock(ws, id)
                    .filter(r -> r.deletedAt() != null)
                    .orElseThrow(() -> ApiException.notFound("task in the trash", id));
            repo.purge(ws, List.of(row.id()));
        });
    }

    /** Admins: empties the trash of the workspace or of one board; answers how many tasks were purged. */
    public long purgeAll(Long boardId) {
        Roles.require(Role.ADMIN);
        if (boardId != null) {
            tx.read(() -> boards.require(boardId));
        }
        return purgeWhile(boardId, null);
    }

    /** The retention job's work in the request's (the job's) workspace: the trash older than the retention. */
    long purgeExpired(Instant now) {
        Instant cutoff = now.minus(retention);
        long purged = 0;
        int n;
        do {
            n = tx.write(() -> {
                long ws = CurrentRequest.get().workspaceId();
                if (!repo.claimRetention(ws)) {
                    return 0; // another instance is purging this workspace right now
                }
                return repo.purge(ws, repo.lockTrashed(ws, null, cutoff, PURGE_BATCH));
            });
            purged += n;
        } while (n == PURGE_BATCH);
        return purged;
    }

    /** A task restored from an export, taken off its board again as it was there. */
    public void hideRestored(long id, Instant archivedAt, String archivedBy, Instant deletedAt, String deletedBy) {
        Transactions.requireActive("a restored task is hidden inside the import's transaction");
        if (archivedAt != null || deletedAt != null) {
            repo.hideRestored(CurrentRequest.get().workspaceId(), id, archivedAt, archivedBy, deletedAt, deletedBy);
        }
    }

    private long purgeWhile(Long boardId, Instant before) {
        long purged = 0;
        int n;
        do {
            n = tx.write(() -> {
                long ws = CurrentRequest.get().workspaceId();
                return repo.purge(ws, repo.lockTrashed(ws, boardId, before, PURGE_BATCH));
            });
            purged += n;
        } while (n == PURGE_BATCH);
        return purged;
    }

    private void archiveLocked(ArchiveRepository.Row row) {
        RequestContext ctx = CurrentRequest.get();
        repo.archive(ctx.workspaceId(), row.id(), ctx.actor());
        TaskView view = queries.find(row.id()).orElseThrow();
        outbox.append(EventType.TASK_ARCHIVED, view.boardId(), row.id(), Map.of("task", view));
    }
}
