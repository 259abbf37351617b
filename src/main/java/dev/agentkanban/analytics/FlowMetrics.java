package dev.agentkanban.analytics;

import dev.agentkanban.analytics.FlowReport.AgingTask;
import dev.agentkanban.analytics.FlowReport.AgingWip;
import dev.agentkanban.analytics.FlowReport.ColumnRef;
import dev.agentkanban.analytics.FlowReport.CompletedTask;
import dev.agentkanban.analytics.FlowReport.DayCount;
import dev.agentkanban.analytics.FlowReport.FlowDay;
import dev.agentkanban.analytics.FlowReport.TimeSummary;
import dev.agentkanban.analytics.FlowReport.WeekCount;
import dev.agentkanban.analytics.FlowReport.WipDay;
import dev.agentkanban.analytics.FlowRepository.ColumnInfo;
import dev.agentkanban.analytics.TaskFlow.Span;
import dev.agentkanban.board.Board;
import dev.agentkanban.board.BoardColumn;
import dev.agentkanban.board.Boards;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.platform.ReplicaReads;
import dev.agentkanban.platform.Transactions;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;

/**
 * The analytics feature's API for flow metrics: every figure is rebuilt from the audit trail of the
 * board's tasks (see {@link TaskFlow}), so moves back and forth, deletions and board changes count
 * exactly as they happened. Definitions: docs/analytics.md.
 */
@Service
public class FlowMetrics {

    private final FlowRepository repo;
    private final Boards boards;
    private final Transactions tx;
    private final ReplicaReads replica;
    private final Clock clock;

    FlowMetrics(FlowRepository repo, Boards boards, Transactions tx, ReplicaReads replica) {
        this.replica = replica;
        this.repo = repo;
        this.boards = boards;
        this.tx = tx;
        this.clock = Clock.systemUTC();
    }

    /** A board's tasks as rebuilt from history, with the workspace's columns and the moment of reading. */
    record Snapshot(Board board, List<TaskFlow> tasks, Map<Long, ColumnInfo> columns, Instant now) {

        ColumnInfo column(Long id) {
            return id == null ? null : columns.get(id);
        }

        /** Tasks completed in {@code [start, end)} while on this board. */
        List<TaskFlow> completedIn(Instant start, Instant end) {
            return tasks.stream()
                    .filter(t -> t.completedAt != null && !t.completedAt.isBefore(start) && t.completedAt.isBefore(end))
                    .filter(t -> Long.valueOf(board.id()).equals(t.completedOnBoard()))
                    .toList();
        }
    }

    /** 404 unless the board is in the request's workspace: checked before the parameters are. */
    public void requireBoard(long boardId) {
        tx.read(() -> boards.require(boardId));
    }

    Snapshot snapshot(long boardId, FlowFilter filter) {
        long ws = CurrentRequest.get().workspaceId();
        return replica.read(() -> {
            Board board = boards.require(boardId);
            List<TaskFlow> tasks =
                    TaskFlow.all(repo.boardRows(ws, boardId, filter), repo.boardTasksNow(ws, boardId, filter));
            return new Snapshot(board, tasks, repo.columns(ws), clock.instant());
        });
    }

    /**
     * Flow metrics with the parameters as a client gives them: {@code from} and {@code to} dates
     * (YYYY-MM-DD, default the 30 days up to today), {@code tz} an IANA zone (default UTC); a bad one is
     * a 422 naming it.
     */
    public FlowReport flow(long boardId, String from, String to, String tz, FlowFilter filter) {
        FlowParams p = FlowParams.of(from, to, tz, filter.epic(), filter.tag(), filter.assignee(), clock);
        return flow(boardId, p.from(), p.to(), p.zone(), p.filter());
    }

    /** Flow metrics over the local days {@code from}..{@code to} in {@code zone}. */
    public FlowReport flow(long boardId, LocalDate from, LocalDate to, ZoneId zone, FlowFilter filter) {
        Snapshot s = snapshot(boardId, filter);
        long board = boardId;
        List<LocalDate> days = from.datesUntil(to.plusDays(1)).toList();

        // columns: the board's current ones in order, then any other column the board's tasks sat in
        List<ColumnRef> columns = new ArrayList<>();
        Map<Long, Integer> index = new LinkedHashMap<>();
        for (BoardColumn c : s.board().columns()) {
            index.put(c.id(), columns.size());
            columns.add(new ColumnRef(c.id(), c.name(), c.kind()));
        }
        for (TaskFlow t : s.tasks()) {
            for (Span sp : t.spans) {
                if (sp.boardId() == board && !index.containsKey(sp.columnId())) {
                    index.put(sp.columnId(), columns.size());
                    ColumnInfo c = s.column(sp.columnId());
                    columns.add(new ColumnRef(sp.columnId(), c == null ? null : c.name(), c == null ? null : c.kind()));
                }
            }
        }

        // each span on the board counts from the first day ending after it was entered to the last day
        // ending at or before it was left: +1 / -1 at those days, summed up day by day
        Instant[] ends = days.stream()
                .map(d -> d.plusDays(1).atStartOfDay(zone).toInstant())
                .toArray(Instant[]::new);
        long[][] delta = new long[days.size() + 1][columns.size()];
        for (TaskFlow t : s.tasks()) {
            for (Span sp : t.spans) {
                if (sp.boardId() != board) {
                    continue;
                }
                int first = firstEndAfter(ends, sp.from());
                int last = sp.to() == null ? ends.length - 1 : firstEndAfter(ends, sp.to()) - 1;
                if (first <= last) {
                    int col = index.get(sp.columnId());
                    delta[first][col]++;
                    delta[last + 1][col]--;
                }
            }
        }
        List<FlowDay> cfd = new ArrayList<>();
        List<WipDay> wip = new ArrayList<>();
        long[] counts = new long[columns.size()];
        for (int d = 0; d < days.size(); d++) {
            List<Long> list = new ArrayList<>();
            long inProgress = 0;
            for (int i = 0; i < counts.length; i++) {
                counts[i] += delta[d][i];
                list.add(counts[i]);
                if (columns.get(i).kind() != null
                        && TaskFlow.IN_PROGRESS.contains(columns.get(i).kind())) {
                    inProgress += counts[i];
                }
            }
            cfd.add(new FlowDay(days.get(d), list));
            wip.add(new WipDay(days.get(d), inProgress));
        }

        Instant start = from.atStartOfDay(zone).toInstant();
        Instant end = to.plusDays(1).atStartOfDay(zone).toInstant();
        List<CompletedTask> completed = new ArrayList<>();
        Map<LocalDate, Long> perDay = new LinkedHashMap<>();
        days.forEach(d -> perDay.put(d, 0L));
        for (TaskFlow t : s.completedIn(start, end)) {
            Instant started = t.startedAt(s.columns());
            boolean startedBefore = started != null && !started.isAfter(t.completedAt);
            completed.add(new CompletedTask(
                    t.id,
                    t.title,
                    t.created,
                    startedBefore ? started : null,
                    t.completedAt,
                    seconds(t.created, t.completedAt),
                    startedBefore ? seconds(started, t.completedAt) : null));
            perDay.merge(t.completedAt.atZone(zone).toLocalDate(), 1L, Long::sum);
        }
        completed.sort(Comparator.comparing(CompletedTask::completedAt).thenComparing(CompletedTask::taskId));

        List<DayCount> daily = perDay.entrySet().stream()
                .map(e -> new DayCount(e.getKey(), e.getValue()))
                .toList();
        Map<LocalDate, long[]> weeks = new LinkedHashMap<>();
        for (DayCount d : daily) {
            long[] w = weeks.computeIfAbsent(
                    d.date().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)), k -> new long[2]);
            w[0]++;
            w[1] += d.completed();
        }
        List<WeekCount> weekly = weeks.entrySet().stream()
                .map(e -> new WeekCount(e.getKey(), (int) e.getValue()[0], e.getValue()[1]))
                .toList();

        TimeSummary lead = summary(
                completed.stream().mapToDouble(CompletedTask::leadTimeSeconds).toArray());
        TimeSummary cycle = summary(completed.stream()
                .filter(c -> c.cycleTimeSeconds() != null)
                .mapToDouble(CompletedTask::cycleTimeSeconds)
                .toArray());
        return new FlowReport(
                boardId,
                from,
                to,
                zone.getId(),
                filter,
                columns,
                cfd,
                wip,
                daily,
                weekly,
                lead,
                cycle,
                completed,
                aging(s, cycle.p85Seconds()));
    }

    /** A Monte Carlo forecast from the throughput of the {@code historyDays} local days before today. */
    public Forecast forecast(
            long boardId, ZoneId zone, FlowFilter filter, int historyDays, Long count, LocalDate date, long seed) {
        LocalDate today = LocalDate.now(clock.withZone(zone));
        if (date != null && date.isBefore(today)) {
            throw dev.agentkanban.platform.ApiException.invalid("date", "must not be before today (" + today + ")");
        }
        FlowReport history = flow(boardId, today.minusDays(historyDays), today.minusDays(1), zone, filter);
        List<Long> samples =
                history.throughputDaily().stream().map(DayCount::completed).toList();
        MonteCarlo mc = new MonteCarlo(samples, seed);
        Forecast.When when = null;
        if (count != null) {
            int[] days = mc.daysToFinish(count);
            when = new Forecast.When(
                    count,
                    dateAfter(today, MonteCarlo.atMost(days, 0.50)),
                    dateAfter(today, MonteCarlo.atMost(days, 0.85)),
                    dateAfter(today, MonteCarlo.atMost(days, 0.95)));
        }
        Forecast.HowMany howMany = null;
        if (date != null) {
            int days = (int) java.time.temporal.ChronoUnit.DAYS.between(today, date) + 1;
            long[] done = mc.doneWithin(days);
            howMany = new Forecast.HowMany(
                    date,
                    days,
                    MonteCarlo.atLeast(done, 0.50),
                    MonteCarlo.atLeast(done, 0.85),
                    MonteCarlo.atLeast(done, 0.95));
        }
        return new Forecast(boardId, today, zone.getId(), historyDays, samples, MonteCarlo.RUNS, seed, when, howMany);
    }

    /** The date of simulated day {@code days} (1 = today); null for a run that never finished. */
    private static LocalDate dateAfter(LocalDate today, int days) {
        return days > MonteCarlo.MAX_DAYS ? null : today.plusDays(days - 1L);
    }

    /** Burn-up of the board's tasks that carry {@code epic}. */
    public BurnUp burnUp(long boardId, String epic, LocalDate from, LocalDate to, ZoneId zone) {
        Snapshot s = snapshot(boardId, new FlowFilter(epic, null, null));
        List<BurnUp.Day> days = new ArrayList<>();
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            Instant last = day.plusDays(1).atStartOfDay(zone).toInstant().minusNanos(1);
            long scope = 0;
            long done = 0;
            for (TaskFlow t : s.tasks()) {
                if (t.existsAt(last)) {
                    scope++;
                    if ("completed".equals(t.statusAt(last))) {
                        done++;
                    }
                }
            }
            days.add(new BurnUp.Day(day, scope, done));
        }
        return new BurnUp(boardId, epic, from, to, zone.getId(), days);
    }

    /** Seed 002's performance over the last {@code days} days (see {@link Performance}). */
    public Performance performance(long boardId, int days) {
        Snapshot s = snapshot(boardId, FlowFilter.NONE);
        Instant until = s.now();
        Instant since = until.minus(Duration.ofDays(days));
        Instant before = since.minus(Duration.ofDays(days));
        List<TaskFlow> created = s.tasks().stream()
                .filter(t -> !t.created.isBefore(since)
                        && t.created.isBefore(until)
                        && Long.valueOf(boardId).equals(t.createdOnBoard))
                .toList();
        long createdDone = created.stream()
                .filter(t -> t.completedAt != null && t.completedAt.isBefore(until))
                .count();
        List<TaskFlow> completed = s.completedIn(since, until);
        long previous = s.completedIn(before, since).size();
        double[] lead = completed.stream()
                .mapToDouble(t -> seconds(t.created, t.completedAt))
                .toArray();
        double[] cycle = completed.stream()
                .filter(t -> t.startedAt(s.columns()) != null
                        && !t.startedAt(s.columns()).isAfter(t.completedAt))
                .mapToDouble(t -> seconds(t.startedAt(s.columns()), t.completedAt))
                .toArray();
        long backlog = 0;
        long blocked = 0;
        for (TaskFlow t : s.tasks()) {
            Span now = t.current();
            ColumnInfo c = now == null ? null : s.column(now.columnId());
            if (c == null || now.boardId() != boardId || !t.open()) {
                continue;
            }
            switch (c.kind()) {
                case BACKLOG, TODO -> backlog++;
                case BLOCKED -> blocked++;
                default -> {}
            }
        }
        return new Performance(
                boardId,
                days,
                since,
                until,
                created.size(),
                completed.size(),
                percentage(createdDone, created.size()),
                Math.round(100.0 * completed.size() / days) / 100.0,
                new Percentiles(lead).mean(),
                new Percentiles(cycle).mean(),
                backlog,
                blocked,
                velocity(completed.size(), previous));
    }

    static Performance.Velocity velocity(long current, long previous) {
        if (previous == 0) {
            return new Performance.Velocity(0, null, current > 0 ? "up" : "steady");
        }
        double change = 100.0 * (current - previous) / previous;
        String trend = change > 20 ? "up" : change < -20 ? "down" : "steady";
        return new Performance.Velocity(previous, Math.round(change * 10) / 10.0, trend);
    }

    /** {@code 100 * part / whole} rounded to one decimal; 0 when {@code whole} is 0. */
    static double percentage(long part, long whole) {
        return whole == 0 ? 0.0 : Math.round(1000.0 * part / whole) / 10.0;
    }

    /** Open tasks now in an in-progress column of the board, oldest first. */
    private static AgingWip aging(Snapshot s, Double p85) {
        List<AgingTask> items = new ArrayList<>();
        for (TaskFlow t : s.tasks()) {
            Span now = t.current();
            ColumnInfo c = now == null ? null : s.column(now.columnId());
            if (c == null || now.boardId() != s.board().id() || !t.open() || !TaskFlow.IN_PROGRESS.contains(c.kind())) {
                continue;
            }
            Instant started = t.startedAt(s.columns());
            double age = seconds(started, s.now());
            items.add(new AgingTask(
                    t.id,
                    t.title,
                    c.id(),
                    c.name(),
                    started,
                    age,
                    seconds(now.from(), s.now()),
                    p85 == null ? null : age > p85));
        }
        items.sort(Comparator.comparing(AgingTask::ageSeconds).reversed().thenComparing(AgingTask::taskId));
        return new AgingWip(p85, items);
    }

    /** The index of the first end strictly after {@code t} ({@code ends.length} when none is). */
    static int firstEndAfter(Instant[] ends, Instant t) {
        int lo = 0;
        int hi = ends.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ends[mid].isAfter(t)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    static TimeSummary summary(double[] values) {
        Percentiles p = new Percentiles(values);
        return new TimeSummary(p.count(), p.mean(), p.at(0.50), p.at(0.85), p.at(0.95));
    }

    static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }
}
