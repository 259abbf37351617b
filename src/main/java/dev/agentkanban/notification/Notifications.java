package dev.agentkanban.notification;

import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.notification.NotificationRepository.Watcher;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.task.TaskRefs;
import java.util.List;
import org.springframework.stereotype.Service;

/**
 * The caller's inbox in the request's workspace (list, unread count, mark one or all read) and the
 * watchers of a task (anyone who can see the task may watch or unwatch it). The notifications
 * themselves are written by the fan-out from the change feed ({@link NotificationFanOut}).
 */
@Service
public class Notifications {

    /** A page of the inbox and the caller's unread count. */
    public record Inbox(List<Notification> items, long total, int limit, long offset, long unreadCount) {}

    /** Who watches a task, and whether the caller does. */
    public record Watchers(List<Watcher> items, boolean watching) {}

    private final NotificationRepository repo;
    private final Transactions tx;
    private final TaskRefs tasks;

    Notifications(NotificationRepository repo, Transactions tx, TaskRefs tasks) {
        this.repo = repo;
        this.tx = tx;
        this.tasks = tasks;
    }

    public Inbox inbox(boolean unreadOnly, PageRequest page) {
        RequestContext ctx = CurrentRequest.get();
        return tx.read(() -> {
            Page<Notification> items = new Page<>(
                    repo.inbox(ctx.workspaceId(), ctx.actor(), unreadOnly, page.limit(), page.offset()),
                    repo.count(ctx.workspaceId(), ctx.actor(), unreadOnly),
                    page.limit(),
                    page.offset());
            long unread = unreadOnly ? items.total() : repo.count(ctx.workspaceId(), ctx.actor(), true);
            return new Inbox(items.items(), items.total(), items.limit(), items.offset(), unread);
        });
    }

    public long unreadCount() {
        RequestContext ctx = CurrentRequest.get();
        return tx.read(() -> repo.count(ctx.workspaceId(), ctx.actor(), true));
    }

    /** Marks one of the caller's notifications read (404 for anyone else's). */
    public Notification markRead(long id) {
        RequestContext ctx = CurrentRequest.get();
        return tx.write(() -> repo.markRead(ctx.workspaceId(), ctx.actor(), id)
                .orElseThrow(() -> ApiException.notFound("notification", id)));
    }

    /** Marks all the caller's notifications in this workspace read; returns how many were unread. */
    public int markAllRead() {
        RequestContext ctx = CurrentRequest.get();
        return tx.write(() -> repo.markAllRead(ctx.workspaceId(), ctx.actor()));
    }

    public Watchers watchers(long taskId) {
        RequestContext ctx = CurrentRequest.get();
        return tx.read(() -> {
            requireTask(ctx, taskId);
            List<Watcher> items = repo.watchers(taskId);
            boolean me = items.stream().anyMatch(w -> w.username().equals(ctx.actor()));
            return new Watchers(items, me);
        });
    }

    public Watchers watch(long taskId, boolean watching) {
        RequestContext ctx = CurrentRequest.get();
        tx.write(() -> {
            requireTask(ctx, taskId);
            long user = repo.userId(ctx.actor())
                    .orElseThrow(() -> ApiException.invalid("user", "only a signed-in member can watch a task"));
            if (watching) {
                repo.watch(ctx.workspaceId(), taskId, user);
            } else {
                repo.unwatch(ctx.workspaceId(), taskId, user);
            }
        });
        return watchers(taskId);
    }

    private void requireTask(RequestContext ctx, long taskId) {
        if (!tasks.isLive(taskId)) {
            throw ApiException.notFound("task", taskId);
        }
    }
}
