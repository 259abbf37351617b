package dev.agentkanban.task;

import dev.agentkanban.board.BoardColumn;
import dev.agentkanban.board.ColumnKind;
import dev.agentkanban.platform.ApiException;
import java.time.Instant;
import java.util.Map;

/**
 * The write-side task: the row as loaded for a change, with the lifecycle rules (SPEC §2) as methods
 * that guard their invariants. Its state changes only through these methods; an illegal transition
 * raises a 409 naming what was asked and why. Where it sits is a {@link TaskPlacement}, what it says a
 * {@link TaskContent}, both immutable values.
 */
final class Task {

    /** What a move between columns does to the status. */
    enum StatusOnMove {
        /**
         * The column's kind decides: into {@code done} completes, out of {@code done} reopens (in
         * progress when the target is a working column), into a working column starts a pending task,
         * and back to {@code backlog}/{@code todo} un-starts it.
         */
        FOLLOW_COLUMN,
        /** An explicit transition already decided the status; the move keeps it. */
        KEEP
    }

    private final long id;
    private final long workspaceId;
    private final String createdBy;
    private final long version;
    // the status and column as loaded, for the work-breakdown rules (what the current change did)
    private final TaskStatus loadedStatus;
    private final long loadedColumnId;

    private TaskPlacement placement;
    private TaskContent content;
    private TaskStatus status;
    private String cancelReason;
    private String claimedBy;
    private Instant claimExpiresAt;
    /** The custom field values by field key (see {@code field.CustomFields}). */
    private Map<String, Object> customFields = Map.of();
    /** The kind of the column the task entered in this change; null while it stays. */
    private ColumnKind enteredKind;

    Task(
            long id,
            long workspaceId,
            TaskPlacement placement,
            TaskContent content,
            TaskStatus status,
            String cancelReason,
            String createdBy,
            String claimedBy,
            Instant claimExpiresAt,
            long version) {
        this.id = id;
        this.workspaceId = workspaceId;
        this.placement = placement;
        this.content = content;
        this.status = status;
        this.cancelReason = cancelReason;
        this.createdBy = createdBy;
        this.claimedBy = claimedBy;
        this.claimExpiresAt = claimExpiresAt;
        this.version = version;
        this.loadedStatus = status;
        this.loadedColumnId = placement.columnId();
    }

    /** A task about to be created straight into a column: its status follows the column (done completes). */
    static Task created(long workspaceId, String createdBy, BoardColumn column, long position, TaskContent content) {
        return created(workspaceId, createdBy, column, position, content, statusOnArrival(column));
    }

    /** As above with the status the request named (the caller checked that it fits the column). */
    static Task created(
            long workspaceId,
            String createdBy,
            BoardColumn column,
            long position,
            TaskContent content,
            TaskStatus status) {
        return new Task(
                0, workspaceId, TaskPlacement.in(column, position), content, status, null, createdBy, null, null, 0);
    }

    long id() {
        return id;
    }

    long workspaceId() {
        return workspaceId;
    }

    long boardId() {
        return placement.boardId();
    }

    long columnId() {
        return placement.columnId();
    }

    long position() {
        return placement.position();
    }

    TaskPlacement placement() {
        return placement;
    }

    TaskContent content() {
        return content;
    }

    String title() {
        return content.title();
    }

    TaskStatus status() {
        return status;
    }

    String cancelReason() {
        return cancelReason;
    }

    String createdBy() {
        return createdBy;
    }

    String claimedBy() {
        return claimedBy;
    }

    Instant claimExpiresAt() {
        return claimExpiresAt;
    }

    long version() {
        return version;
    }

    int occurrenceCount() {
        return content.occurrenceCount();
    }

    /** Whether the task sits in another column than it did when loaded. */
    boolean changedColumn() {
        return placement.columnId() != loadedColumnId;
    }

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

    /** Changes the content fields the patch carries (the status and column are the caller's to apply). */
    void edit(TaskPatch patch) {
        content = content.apply(patch);
    }

    Map<String, Object> customFields() {
        return customFields;
    }

    /** Sets the custom field values (by field key), as loaded or as checked against the board's fields. */
    void setCustomFields(Map<String, Object> values) {
        customFields = Map.copyOf(values);
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
        if (reason == null || reason.isBlank()) {
            throw ApiException.invalid("cancel_reason", "is required to cancel a task");
        }
        if (!status.isOpen()) {
            throw illegal("cancel", "only a pending or in-progress task can be cancelled");
        }
        status = TaskStatus.CANCELLED;
        cancelReason = reason.trim();
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
     * The explicit status policy: a client asking for a status gets there by the lifecycle's own steps.
     * In progress starts a pending task and reopens and starts a closed one; pending un-starts one in
     * progress and reopens a closed one; completed and cancelled follow {@link #complete} and
     * {@link #cancel}. Asking for the status it has changes nothing.
     */
    void changeStatus(TaskStatus wanted, String reason) {
        if (wanted == status) {
            return;
        }
        switch (wanted) {
            case IN_PROGRESS -> {
                if (status != TaskStatus.PENDING) {
                    reopen();
                }
                start();
            }
            case COMPLETED -> complete();
            case CANCELLED -> cancel(reason);
            case PENDING -> {
                if (status == TaskStatus.IN_PROGRESS) {
                    status = TaskStatus.PENDING;
                } else {
                    reopen();
                }
            }
        }
    }

    /** Moves within the column it is in: only the position changes. */
    void reposition(long newPosition) {
        placement = placement.at(newPosition);
    }

    /**
     * Moves from column {@code from} to {@code to} at {@code newPosition}; the status then follows the
     * policy (see {@link StatusOnMove}).
     */
    void moveTo(BoardColumn from, BoardColumn to, long newPosition, StatusOnMove policy) {
        if (from.id() == to.id()) {
            reposition(newPosition);
            return;
        }
        placement = TaskPlacement.in(to, newPosition);
        enteredKind = to.kind();
        if (policy == StatusOnMove.KEEP) {
            return;
        }
        boolean working = isWorking(to);
        if (to.isDone()) {
            if (status != TaskStatus.COMPLETED) {
                status = TaskStatus.COMPLETED;
                // a cancelled task moved into a done column is completed: its cancel reason no longer holds
                cancelReason = null;
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

    /** Whether someone other than {@code actor} holds a claim that is still live at {@code now}. */
    boolean claimedByAnotherAt(String actor, Instant now) {
        return claimedBy != null && !claimedBy.equals(actor) && claimExpiresAt != null && claimExpiresAt.isAfter(now);
    }

    /**
     * For the routes that change a task's parts (assignees, checklist): 409 {@code claimed-by-another}
     * while another caller holds a live claim on it, as an edit gets (those routes take no override).
     */
    void requireNotClaimedByAnother(String actor, Instant now) {
        if (claimedByAnotherAt(actor, now)) {
            throw Tasks.claimedByAnother(id, claimedBy, claimExpiresAt);
        }
    }

    /** Takes a lease on the task for {@code actor}; renewing one's own claim extends it. */
    void claim(String actor, Instant now, Instant until) {
        if (!status.isOpen()) {
            throw illegal("claim", "a " + status + " task cannot be claimed");
        }
        if (claimedByAnotherAt(actor, now)) {
            throw ApiException.conflict(
                    "already-claimed",
                    "task " + id + " is claimed by " + claimedBy + " until " + claimExpiresAt,
                    Map.of("claimed_by", claimedBy, "claim_expires_at", claimExpiresAt.toString()));
        }
        // the claimant becomes the assignee unless someone else is assigned: a person's assignment is kept
        // (a lapsed claimant's is not: the assignment was only the claim's)
        if (content.assignee() == null || content.assignee().equals(claimedBy)) {
            content = content.withAssignee(actor);
        }
        claimedBy = actor;
        claimExpiresAt = until;
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
        countAgain();
        if (!status.isOpen()) {
            reopen();
        }
    }

    /** Counts another occurrence of the same issue, leaving its status as it is. */
    void countAgain() {
        content = content.withOccurrenceCount(content.occurrenceCount() + 1);
    }

    /**
     * Gives the claim back: the holder's own (also once its lease ran out and nobody took the task over,
     * as {@link #renew} still counts it the holder's), or, for an admin, anyone's live one. The assignee
     * the claim made goes with it; a person assigned before the claim stays.
     */
    void release(String actor, boolean admin, Instant now) {
        boolean lapsed = claimExpiresAt != null && !claimExpiresAt.isAfter(now);
        if (claimedBy == null || (lapsed && !claimedBy.equals(actor))) {
            throw ApiException.conflict("not-claimed", "task " + id + " is not claimed");
        }
        if (!claimedBy.equals(actor) && !admin) {
            throw ApiException.conflict("claimed-by-another", "task " + id + " is claimed by " + claimedBy);
        }
        if (actor.equals(content.assignee()) || claimedBy.equals(content.assignee())) {
            content = content.withAssignee(null);
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
