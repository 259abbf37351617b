package dev.agentkanban.history;

import dev.agentkanban.board.Boards;
import dev.agentkanban.history.HistoryStats.Day;
import dev.agentkanban.history.HistoryStats.Totals;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.Transactions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Service;

/**
 * The history feature's API: reads of the audit trail of the request's workspace. A task or board of
 * another workspace is a 404 like a missing one; a deleted task's trail stays readable.
 */
@Service
class HistoryQueries {

    /** The board activity window when the client names no start. */
    static final Duration DEFAULT_ACTIVITY_WINDOW = Duration.ofDays(7);

    static final int DEFAULT_STATS_DAYS = 30;
    static final int MAX_STATS_DAYS = 365;
    static final int MOST_ACTIVE_ACTORS = 10;

    private final HistoryRepository repo;
    private final Boards boards;
    private final Transactions tx;

    HistoryQueries(HistoryRepository repo, Boards boards, Transactions tx) {
        this.repo = repo;
        this.boards = boards;
        this.tx = tx;
    }

    /** The task's trail, oldest first. */
    public Page<HistoryEntry> taskHistory(long taskId, PageRequest page) {
        long ws = ws();
        return tx.read(() -> {
            requireKnownTask(ws, taskId);
            return new Page<>(
                    repo.taskHistory(ws, taskId, page.limit(), page.offset()),
                    repo.countTaskHistory(ws, taskId),
                    page.limit(),
                    page.offset());
        });
    }

    /** The task's column transitions with the time spent in each column, and where it is now. */
    public TaskTransitions transitions(long taskId) {
        long ws = ws();
        return tx.read(() -> {
            requireKnownTask(ws, taskId);
            return new TaskTransitions(
                    taskId,
                    repo.transitions(ws, taskId),
                    repo.currentColumn(ws, taskId).orElse(null));
        });
    }

    static final int MAX_ACTIVITY_HOURS = MAX_STATS_DAYS * 24;

    /**
     * The window a client names by its length instead of its start ({@code hours} or {@code days}, one
     * of them and not together with {@code since}); null when it names none.
     */
    static Duration activityWindow(boolean sinceGiven, Integer hours, Integer days) {
        if (hours != null && days != null) {
            throw ApiException.invalid("hours", "give hours or days, not both");
        }
        if ((hours != null || days != null) && sinceGiven) {
            throw ApiException.invalid(hours != null ? "hours" : "days", "give since or a window length, not both");
        }
        if (hours != null) {
            if (hours < 1 || hours > MAX_ACTIVITY_HOURS) {
                throw ApiException.invalid("hours", "must be between 1 and " + MAX_ACTIVITY_HOURS);
            }
            return Duration.ofHours(hours);
        }
        if (days != null) {
            if (days < 1 || days > MAX_STATS_DAYS) {
                throw ApiException.invalid("days", "must be between 1 and " + MAX_STATS_DAYS);
            }
            return Duration.ofDays(days);
        }
        return null;
    }

    /**
     * The board's trail in {@code [since, until)}, newest first. Without {@code until} the window
     * is open (up to now); without {@code since} it starts {@code window} (default
     * {@link #DEFAULT_ACTIVITY_WINDOW}) before {@code until} or now.
     */
    public BoardActivity boardActivity(long boardId, Instant since, Instant until, Duration window, PageRequest page) {
        Instant start = since != null
                ? since
                : (until != null ? until : Instant.now()).minus(window != null ? window : DEFAULT_ACTIVITY_WINDOW);
        if (until != null && start.isAfter(until)) {
            throw ApiException.invalid("since", "must not be after until");
        }
        long ws = ws();
        return tx.read(() -> {
            boards.require(boardId);
            return new BoardActivity(
                    boardId,
                    start,
                    until,
                    repo.boardActivity(ws, boardId, start, until, page.limit(), page.offset()),
                    repo.countBoardActivity(ws, boardId, start, until),
                    page.limit(),
                    page.offset());
        });
    }

    /**
     * Counts per day over the last {@code days} days (1..365, default 30; today in {@code zone} is the
     * last, each day from its midnight there), optionally for one board.
     */
    public HistoryStats stats(Integer days, Long boardId, ZoneId zone) {
        int n = days == null ? DEFAULT_STATS_DAYS : days;
        if (n < 1 || n > MAX_STATS_DAYS) {
            throw ApiException.invalid("days", "must be between 1 and " + MAX_STATS_DAYS);
        }
        LocalDate today = LocalDate.now(zone);
        List<LocalDate> dates = new ArrayList<>();
        List<Instant> starts = new ArrayList<>();
        for (int i = n - 1; i >= -1; i--) {
            LocalDate d = today.minusDays(i);
            starts.add(d.atStartOfDay(zone).toInstant());
            if (i >= 0) {
                dates.add(d);
            }
        }
        long ws = ws();
        return tx.read(() -> {
            if (boardId != null) {
                boards.require(boardId);
            }
            Instant since = starts.getFirst();
            List<Day> perDay = repo.perDay(ws, boardId, dates, starts);
            Totals totals = new Totals(
                    perDay.stream().mapToLong(Day::created).sum(),
                    perDay.stream().mapToLong(Day::completed).sum(),
                    perDay.stream().mapToLong(Day::moved).sum(),
                    perDay.stream().mapToLong(Day::updated).sum(),
                    perDay.stream().mapToLong(Day::total).sum());
            return new HistoryStats(
                    n,
                    boardId,
                    zone.getId(),
                    since,
                    totals,
                    perDay,
                    repo.mostActiveActors(ws, boardId, since, MOST_ACTIVE_ACTORS));
        });
    }

    private void requireKnownTask(long ws, long taskId) {
        if (!repo.taskKnown(ws, taskId)) {
            throw ApiException.notFound("task", taskId);
        }
    }

    private static long ws() {
        return CurrentRequest.get().workspaceId();
    }
}
