package dev.agentkanban.task;

import dev.agentkanban.events.EventType;
import dev.agentkanban.events.Outbox;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Precondition;
import dev.agentkanban.platform.Versions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * What the deletion of a task needs from the trash ({@link TaskArchive}), for {@link Tasks} inside its
 * transaction: deleting moves the task to the trash instead of removing the row.
 */
@Component
class Trash {

    private final ArchiveRepository repo;
    private final Outbox outbox;

    Trash(ArchiveRepository repo, Outbox outbox) {
        this.repo = repo;
        this.outbox = outbox;
    }

    /** Moves a task (on the board or archived) to the trash. */
    void putInTrash(long ws, long id) {
        repo.trash(ws, id, CurrentRequest.get().actor());
    }

    /** The {@code task_deleted} event of a task put in the trash. */
    void announceDeleted(long id, long boardId, long columnId, String title) {
        Map<String, Object> gone = new LinkedHashMap<>();
        gone.put("id", id);
        gone.put("board_id", boardId);
        gone.put("column_id", columnId);
        gone.put("title", title);
        outbox.append(EventType.TASK_DELETED, boardId, id, Map.of("task", gone));
    }

    /**
     * Deleting an archived task moves it from the archive to the trash; answers false when the task is
     * not archived (then the ordinary deletion of a task on the board applies).
     */
    boolean trashIfArchived(long id, Precondition expectedVersion) {
        long ws = CurrentRequest.get().workspaceId();
        if (!repo.isArchived(ws, id)) {
            return false;
        }
        ArchiveRepository.Row row = lockExisting(id, expectedVersion);
        putInTrash(ws, id);
        announceDeleted(id, row.boardId(), row.columnId(), row.title());
        return true;
    }

    /** Why a task is not on its board: 409 when it is archived (restore it first), else 404. */
    ApiException notOnBoard(long id) {
        if (repo.isArchived(CurrentRequest.get().workspaceId(), id)) {
            return archived(id);
        }
        return ApiException.notFound("task", id);
    }

    /** The 409 for a change of an archived task (or of what hangs off it): it changes nothing until restored. */
    static ApiException archived(long id) {
        return ApiException.conflict(
                "task-archived",
                "task " + id + " is archived; restore it first (POST /api/v1/tasks/" + id + "/restore)",
                Map.of("task_id", id));
    }

    /** Locks a task that is not in the trash, checking the version the caller expects. */
    ArchiveRepository.Row lockExisting(long id, Precondition expectedVersion) {
        ArchiveRepository.Row row = repo.lock(CurrentRequest.get().workspaceId(), id)
                .filter(r -> r.deletedAt() == null)
                .orElseThrow(() -> ApiException.notFound("task", id));
        Versions.check(expectedVersion, row.version());
        return row;
    }
}
