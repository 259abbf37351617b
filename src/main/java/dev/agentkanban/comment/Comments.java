package dev.agentkanban.comment;

import dev.agentkanban.events.EventType;
import dev.agentkanban.events.Outbox;
import dev.agentkanban.history.HistoryLog;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.Precondition;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.task.TaskRef;
import dev.agentkanban.task.TaskRefs;
import java.time.Instant;
import java.util.Map;
import org.springframework.stereotype.Service;

/**
 * The comment feature's API. The author of a comment is always the calling actor; only the author or
 * an admin may edit or delete it. Adding, editing and deleting each append one outbox event and one
 * task history row in the same transaction; an edit's row carries the text before and after it.
 */
@Service
public class Comments {

    static final int MAX_BODY = 20000;

    private final CommentRepository repo;
    private final TaskRefs tasks;
    private final Transactions tx;
    private final Outbox outbox;
    private final HistoryLog history;

    Comments(CommentRepository repo, TaskRefs tasks, Transactions tx, Outbox outbox, HistoryLog history) {
        this.repo = repo;
        this.tasks = tasks;
        this.tx = tx;
        this.outbox = outbox;
        this.history = history;
    }

    /** The task's comments, oldest first. */
    public Page<Comment> list(long taskId, PageRequest page) {
        long ws = CurrentRequest.get().workspaceId();
        return tx.read(() -> {
            tasks.require(taskId);
            return new Page<>(
                    repo.list(ws, taskId, page.limit(), page.offset()),
                    repo.count(ws, taskId),
                    page.limit(),
                    page.offset());
        });
    }

    public Comment get(long id) {
        long ws = CurrentRequest.get().workspaceId();
        return tx.read(() -> repo.find(ws, id, false)
                .filter(c -> tasks.isLive(c.taskId()))
                .orElseThrow(() -> ApiException.notFound("comment", id)));
    }

    /**
     * Adds a comment by the calling actor; the body is trimmed and must keep 1..20000 characters (code
     * points, as the database counts them: an emoji is one).
     */
    public Comment add(long taskId, String body) {
        return add(taskId, null, body);
    }

    /**
     * {@link #add(long, String)}, checking the task's version the caller saw ({@code If-Match}) when
     * given: a comment is a new version of its task (its comment count), 412 when the task changed since.
     */
    public Comment add(long taskId, Precondition expectedVersion, String body) {
        RequestContext ctx = CurrentRequest.get();
        String text = normalize(body);
        return tx.write(() -> {
            TaskRef task = tasks.lockForChange(taskId, expectedVersion);
            Comment comment = repo.insert(ctx.workspaceId(), task.id(), ctx.actor(), text);
            history.record(task, "comment_added", null, null, Long.toString(comment.id()));
            outbox.appendWithTaskVersion(EventType.COMMENT_ADDED, task.boardId(), task.id(), comment);
            return comment;
        });
    }

    /** Replaces the body of a comment; 403 unless the caller wrote it or is an admin. */
    public Comment edit(long id, String body) {
        RequestContext ctx = CurrentRequest.get();
        String text = normalize(body);
        return tx.write(() -> {
            Comment current = mayChange(ctx, id);
            TaskRef task = tasks.lockForChange(current.taskId());
            Comment comment =
                    repo.update(ctx.workspaceId(), id, text).orElseThrow(() -> ApiException.notFound("comment", id));
            // the text before and after, as a field change of the task records its values; the field names
            // the comment (comments.<id>.body, as a custom field's row names it: fields.<name>)
            history.record(task, "comment_updated", "comments." + id + ".body", current.body(), comment.body());
            outbox.append(EventType.COMMENT_UPDATED, task.boardId(), task.id(), comment);
            return comment;
        });
    }

    /**
     * Inserts a comment as it was elsewhere (imports) on a task the import just wrote, inside the import's
     * write transaction; no history row or event of its own.
     */
    public long restore(long taskId, String author, String body, Instant createdAt, Instant updatedAt) {
        Transactions.requireActive("restoring must happen inside the import's transaction");
        return repo.insert(CurrentRequest.get().workspaceId(), taskId, author, body, createdAt, updatedAt);
    }

    /** Deletes a comment; 403 unless the caller wrote it or is an admin. */
    public void delete(long id) {
        RequestContext ctx = CurrentRequest.get();
        tx.write(() -> {
            Comment current = mayChange(ctx, id);
            TaskRef task = tasks.lockForChange(current.taskId());
            if (repo.delete(ctx.workspaceId(), id) != 1) {
                throw ApiException.notFound("comment", id);
            }
            // the text it removed stays in the audit trail, under the field an edit of it names
            history.record(task, "comment_deleted", "comments." + id + ".body", current.body(), null);
            outbox.appendWithTaskVersion(
                    EventType.COMMENT_DELETED, task.boardId(), task.id(), Map.of("id", id, "task_id", task.id()));
        });
    }

    /** The comment, locked for a change by the caller; 404 when missing, 403 when it is someone else's. */
    private Comment mayChange(RequestContext ctx, long id) {
        Comment comment =
                repo.find(ctx.workspaceId(), id, true).orElseThrow(() -> ApiException.notFound("comment", id));
        if (!ctx.isAdminOr(comment.author())) {
            throw ApiException.forbidden("only the author of comment " + id + " or an admin may change it");
        }
        return comment;
    }

    private static String normalize(String body) {
        String text = body == null ? "" : body.strip();
        if (text.isEmpty()) {
            throw ApiException.invalid("body", "must not be blank");
        }
        if (text.codePointCount(0, text.length()) > MAX_BODY) {
            throw ApiException.invalid("body", "must be at most " + MAX_BODY + " characters");
        }
        return text;
    }
}
