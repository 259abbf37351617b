package dev.agentkanban.analytics;

import dev.agentkanban.analytics.BoardColours.Counts;
import dev.agentkanban.analytics.BoardColours.TaskColour;
import dev.agentkanban.analytics.DragDropMetrics.DayMoves;
import dev.agentkanban.analytics.FlowRepository.ColumnInfo;
import dev.agentkanban.analytics.FlowRepository.TaskNow;
import dev.agentkanban.analytics.StatisticsRepository.Standing;
import dev.agentkanban.analytics.TaskFlow.Span;
import dev.agentkanban.analytics.TaskStatistics.ColumnTime;
import dev.agentkanban.analytics.TaskStatistics.Current;
import dev.agentkanban.board.Board;
import dev.agentkanban.board.BoardColumn;
import dev.agentkanban.board.Boards;
import dev.agentkanban.board.ColumnKind;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.ReplicaReads;
import dev.agentkanban.stats.StatusColor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;

/** The analytics feature's API for seed 002's task, colour and drag-and-drop statistics. */
@Service
class SeedStatistics {

    static final int MOST_MOVED = 10;

    private final StatisticsRepository repo;
    private final FlowRepository flows;
    private final Boards boards;
    private final ReplicaReads replica;

    SeedStatistics(StatisticsRepository repo, FlowRepository flows, Boards boards, ReplicaReads replica) {
        this.replica = replica;
        this.repo = repo;
        this.flows = flows;
        this.boards = boards;
    }

    /** Statistics of one task of the workspace (404 when it does not exist). */
    public TaskStatistics task(long taskId) {
        long ws = CurrentRequest.get().workspaceId();
        return replica.read(() -> {
            List<TaskNow> now = flows.taskNow(ws, taskId);
            if (now.isEmpty()) {
                throw ApiException.notFound("task", taskId);
            }
            Map<Long, ColumnInfo> columns = flows.columns(ws);
            TaskFlow t = TaskFlow.of(taskId, flows.taskRows(ws, taskId), now.getFirst());
            Instant clock = Instant.now();
            Standing mine = null;
            long columnId = now.getFirst().columnId();
            ColumnInfo col = columns.get(columnId);
            for (Standing s : repo.columnStandings(ws, columnId)) {
                if (s.taskId() == taskId) {
                    mine = s;
                }
            }
            if (mine == null) {
                throw ApiException.notFound("task", taskId);
            }
            Current cur = new Current(
                    columnId,
                    col.name(),
                    col.kind(),
                    mine.seconds(),
                    z(mine),
                    percentile(mine),
                    StatusColor.of(col.kind(), mine.seconds(), mine.mean(), mine.stdev()));
            Map<Long, double[]> per = new LinkedHashMap<>();
            int transitions = 0;
            Instant created = now.getFirst().createdAt();
            if (t != null) {
                created = t.created;
                // a trip to the trash ends a stay and the restore opens one in the same column: the same
                // visit, no transition (transitions are the column moves, as /transitions lists them)
                Long previous = null;
                for (Span sp : t.spans) {
                    double[] v = per.computeIfAbsent(sp.columnId(), k -> new double[2]);
                    if (!sp.columnId().equals(previous)) {
                        v[0]++;
                        transitions += previous == null ? 0 : 1;
                    }
                    v[1] += FlowMetrics.seconds(sp.from(), sp.to() == null ? clock : sp.to());
                    previous = sp.columnId();
                }
            }
            List<ColumnTime> times = new ArrayList<>();
            per.forEach((id, v) -> {
                ColumnInfo c = columns.get(id);
                times.add(
                        new ColumnTime(id, c == null ? null : c.name(), c == null ? null : c.kind(), (int) v[0], v[1]));
            });
            return new TaskStatistics(
                    taskId, col.boardId(), created, FlowMetrics.seconds(created, clock), transitions, cur, times);
        });
    }

    /** Every task of the board classified by colour; one page of them. */
    public BoardColours colours(long boardId, PageRequest page) {
        long ws = CurrentRequest.get().workspaceId();
        return replica.read(() -> {
            Board board = boards.require(boardId);
            Map<Long, BoardColumn> columns = new LinkedHashMap<>();
            board.columns().forEach(c -> columns.put(c.id(), c));
            Map<StatusColor, Long> counts = new EnumMap<>(StatusColor.class);
            List<TaskColour> all = new ArrayList<>();
            for (Standing s : repo.boardStandings(ws, boardId)) {
                BoardColumn c = columns.get(s.columnId());
                ColumnKind kind = c == null ? null : c.kind();
                StatusColor colour = StatusColor.of(kind, s.seconds(), s.mean(), s.stdev());
                counts.merge(colour, 1L, Long::sum);
                all.add(new TaskColour(
                        s.taskId(),
                        s.title(),
                        s.columnId(),
                        c == null ? null : c.name(),
                        kind,
                        s.seconds(),
                        z(s),
                        percentile(s),
                        colour));
            }
            all.sort(Comparator.comparingInt((TaskColour x) -> columns.containsKey(x.columnId())
                            ? columns.get(x.columnId()).position()
                            : Integer.MAX_VALUE)
                    .thenComparing(
                            Comparator.comparingDouble(TaskColour::seconds).reversed())
                    .thenComparingLong(TaskColour::taskId));
            int from = (int) Math.min(all.size(), page.offset());
            int to = (int) Math.min(all.size(), page.offset() + page.limit());
            return new BoardColours(
                    boardId,
                    new Counts(
                            counts.getOrDefault(StatusColor.GOOD, 0L),
                            counts.getOrDefault(StatusColor.WARNING, 0L),
                            counts.getOrDefault(StatusColor.CRITICAL, 0L),
                            counts.getOrDefault(StatusColor.NORMAL, 0L)),
                    all.subList(from, to),
                    all.size(),
                    page.limit(),
                    page.offset());
        });
    }

    /** Column moves on the board over the last {@code days} UTC days. */
    public DragDropMetrics dragDrop(long boardId, int days) {
        long ws = CurrentRequest.get().workspaceId();
        return replica.read(() -> {
            boards.require(boardId);
            Instant since = repo.windowStart(days);
            List<DayMoves> perDay = repo.movesPerDay(ws, boardId, since, days);
            long total = perDay.stream().mapToLong(DayMoves::moves).sum();
            long tasks = repo.tasksMoved(ws, boardId, since);
            return new DragDropMetrics(
                    boardId,
                    days,
                    since,
                    total,
                    tasks,
                    tasks == 0 ? 0.0 : Math.round(100.0 * total / tasks) / 100.0,
                    perDay,
                    repo.movesByActor(ws, boardId, since),
                    repo.movesByTask(ws, boardId, since, MOST_MOVED));
        });
    }

    private static double z(Standing s) {
        return s.stdev() > 0 ? (s.seconds() - s.mean()) / s.stdev() : 0.0;
    }

    private static double percentile(Standing s) {
        return s.n() <= 1 ? 0.0 : Math.round(1000.0 * s.below() / (s.n() - 1)) / 10.0;
    }
}
