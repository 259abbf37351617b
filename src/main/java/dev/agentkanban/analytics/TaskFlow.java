package dev.agentkanban.analytics;

import dev.agentkanban.analytics.FlowRepository.ColumnInfo;
import dev.agentkanban.analytics.FlowRepository.FlowRow;
import dev.agentkanban.analytics.FlowRepository.TaskNow;
import dev.agentkanban.board.ColumnKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One task's life rebuilt from its flow rows: where it was when (spans, half-open {@code [from, to)},
 * {@code to} null while it is still there) and its status changes. See docs/analytics.md.
 */
final class TaskFlow {

    /** Column kinds in which work has started and is not finished. */
    static final Set<ColumnKind> IN_PROGRESS = Set.of(ColumnKind.IN_PROGRESS, ColumnKind.REVIEW, ColumnKind.BLOCKED);

    record Span(long boardId, Long columnId, Instant from, Instant to) {

        boolean contains(Instant t) {
            return !from.isAfter(t) && (to == null || to.isAfter(t));
        }
    }

    record StatusChange(Instant at, String from, String to) {}

    final long id;
    final String title;
    final Instant created;
    /** When the task went to the trash (or was purged) for the last time, if it is still gone; else null. */
    final Instant deleted;

    final List<Span> spans;
    final List<StatusChange> statuses;
    final String initialStatus;
    /** When the task last became completed, if its final status is completed; else null. */
    final Instant completedAt;
    /** The board the task was on when it was created. */
    final Long createdOnBoard;
    /** When the task was off its boards (in the trash, or purged), {@code [from, to)}. */
    final List<Span> gaps;
    /** Archived now: off the board, its past kept in the figures (docs/analytics.md). */
    final boolean archived;

    private TaskFlow(
            long id,
            String title,
            Instant created,
            Instant deleted,
            List<Span> spans,
            List<StatusChange> statuses,
            String initialStatus,
            Instant completedAt,
            Long createdOnBoard,
            List<Span> gaps,
            boolean archived) {
        this.id = id;
        this.title = title;
        this.created = created;
        this.deleted = deleted;
        this.spans = spans;
        this.statuses = statuses;
        this.initialStatus = initialStatus;
        this.completedAt = completedAt;
        this.createdOnBoard = createdOnBoard;
        this.gaps = gaps;
        this.archived = archived;
    }

    /**
     * Rebuilds a task from its rows (in order) and, if it still exists, its current state. Returns null
     * for a task without a creation row (a trail that does not start at the beginning).
     */
    static TaskFlow of(long id, List<FlowRow> rows, TaskNow now) {
        Instant created = null;
        Long createdOnBoard = null;
        List<Span> spans = new ArrayList<>();
        List<StatusChange> statuses = new ArrayList<>();
        List<Span> gaps = new ArrayList<>();
        Span open = null;
        Instant gapFrom = null;
        for (FlowRow r : rows) {
            if (created == null && !"created".equals(r.action())) {
                continue; // the trail starts at the first creation row
            }
            switch (r.action()) {
                case "created", "moved", "restored" -> {
                    if (created == null) {
                        created = r.at();
                        createdOnBoard = r.boardId();
                    }
                    if (open != null) {
                        spans.add(new Span(open.boardId(), open.columnId(), open.from(), r.at()));
                    }
                    if (gapFrom != null) {
                        gaps.add(new Span(0, null, gapFrom, r.at()));
                        gapFrom = null;
                    }
                    open = new Span(r.boardId(), r.columnId(), r.at(), null);
                }
                case "deleted", "purged" -> {
                    if (open != null) {
                        spans.add(new Span(open.boardId(), open.columnId(), open.from(), r.at()));
                        open = null;
                    }
                    if (gapFrom == null) {
                        gapFrom = r.at();
                    }
                }
                case "status_changed" -> statuses.add(new StatusChange(r.at(), r.oldValue(), r.newValue()));
                default -> {}
            }
        }
        if (created == null) {
            return null;
        }
        if (open != null) {
            spans.add(open);
        }
        Instant deleted = gapFrom;
        if (gapFrom != null) {
            gaps.add(new Span(0, null, gapFrom, null));
        }
        spans.removeIf(s -> s.columnId() == null);
        String initial = !statuses.isEmpty() ? statuses.getFirst().from() : now != null ? now.status() : "pending";
        String last = statuses.isEmpty() ? initial : statuses.getLast().to();
        Instant completedAt = null;
        if ("completed".equals(last)) {
            completedAt = statuses.isEmpty()
                    ? (now != null && now.completedAt() != null
                            ? now.completedAt()
                            : now != null ? now.createdAt() : created)
                    : statuses.getLast().at();
        }
        // an imported task keeps its original creation time, earlier than its creation row
        Instant since = now != null && now.createdAt() != null ? now.createdAt() : created;
        return new TaskFlow(
                id,
                now == null ? null : now.title(),
                since,
                deleted,
                List.copyOf(spans),
                List.copyOf(statuses),
                initial,
                completedAt,
                createdOnBoard,
                List.copyOf(gaps),
                now != null && now.archived());
    }

    /** Rebuilds every task of a set of rows. */
    static List<TaskFlow> all(List<FlowRow> rows, Map<Long, TaskNow> now) {
        List<TaskFlow> out = new ArrayList<>();
        FlowRepository.byTask(rows).forEach((id, taskRows) -> {
            TaskFlow t = of(id, taskRows, now.get(id));
            if (t != null) {
                out.add(t);
            }
        });
        return out;
    }

    /** The span the task was in at {@code t}, or null (not yet created, or deleted). */
    Span at(Instant t) {
        for (Span s : spans) {
            if (s.contains(t)) {
                return s;
            }
        }
        return null;
    }

    /** The board the task was on when it was completed (or last on, if it left at that very moment). */
    Long completedOnBoard() {
        if (completedAt == null) {
            return null;
        }
        Span s = at(completedAt);
        if (s == null) {
            for (Span x : spans) {
                if (!x.from().isAfter(completedAt)) {
                    s = x;
                }
            }
        }
        return s == null ? createdOnBoard : s.boardId();
    }

    /** The first entry into an in-progress column (kinds {@link #IN_PROGRESS}), or null. */
    Instant startedAt(Map<Long, ColumnInfo> columns) {
        for (Span s : spans) {
            ColumnInfo c = columns.get(s.columnId());
            if (c != null && IN_PROGRESS.contains(c.kind())) {
                return s.from();
            }
        }
        return null;
    }

    /** The task's status at {@code t} (it exists then). */
    String statusAt(Instant t) {
        String status = initialStatus;
        for (StatusChange c : statuses) {
            if (c.at().isAfter(t)) {
                break;
            }
            status = c.to();
        }
        return status;
    }

    /** Created by {@code t} and not in the trash then. */
    boolean existsAt(Instant t) {
        return !created.isAfter(t) && gaps.stream().noneMatch(g -> g.contains(t));
    }

    /** The current span, or null when in the trash or purged. */
    Span current() {
        if (deleted != null || spans.isEmpty()) {
            return null;
        }
        Span last = spans.getLast();
        return last.to() == null ? last : null;
    }

    String finalStatus() {
        return statuses.isEmpty() ? initialStatus : statuses.getLast().to();
    }

    /** Open and on its board now: not archived, not in the trash (aging work, backlog, blocked). */
    boolean openOnBoard() {
        return open() && !archived;
    }

    boolean open() {
        String s = finalStatus();
        return deleted == null && ("pending".equals(s) || "in_progress".equals(s));
    }
}
