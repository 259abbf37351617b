package dev.agentkanban.task;

import dev.agentkanban.board.BoardColumn;
import dev.agentkanban.board.ColumnKind;
import dev.agentkanban.platform.ApiException;
import java.time.Instant;
import java.util.Map;

/**
 * The write-side task: the row as loaded for a change, with the lifecycle rules (SPEC §2) as methods
 * that guard their invariants. An illegal transition raises a 409 naming what was asked and why.
 */
final class Task {

    long id;
    long workspaceId;
    long boardId;
    long columnId;
    long position;
    String title;
    String description;
    String acceptanceCriteria;
    TaskStatus status;
    String cancelReason;
    Priority priority;
    String epic;
    String area;
    Owner owner;
    String assignee;
    String createdBy;
    String claimedBy;
    Instant claimExpiresAt;
    Instant dueDate;
    int occurrenceCount;
    Map<String, Object> metadata;
    long version;

    // what the current change did, for the work-breakdown rules (Tasks.save): the status and column as
    // loaded, and the kind of the column the task entered (null when it stayed)
    TaskStatus loadedStatus;
    long loadedColumnId;
    ColumnKind enteredKind;

    /**
     * Whether this change begins or finishes work, which a task with open blockers may not do:
     * starting it (any change into in progress), completing it, or moving it into an in-progress,
     * review or done column.
     */
    boolean beginsOrFinishesWork() {
        boolean statusRule =
                status != loadedStatus && (status == TaskStatus.IN_PROGRESS || status == TaskStatus.COMPLETED);
        boolean columnRule = enteredKind == ColumnKind.IN_PROGRESS
                || enteredKind == ColumnKind.REVIEW
                || enteredKind == ColumnKind.DONE;
        return statusRule || columnRule;
    }

    /** Whether this change completes the task (from open). */
    boolean completes() {
        return status == TaskStatus.COMPLETED && loadedStatus.isOpen();
    }

    /** Whether this change closes the task (completed or cancelled, from open): its dependants may be free now. */
    boolean closes() {
        return !status.isOpen() && loadedStatus.isOpen();
    }

    /** Whether this change reopens the task (open again after completed or cancelled): its dependants are blocked again. */
    boolean reopens() {
        return status.isOpen() && !loadedStatus.isOpen();
    }

    void start() {
        if (status != TaskStatus.PENDING) {
            throw illegal("start", "only a pending task can be started");
        }
        status = TaskStatus.IN_PROGRESS;
    }

    void complete() {
        if (!status.isOpen()) {
            throw illegal("complete", "only a pending or in-progress task can be completed");
        }
        status = TaskStatus.COMPLETED;
        releaseClaim();
    }

    void cancel(String reason) {
        if (!status.isOpen()) {
            throw illegal("cancel", "only a pending or in-progress task can be cancelled");
        }
        status = TaskStatus.CANCELLED;
        cancelReason = reason;
        releaseClaim();
    }

    void reopen() {
        if (status.isOpen()) {
            throw illegal("reopen", "only a completed or cancelled task can be reopened");
        }
        status = TaskStatus.PENDING;
        cancelReason = null;
    }

    /**
     * Moving between columns follows the columns' kinds: into {@code done} completes, out of
     * {@code done} reopens (in progress when the target is a working column), into a working
     * column starts a pending task, and back to {@code backlog}/{@code todo} un-starts it.
     */
    void moveTo(BoardColumn from, BoardColumn to, long newPosition) {
        position = newPosition;
        if (from.id() == to.id()) {
            return;
        }
        columnId = to.id();
        enteredKind = to.kind();
        boolean working = isWorking(to);
        if (to.isDone()) {
            if (status != TaskStatus.COMPLETED) {
                status = TaskStatus.COMPLETED;
                releaseClaim();
            }
        } else if (from.isDone() && status == TaskStatus.COMPLETED) {
            status = working ? TaskStatus.IN_PROGRESS : TaskStatus.PENDING;
        } else if (working && status == TaskStatus.PENDING) {
            status = TaskStatus.IN_PROGRESS;
        } else if (!working && status == TaskStatus.IN_PROGRESS) {
            status = TaskStatus.PENDING;
        }
    }

    /** The status of a task created straight into {@code column}: done completes, a working column starts. */
    static TaskStatus statusOnArrival(BoardColumn column) {
        return column.isDone() ? TaskStatus.COMPLETED : isWorking(column) ? TaskStatus.IN_PROGRESS : TaskStatus.PENDING;
    }

    private static boolean isWorking(BoardColumn column) {
        return column.kind() == ColumnKind.IN_PROGRESS
                || column.kind() == ColumnKind.REVIEW
                || column.kind() == ColumnKind.BLOCKED;
    }

    /** Takes a lease on the task for {@code actor}; renewing one's own claim extends it. */
    void claim(String actor, Instant now, Instant until) {
        if (!status.isOpen()) {
            throw illegal("claim", "a " + status + " task cannot be claimed");
        }
        if (claimedBy != null && !claimedBy.equals(actor) && claimExpiresAt != null && claimExpiresAt.isAfter(now)) {
            throw ApiException.conflict(
                    "already-claimed",
                    "task " + id + " is claimed by " + claimedBy + " until " + claimExpiresAt,
                    Map.of("claimed_by", claimedBy, "claim_expires_at", claimExpiresAt.toString()));
        }
        claimedBy = actor;
        claimExpiresAt = until;
        assignee = actor;
    }

    /** True when someone other than {@code actor} holds a claim whose lease ran out: the task is back in the pool. */
    boolean claimExpiredFor(String actor, Instant now) {
        return claimedBy != null && !claimedBy.equals(actor) && claimExpiresAt != null && !claimExpiresAt.isAfter(now);
    }

    /**
     * Extends the caller's own lease. A lease that ran out but was not taken over is still the
     * caller's; one that another agent has taken (or that was released) is lost, and renewing it is a
     * conflict: the caller must not go on working as if it held the task.
     */
    void renew(String actor, Instant until) {
        if (claimedBy == null) {
            throw ApiException.conflict("not-claimed", "task " + id + " is not claimed; claim it first");
        }
        if (!claimedBy.equals(actor)) {
            throw ApiException.conflict(
                    "claimed-by-another",
                    "task " + id + " is claimed by " + claimedBy + "; your claim is gone",
                    Map.of("claimed_by", claimedBy));
        }
        if (!status.isOpen()) {
            throw illegal("renew the claim on", "only a pending or in-progress task can be claimed");
        }
        claimExpiresAt = until;
    }

    /** Counts another occurrence of the same issue; a closed one comes back as pending. */
    void reportAgain() {
        occurrenceCount++;
        if (!status.isOpen()) {
            reopen();
        }
    }

    void release(String actor, boolean admin, Instant now) {
        if (claimedBy == null || (claimExpiresAt != null && !claimExpiresAt.isAfter(now))) {
            throw ApiException.conflict("not-claimed", "task " + id + " is not claimed");
        }
        if (!claimedBy.equals(actor) && !admin) {
            throw ApiException.conflict("claimed-by-another", "task " + id + " is claimed by " + claimedBy);
        }
        if (actor.equals(assignee) || claimedBy.equals(assignee)) {
            assignee = null;
        }
        releaseClaim();
    }

    private void releaseClaim() {
        claimedBy = null;
        claimExpiresAt = null;
    }

    private ApiException illegal(String action, String rule) {
        return ApiException.conflict(
                "illegal-transition",
                "cannot " + action + " task " + id + ": it is " + status + "; " + rule,
                Map.of("task_status", status.toString(), "action", action));
    }
}
