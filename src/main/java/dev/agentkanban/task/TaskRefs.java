package dev.agentkanban.task;

import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Precondition;
import dev.agentkanban.platform.Versions;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * How other features find a task of the request's workspace. A task of another workspace is
 * indistinguishable from a missing one (404).
 */
@Component
public class TaskRefs {

    private final JdbcClient jdbc;

    TaskRefs(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The task (on its board or archived), or 404 (also when it is in the trash). */
    public TaskRef require(long taskId) {
        return find(taskId, "", false, null);
    }

    /** Whether the task exists and is not in the trash: what hangs off a trashed task answers 404 too. */
    public boolean isLive(long taskId) {
        long ws = CurrentRequest.get().workspaceId();
        return jdbc.sql(
                        "select exists (select 1 from tasks where workspace_id = :ws and id = :id and deleted_at is null)")
                .param("ws", ws)
                .param("id", taskId)
                .query(Boolean.class)
                .single();
    }

    /**
     * The task, locked against deletion and concurrent change until the caller's transaction ends
     * (call inside a write transaction, before changing things that hang off the task).
     */
    public TaskRef lock(long taskId) {
        return find(taskId, " for no key update", false, null);
    }

    /**
     * {@link #lock} for a change of what hangs off the task (comments, tags, relations, evidence): an
     * archived task changes nothing until it is restored, 409 {@code task-archived} as a change of the
     * task itself gets.
     */
    public TaskRef lockForChange(long taskId) {
        return lockForChange(taskId, null);
    }

    /**
     * {@link #lockForChange} checking, under the lock and in the same statement, the task version the
     * caller saw ({@code If-Match} of a write under {@code /tasks/{id}/...}): 412 when it changed since.
     */
    public TaskRef lockForChange(long taskId, Precondition expectedVersion) {
        return find(taskId, " for no key update", true, expectedVersion);
    }

    /**
     * The task's version as the caller's transaction sees it: after a change of what hangs off the task
     * (its triggers move the version at once), the new one, which the change's answer gives as its
     * {@code ETag} so that the next write's {@code If-Match} can follow it.
     */
    public long version(long taskId) {
        return jdbc.sql("select version from tasks where workspace_id = :ws and id = :id")
                .param("ws", CurrentRequest.get().workspaceId())
                .param("id", taskId)
                .query(Long.class)
                .single();
    }

    /** {@link #require} of a task whose relations are about to change: 409 {@code task-archived} when archived. */
    public TaskRef requireChangeable(long taskId) {
        return find(taskId, "", true, null);
    }

    private TaskRef find(long taskId, String lock, boolean refuseArchived, Precondition expectedVersion) {
        long ws = CurrentRequest.get().workspaceId();
        return jdbc.sql("select id, board_id, workspace_id, archived_at is not null, version from tasks"
                        + " where workspace_id = :ws and id = :id and deleted_at is null" + lock)
                .param("ws", ws)
                .param("id", taskId)
                .query((rs, n) -> {
                    if (refuseArchived && rs.getBoolean(4)) {
                        throw Trash.archived(taskId);
                    }
                    Versions.check(expectedVersion, rs.getLong(5));
                    return new TaskRef(rs.getLong(1), rs.getLong(2), rs.getLong(3));
                })
                .optional()
                .orElseThrow(() -> ApiException.notFound("task", taskId));
    }
}
