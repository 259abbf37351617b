package dev.agentkanban.stats;

import dev.agentkanban.board.Board;
import dev.agentkanban.board.BoardColumn;
import dev.agentkanban.board.Boards;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.stats.BoardStatistics.ColumnCounts;
import dev.agentkanban.stats.BoardStatistics.PriorityCounts;
import dev.agentkanban.stats.BoardStatistics.StatusCounts;
import dev.agentkanban.stats.BoardStatistics.WeekProgress;
import dev.agentkanban.stats.StatsRepository.ColumnCount;
import dev.agentkanban.stats.StatsRepository.ColumnTimeFigures;
import dev.agentkanban.stats.StatsRepository.Moment;
import dev.agentkanban.stats.StatsRepository.TaskSeconds;
import dev.agentkanban.stats.TimeInColumn.ColumnTimes;
import dev.agentkanban.stats.TimeInColumn.TaskTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;

/**
 * The statistics feature's API: figures of one board of the request's workspace (404 for a board
 * that is missing or in another workspace). Counting happens in the database; this class only puts
 * the per-column results in board order and fills the gaps with zeros.
 */
@Service
public class BoardStats {

    /** Cap on the tasks listed per column by {@link #timeInColumn}. */
    static final int TASKS_PER_COLUMN = 500;

    private static final ColumnCount NONE = new ColumnCount(0, 0, 0, 0, 0, 0, 0, 0, 0);

    private final StatsRepository repo;
    private final Boards boards;
    private final Transactions tx;

    BoardStats(StatsRepository repo, Boards boards, Transactions tx) {
        this.repo = repo;
        this.boards = boards;
        this.tx = tx;
    }

    /**
     * Counts by column × priority and by status, overdue, and this week's progress (see
     * {@link WeekProgress}: completed = {@code completed_at >= } Monday 00:00 UTC of the current ISO
     * week; total = not cancelled and {@code completed_at} null or in this week; percentage =
     * 0 if total is 0 else round(100 · completed / total, 1 decimal)).
     */
    public BoardStatistics board(long boardId) {
        return tx.readTogether(() -> {
            Board board = boards.require(boardId);
            Map<Long, ColumnCount> counts = repo.columnCounts(boardId).stream()
                    .collect(Collectors.toMap(ColumnCount::columnId, Function.identity()));
            Moment moment = repo.moment(boardId);
            List<ColumnCounts> columns = new ArrayList<>();
            long pending = 0, inProgress = 0, completed = 0, cancelled = 0;
            for (BoardColumn c : board.columns()) {
                ColumnCount n = counts.getOrDefault(c.id(), NONE);
                columns.add(new ColumnCounts(
                        c.id(),
                        c.name(),
                        c.kind(),
                        c.position(),
                        c.wipLimit(),
                        n.total(),
                        new PriorityCounts(n.low(), n.medium(), n.high(), n.urgent())));
                pending += n.pending();
                inProgress += n.inProgress();
                completed += n.completed();
                cancelled += n.cancelled();
            }
            // Open tasks have no completed_at (the tasks trigger keeps completed_at set exactly when
            // the status is completed), so "not cancelled, completed_at null or this week" is the
            // open tasks plus those completed this week.
            long weekTotal = pending + inProgress + moment.completedThisWeek();
            WeekProgress week = new WeekProgress(
                    moment.weekStart(),
                    moment.completedThisWeek(),
                    weekTotal,
                    percentage(moment.completedThisWeek(), weekTotal));
            return new BoardStatistics(
                    boardId,
                    pending + inProgress + completed + cancelled,
                    columns,
                    new StatusCounts(pending, inProgress, completed, cancelled, moment.overdue()),
                    week);
        });
    }

    /** Time in the current column per column and per task, with the seed 002 colour of each task. */
    public TimeInColumn timeInColumn(long boardId) {
        return tx.readTogether(() -> {
            Board board = boards.require(boardId);
            Map<Long, ColumnTimeFigures> figures = repo.columnTimes(boardId).stream()
                    .collect(Collectors.toMap(ColumnTimeFigures::columnId, Function.identity()));
            Map<Long, List<TaskSeconds>> tasks = repo.longestWaiting(boardId, TASKS_PER_COLUMN).stream()
                    .collect(Collectors.groupingBy(TaskSeconds::columnId));
            List<ColumnTimes> columns = new ArrayList<>();
            for (BoardColumn c : board.columns()) {
                ColumnTimeFigures f = figures.get(c.id());
                if (f == null) {
                    columns.add(new ColumnTimes(
                            c.id(),
                            c.name(),
                            c.kind(),
                            0,
                            null,
                            null,
                            null,
                            null,
                            StatusColor.Scale.of(c.kind(), 0, 0),
                            List.of()));
                    continue;
                }
                StatusColor.Scale scale = StatusColor.Scale.of(c.kind(), f.mean(), f.stdev());
                List<TaskTime> listed = tasks.getOrDefault(c.id(), List.of()).stream()
                        .map(t -> new TaskTime(t.taskId(), t.seconds(), scale.colorAt(t.seconds())))
                        .toList();
                columns.add(new ColumnTimes(
                        c.id(),
                        c.name(),
                        c.kind(),
                        f.count(),
                        f.mean(),
                        f.median(),
                        f.stdev(),
                        f.p95(),
                        scale,
                        listed));
            }
            return new TimeInColumn(boardId, columns);
        });
    }

    /** {@code 100 * part / whole} rounded to one decimal; 0 when {@code whole} is 0. */
    static double percentage(long part, long whole) {
        return whole == 0 ? 0.0 : Math.round(1000.0 * part / whole) / 10.0;
    }
}
