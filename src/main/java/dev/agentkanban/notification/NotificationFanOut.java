package dev.agentkanban.notification;

import dev.agentkanban.events.ChangeEvent;
import dev.agentkanban.events.ChangeFeed;
import dev.agentkanban.events.ChangeStream;
import dev.agentkanban.platform.WakeableLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Turns the durable outbox into notifications, at least once and idempotently: it follows the change
 * feed with a persisted cursor and, in one system transaction per batch, adds watchers, records
 * mentions, writes the notifications (unique per member and event, so a batch seen twice adds nothing)
 * and advances the cursor. The cursor row's lock makes instances take turns, which also means
 * notification rows are committed in id order (the live delivery, {@link InboxStream}, relies on that).
 *
 * <p>Who hears about what (the actor never hears about their own change):
 * <ul>
 *   <li>new assignees: {@code assigned} (and they watch the task);
 *   <li>members newly mentioned in a description or comment: {@code mentioned} (and they watch);
 *   <li>watchers: {@code commented}, {@code moved}, {@code completed};
 *   <li>assignees and watchers: {@code unblocked}, {@code due_soon}, {@code overdue};
 *   <li>the member an automation rule names ({@code rule_notification} event): {@code rule}.
 * </ul>
 * A member gets one notification per event, the first that applies in this order. The creator of a
 * task and whoever comments on it watch it from then on.
 */
@Component
class NotificationFanOut implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(NotificationFanOut.class);
    private static final int BATCH = 500;
    private static final int EXCERPT = 200;

    private final ChangeFeed feed;
    private final NotificationRepository repo;
    private final InboxStream inbox;
    private final Duration pollInterval;
    private final WakeableLoop loop = new WakeableLoop();
    private final ChangeFeed.DurableCursor cursor;
    private final ChangeStream.Handed handed;

    NotificationFanOut(
            ChangeFeed feed,
            ChangeStream stream,
            NotificationRepository repo,
            InboxStream inbox,
            @Value("${kanban.notifications.poll-interval:PT1S}") Duration pollInterval) {
        this.feed = feed;
        this.repo = repo;
        this.inbox = inbox;
        this.pollInterval = pollInterval;
        this.cursor = ChangeFeed.DurableCursor.of(repo::cursor, repo::moveCursor);
        this.handed = stream.follow(loop::wake, BATCH);
    }

    @Override
    public void start() {
        loop.start(
                "notification-fan-out",
                () -> loop.repeat(
                        () -> {
                            handed.pace();
                            if (fanOut() > 0) {
                                inbox.wake();
                            }
                            loop.await(pollInterval);
                        },
                        pollInterval,
                        log,
                        "notification fan-out failed"));
    }

    @Override
    public void stop() {
        loop.stop();
    }

    @Override
    public boolean isRunning() {
        return loop.running();
    }

    /** Turns new outbox events into notifications; returns how many it wrote. */
    int fanOut() {
        return fanOut(handed.take());
    }

    /** As {@link #fanOut()}, with {@code span} as what the dispatcher handed (null: nothing; tests hand their own). */
    int fanOut(ChangeStream.Span span) {
        return feed.followDurably(cursor, span, BATCH, events -> {
            Batch batch = new Batch(events);
            int n = 0;
            for (ChangeEvent e : events) {
                n += handle(e, batch);
            }
            return n;
        });
    }

    /** The notifications of one event, by kind, in the order they take precedence. */
    private final class Recipients {
        final Map<NotificationKind, Set<Long>> byKind = new EnumMap<>(NotificationKind.class);
        final Set<Long> taken = new LinkedHashSet<>();
        final Long actor;

        Recipients(Long actor) {
            this.actor = actor;
        }

        void add(NotificationKind kind, Iterable<Long> users) {
            for (Long u : users) {
                if (!u.equals(actor) && taken.add(u)) {
                    byKind.computeIfAbsent(kind, k -> new LinkedHashSet<>()).add(u);
                }
            }
        }
    }

    /**
     * What a batch reads once for all its events instead of once per event (issue #19): the actors'
     * member ids, the tasks' assignments not announced yet (claimed at once; each task's go to the first
     * event that names it, as claiming them event by event gives) and who watches the tasks (as at the
     * batch's start, plus the watches its events add). A batch on a board nobody watches then costs one
     * statement per create (the creator watches) and none per move or edit.
     */
    private final class Batch {
        private final Map<String, Optional<Long>> members = new HashMap<>();
        private final Map<Long, List<long[]>> assignments = new HashMap<>();
        private final Map<Long, Set<Long>> watchers = new HashMap<>();

        Batch(List<ChangeEvent> events) {
            Set<Long> tasks = new LinkedHashSet<>();
            for (ChangeEvent e : events) {
                if (about(e)) {
                    tasks.addAll(tasksOf(e));
                }
            }
            if (!tasks.isEmpty()) {
                for (long[] pair : repo.claimNewAssignments(tasks)) {
                    assignments.computeIfAbsent(pair[0], t -> new ArrayList<>()).add(pair);
                }
                for (long[] pair : repo.watching(tasks)) {
                    watchers.computeIfAbsent(pair[0], t -> new LinkedHashSet<>())
                            .add(pair[1]);
                }
            }
        }

        Optional<Long> member(long ws, String actor) {
            return members.computeIfAbsent(ws + ":" + actor, k -> repo.member(ws, actor));
        }

        /** The new assignments of these tasks that no earlier event of the batch took: (task, member) pairs. */
        List<long[]> claim(List<Long> tasks) {
            List<long[]> pairs = new ArrayList<>();
            for (Long t : tasks) {
                List<long[]> of = assignments.remove(t);
                if (of != null) {
                    pairs.addAll(of);
                }
            }
            return pairs;
        }

        Set<Long> watching(long task) {
            return watchers.getOrDefault(task, Set.of());
        }

        void autoWatch(long ws, long task, long user, String reason) {
            if (repo.autoWatch(ws, task, user, reason)) {
                watchers.computeIfAbsent(task, t -> new LinkedHashSet<>()).add(user);
            }
        }
    }

    /** Whether an event can notify anyone: one about a task, or a bulk change. */
    private static boolean about(ChangeEvent e) {
        return e.taskId() != null || e.type().equals("bulk_update");
    }

    /** The tasks an event is about: its own, and those of a bulk change. */
    private static List<Long> tasksOf(ChangeEvent e) {
        List<Long> tasks = new ArrayList<>();
        if (e.taskId() != null) {
            tasks.add(e.taskId());
        }
        JsonNode bulk = e.data() == null ? null : e.data().get("task_ids");
        if (bulk != null && bulk.isArray()) {
            bulk.forEach(id -> tasks.add(id.asLong()));
        }
        return tasks;
    }

    private int handle(ChangeEvent e, Batch batch) {
        Long task = e.taskId();
        if (!about(e)) {
            return 0;
        }
        long ws = e.workspaceId();
        JsonNode data = e.data();
        Long actor = batch.member(ws, e.actor()).orElse(null);
        Recipients r = new Recipients(actor);

        // assignments not announced yet, on this task (or the tasks of a bulk change)
        List<Long> tasks = tasksOf(e);
        Map<Long, Long> assignedTask = new LinkedHashMap<>();
        for (long[] pair : batch.claim(tasks)) {
            batch.autoWatch(ws, pair[0], pair[1], "assignee");
            assignedTask.putIfAbsent(pair[1], pair[0]);
        }
        r.add(NotificationKind.ASSIGNED, assignedTask.keySet());
        if (task == null) {
            // a bulk change: the assignments are all it can notify about
            Long first = assignedTask.values().stream().findFirst().orElse(null);
            return first == null ? 0 : write(e, r, first, excerptOfBulk(tasks.size()));
        }

        String excerpt = null;
        switch (e.type()) {
            case "task_created" -> {
                if (actor != null) {
                    batch.autoWatch(ws, task, actor, "creator");
                }
                mentions(batch, ws, task, text(data, "task", "description"), "description", r);
            }
            case "task_updated", "task_claimed", "task_released" ->
                mentions(batch, ws, task, text(data, "task", "description"), "description", r);
            case "task_moved" -> {
                mentions(batch, ws, task, text(data, "task", "description"), "description", r);
                r.add(NotificationKind.MOVED, batch.watching(task));
                excerpt = "moved to " + text(data, "task", "column");
            }
            case "task_completed" -> {
                r.add(NotificationKind.COMPLETED, batch.watching(task));
                excerpt = "completed";
            }
            case "comment_added", "comment_updated" -> {
                String body = text(data, "body");
                mentions(batch, ws, task, body, "comment:" + text(data, "id"), r);
                if (e.type().equals("comment_added")) {
                    if (actor != null) {
                        batch.autoWatch(ws, task, actor, "commenter");
                    }
                    r.add(NotificationKind.COMMENTED, batch.watching(task));
                }
                excerpt = cut(body);
            }
            case "task_unblocked" -> {
                r.add(NotificationKind.UNBLOCKED, repo.assignees(task));
                r.add(NotificationKind.UNBLOCKED, batch.watching(task));
                excerpt = "no longer blocked";
            }
            case "task_due_soon", "task_overdue" -> {
                NotificationKind kind =
                        e.type().equals("task_overdue") ? NotificationKind.OVERDUE : NotificationKind.DUE_SOON;
                r.add(kind, repo.assignees(task));
                r.add(kind, batch.watching(task));
                excerpt = (kind == NotificationKind.OVERDUE ? "was due " : "due ") + text(data, "task", "due_date");
            }
            case "rule_notification" -> {
                // a rule's "notify someone" action: the member it names, whoever changed the task
                JsonNode user = data == null ? null : data.get("user_id");
                if (user != null && user.canConvertToLong()) {
                    r.add(NotificationKind.RULE, List.of(user.asLong()));
                }
                excerpt = cut(text(data, "message"));
            }
            default -> {}
        }
        if (r.byKind.containsKey(NotificationKind.MENTIONED) && excerpt == null) {
            excerpt = cut(text(data, "task", "description"));
        }
        return write(e, r, task, excerpt);
    }

    private int write(ChangeEvent e, Recipients r, long task, String excerpt) {
        if (r.byKind.isEmpty()) {
            return 0;
        }
        String title = repo.taskTitle(task).orElse(null);
        if (title == null) {
            return 0; // the task is gone: nothing left to open
        }
        int n = 0;
        for (Map.Entry<NotificationKind, Set<Long>> k : r.byKind.entrySet()) {
            n += repo.insert(
                    e.workspaceId(),
                    k.getValue(),
                    e.eventId(),
                    k.getKey(),
                    task,
                    e.boardId(),
                    e.actor(),
                    title,
                    excerpt);
        }
        return n;
    }

    /** Members newly mentioned in {@code text} (in that source) are notified and watch the task. */
    private void mentions(Batch batch, long ws, long task, String text, String source, Recipients r) {
        Set<String> names = Mentions.in(text);
        if (names.isEmpty()) {
            return;
        }
        List<Long> mentioned = new ArrayList<>();
        for (Map.Entry<String, Long> member : repo.members(ws, names).entrySet()) {
            long user = member.getValue();
            if (repo.mentionIsNew(ws, task, user, source)) {
                mentioned.add(user);
                if (!Optional.ofNullable(r.actor).map(a -> a == user).orElse(false)) {
                    batch.autoWatch(ws, task, user, "mentioned");
                }
            }
        }
        r.add(NotificationKind.MENTIONED, mentioned);
    }

    private static String excerptOfBulk(int tasks) {
        return tasks > 1 ? "and " + (tasks - 1) + " more tasks" : null;
    }

    private static String text(JsonNode data, String... path) {
        JsonNode node = data;
        for (String p : path) {
            if (node == null) {
                return null;
            }
            node = node.get(p);
        }
        return node == null || node.isNull() ? null : node.asString();
    }

    private static String cut(String s) {
        if (s == null) {
            return null;
        }
        String flat = s.strip();
        return flat.length() <= EXCERPT ? flat : flat.substring(0, EXCERPT - 1) + "…";
    }
}
