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
import dev.agentkanban.analytics.FlowRepository.Delta;
import dev.agentkanban.analytics.FlowRepository.Open;
import dev.agentkanban.analytics.TaskFlow.Span;
import dev.agentkanban.board.Board;
import dev.agentkanban.board.BoardColumn;
import dev.agentkanban.board.Boards;
import dev.agentkanban.board.ColumnKind;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.platform.ReplicaReads;
import dev.agentkanban.platform.Transactions;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

        /** Tasks completed in {@code [start, end)} while on this board (those now in the trash unless asked). */
        List<TaskFlow> completedIn(Instant start, Instant end, boolean trashed) {
            return tasks.stream()
                    .filter(t -> t.completedAt != null && !t.completedAt.isBefore(start) && t.completedAt.isBefore(end))
                    .filter(t -> trashed || t.deleted == null)
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
        return replica.read(() -> snapshot(ws, boards.require(boardId), filter));
    }

    private Snapshot snapshot(long ws, Board board, FlowFilter filter) {
        List<TaskFlow> tasks =
                TaskFlow.all(repo.boardRows(ws, board.id(), filter), repo.boardTasksNow(ws, board.id(), filter));
        return new Snapshot(board, tasks, repo.columns(ws), clock.instant());
    }

    /**
     * Flow metrics with the parameters as a client gives them: {@code from} and {@code to} dates
     * (YYYY-MM-DD, default the 30 days up to today), {@code tz} an IANA zone (default UTC); a bad one is
     * a 422 naming it.
     */
    public FlowReport flow(long boardId, String from, String to, String tz, FlowFilter filter) {
        return flow(boardId, from, to, tz, filter, EnumSet.allOf(Part.class));
    }

    FlowReport flow(long boardId, String from, String to, String tz, FlowFilter filter, Set<Part> parts) {
        FlowParams p = FlowParams.of(from, to, tz, filter.epic(), filter.tag(), filter.assignee(), clock);
        return flow(
                boardId,
                p.from(),
                p.to(),
                p.zone(),
                p.filter().withTrashed(filter.includeTrashed()),
                parts,
                Source.BEST);
    }

    /** The parts of a report; a single table needs only some of them. */
    enum Part {
        FLOW,
        COMPLETED,
        /** The completed tasks' titles (the completed table and the whole report). */
        TITLES,
        AGING,
        /**
         * Only the lead- and cycle-time summaries (the percentiles table): from the kept figures they are
         * computed in SQL (percentile_cont), not from the completions read into Java.
         */
        SUMMARY
    }

    /** Where the figures come from: the kept figures when they can answer, else the trail itself. */
    enum Source {
        BEST,
        HISTORY
    }

    /** Flow metrics over the local days {@code from}..{@code to} in {@code zone}. */
    public FlowReport flow(long boardId, LocalDate from, LocalDate to, ZoneId zone, FlowFilter filter) {
        return flow(boardId, from, to, zone, filter, EnumSet.allOf(Part.class), Source.BEST);
    }

    /** What a report is made of, read from the kept figures or rebuilt from history. */
    private record Raw(
            List<ColumnRef> columns,
            long[][] counts,
            List<CompletedTask> completed,
            List<Open> open,
            Instant now,
            TimeSummary[] summaries) {}

    /**
     * Flow metrics with only {@code parts} filled in (the others empty). The kept figures answer
     * unfiltered questions whose day ends fall on quarter hours (every zone in use today); a filtered
     * view, or {@code Source.HISTORY}, rebuilds the tasks from their trail.
     */
    FlowReport flow(
            long boardId,
            LocalDate from,
            LocalDate to,
            ZoneId zone,
            FlowFilter filter,
            Set<Part> parts,
            Source source) {
        List<LocalDate> days = from.datesUntil(to.plusDays(1)).toList();
        Instant[] ends = days.stream()
                .map(d -> d.plusDays(1).atStartOfDay(zone).toInstant())
                .toArray(Instant[]::new);
        Instant start = from.atStartOfDay(zone).toInstant();
        Instant end = ends[ends.length - 1];
        boolean kept = source == Source.BEST
                && filter.isEmpty()
                && start.getEpochSecond() % QUARTER_HOUR == 0
                && Arrays.stream(ends).allMatch(e -> e.getEpochSecond() % QUARTER_HOUR == 0);
        long ws = CurrentRequest.get().workspaceId();
        Raw raw = replica.read(() -> {
            Board board = boards.require(boardId);
            return kept
                    ? fromFigures(ws, board, ends, start, end, parts, filter.includeTrashed())
                    : fromHistory(snapshot(ws, board, filter), ends, start, end, parts, filter.includeTrashed());
        });

        List<FlowDay> cfd = new ArrayList<>();
        List<WipDay> wip = new ArrayList<>();
        if (parts.contains(Part.FLOW)) {
            for (int d = 0; d < days.size(); d++) {
                long inProgress = 0;
                for (int i = 0; i < raw.columns().size(); i++) {
                    ColumnKind kind = raw.columns().get(i).kind();
                    if (kind != null && TaskFlow.IN_PROGRESS.contains(kind)) {
                        inProgress += raw.counts()[d][i];
                    }
                }
                cfd.add(new FlowDay(
                        days.get(d), Arrays.stream(raw.counts()[d]).boxed().toList()));
                wip.add(new WipDay(days.get(d), inProgress));
            }
        }

        List<CompletedTask> completed = raw.completed();
        List<DayCount> daily = new ArrayList<>();
        List<WeekCount> weekly = new ArrayList<>();
        if (parts.contains(Part.COMPLETED)) {
            Map<LocalDate, Long> perDay = new LinkedHashMap<>();
            days.forEach(d -> perDay.put(d, 0L));
            completed.forEach(c -> perDay.merge(c.completedAt().atZone(zone).toLocalDate(), 1L, Long::sum));
            perDay.forEach((d, n) -> daily.add(new DayCount(d, n)));
            Map<LocalDate, long[]> weeks = new LinkedHashMap<>();
            for (DayCount d : daily) {
                long[] w = weeks.computeIfAbsent(
                        d.date().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)), k -> new long[2]);
                w[0]++;
                w[1] += d.completed();
            }
            weeks.forEach((k, w) -> weekly.add(new WeekCount(k, (int) w[0], w[1])));
        }
        TimeSummary lead = raw.summaries() != null
                ? raw.summaries()[0]
                : summary(completed.stream()
                        .mapToDouble(CompletedTask::leadTimeSeconds)
                        .toArray());
        TimeSummary cycle = raw.summaries() != null
                ? raw.summaries()[1]
                : summary(completed.stream()
                        .filter(c -> c.cycleTimeSeconds() != null)
                        .mapToDouble(CompletedTask::cycleTimeSeconds)
                        .toArray());
        return new FlowReport(
                boardId,
                from,
                to,
                zone.getId(),
                filter,
                raw.columns(),
                cfd,
                wip,
                daily,
                weekly,
                lead,
                cycle,
                completed,
                aging(raw.open(), raw.now(), cycle.p85Seconds()));
    }

    private static final long QUARTER_HOUR = 900;

    /** The report's parts from the kept figures (V30__flow_figures.sql). */
    private Raw fromFigures(
            long ws, Board board, Instant[] ends, Instant start, Instant end, Set<Part> parts, boolean trashed) {
        Instant now = clock.instant();
        List<ColumnRef> columns = new ArrayList<>();
        long[][] counts = new long[0][];
        if (parts.contains(Part.FLOW)) {
            Map<Long, Integer> index = new HashMap<>();
            for (BoardColumn c : board.columns()) {
                index.put(c.id(), columns.size());
                columns.add(new ColumnRef(c.id(), c.name(), c.kind()));
            }
            List<long[]> others = new ArrayList<>(repo.spanColumns(ws, board.id()).stream()
                    .filter(c -> !index.containsKey(c[0]))
                    .toList());
            others.sort(Comparator.<long[]>comparingLong(c -> c[1]).thenComparingLong(c -> c[2]));
            if (!others.isEmpty()) {
                Map<Long, ColumnInfo> all = repo.columns(ws);
                for (long[] o : others) {
                    index.put(o[0], columns.size());
                    ColumnInfo c = all.get(o[0]);
                    columns.add(new ColumnRef(o[0], c == null ? null : c.name(), c == null ? null : c.kind()));
                }
            }
            counts = new long[ends.length][columns.size()];
            // at a day's end: the whole UTC days before it, then the quarter hours of its own UTC day
            LocalDate lastDay = ends[ends.length - 1].atZone(ZoneOffset.UTC).toLocalDate();
            List<Delta<LocalDate>> daily = repo.dailyDeltas(ws, board.id(), lastDay);
            List<Instant> windowFrom = new ArrayList<>();
            List<Instant> windowTo = new ArrayList<>();
            for (Instant e : ends) {
                Instant midnight = e.atZone(ZoneOffset.UTC)
                        .toLocalDate()
                        .atStartOfDay(ZoneOffset.UTC)
                        .toInstant();
                if (!midnight.equals(e)) {
                    windowFrom.add(midnight);
                    windowTo.add(e);
                }
            }
            Map<Instant, List<Delta<Instant>>> partial = new HashMap<>();
            if (!windowTo.isEmpty()) {
                for (Delta<Instant> d : repo.windowDeltas(ws, board.id(), windowFrom, windowTo)) {
                    partial.computeIfAbsent(d.key(), k -> new ArrayList<>()).add(d);
                }
            }
            long[] running = new long[columns.size()];
            int next = 0;
            for (int i = 0; i < ends.length; i++) {
                LocalDate day = ends[i].atZone(ZoneOffset.UTC).toLocalDate();
                while (next < daily.size() && daily.get(next).key().isBefore(day)) {
                    Delta<LocalDate> d = daily.get(next++);
                    Integer col = index.get(d.columnId());
                    if (col != null) {
                        running[col] += d.delta();
                    }
                }
                System.arraycopy(running, 0, counts[i], 0, running.length);
                for (Delta<Instant> d : partial.getOrDefault(ends[i], List.of())) {
                    Integer col = index.get(d.columnId());
                    if (col != null) {
                        counts[i][col] += d.delta();
                    }
                }
            }
        }
        List<CompletedTask> completed = parts.contains(Part.COMPLETED) || parts.contains(Part.AGING)
                ? repo.completions(ws, board.id(), start, end, parts.contains(Part.TITLES), trashed).stream()
                        .map(c -> completedTask(c.taskId(), c.title(), c.createdAt(), c.startedAt(), c.completedAt()))
                        .toList()
                : List.of();
        List<Open> open = parts.contains(Part.AGING) ? repo.openInProgress(ws, board.id()) : List.of();
        TimeSummary[] summaries = parts.contains(Part.SUMMARY) && completed.isEmpty()
                ? repo.timeSummaries(ws, board.id(), start, end, trashed)
                : null;
        return new Raw(columns, counts, completed, open, now, summaries);
    }

    /** The report's parts rebuilt from the trail of the board's tasks. */
    private static Raw fromHistory(
            Snapshot s, Instant[] ends, Instant start, Instant end, Set<Part> parts, boolean trashed) {
        long board = s.board().id();
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
        long[][] delta = new long[ends.length + 1][columns.size()];
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
        long[][] counts = new long[ends.length][columns.size()];
        for (int d = 0; d < ends.length; d++) {
            for (int i = 0; i < columns.size(); i++) {
                counts[d][i] = (d == 0 ? 0 : counts[d - 1][i]) + delta[d][i];
            }
        }
        List<CompletedTask> completed = new ArrayList<>();
        for (TaskFlow t : s.completedIn(start, end, trashed)) {
            completed.add(completedTask(t.id, t.title, t.created, t.startedAt(s.columns()), t.completedAt));
        }
        completed.sort(Comparator.comparing(CompletedTask::completedAt).thenComparing(CompletedTask::taskId));
        List<Open> open = new ArrayList<>();
        for (TaskFlow t : s.tasks()) {
            Span now = t.current();
            ColumnInfo c = now == null ? null : s.column(now.columnId());
            if (c != null && now.boardId() == board && t.openOnBoard() && TaskFlow.IN_PROGRESS.contains(c.kind())) {
                open.add(new Open(t.id, t.title, c.id(), c.name(), t.startedAt(s.columns()), now.from()));
            }
        }
        return new Raw(
                parts.contains(Part.FLOW) ? columns : List.of(),
                counts,
                parts.contains(Part.COMPLETED) || parts.contains(Part.AGING) || parts.contains(Part.SUMMARY)
                        ? completed
                        : List.of(),
                parts.contains(Part.AGING) ? open : List.of(),
                s.now(),
                null);
    }

    /** A point of the scatter plots; the cycle time only when the task started before it completed. */
    private static CompletedTask completedTask(
            long id, String title, Instant created, Instant started, Instant completedAt) {
        boolean startedBefore = started != null && !started.isAfter(completedAt);
        return new CompletedTask(
                id,
                title,
                created,
                startedBefore ? started : null,
                completedAt,
                seconds(created, completedAt),
                startedBefore ? seconds(started, completedAt) : null);
    }

    /** A Monte Carlo forecast from the throughput of the {@code historyDays} local days before today. */
    public Forecast forecast(
            long boardId, ZoneId zone, FlowFilter filter, int historyDays, Long count, LocalDate date, long seed) {
        LocalDate today = LocalDate.now(clock.withZone(zone));
        if (date != null && date.isBefore(today)) {
            throw dev.agentkanban.platform.ApiException.invalid("date", "must not be before today (" + today + ")");
        }
        FlowReport history = flow(
                boardId,
                today.minusDays(historyDays),
                today.minusDays(1),
                zone,
                filter,
                EnumSet.of(Part.COMPLETED),
                Source.BEST);
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
                .filter(t -> t.deleted == null
                        && !t.created.isBefore(since)
                        && t.created.isBefore(until)
                        && Long.valueOf(boardId).equals(t.createdOnBoard))
                .toList();
        long createdDone = created.stream()
                .filter(t -> t.completedAt != null && t.completedAt.isBefore(until))
                .count();
        List<TaskFlow> completed = s.completedIn(since, until, false);
        long previous = s.completedIn(before, since, false).size();
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
            if (c == null || now.boardId() != boardId || !t.openOnBoard()) {
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
    private static AgingWip aging(List<Open> open, Instant now, Double p85) {
        List<AgingTask> items = new ArrayList<>();
        for (Open o : open) {
            double age = seconds(o.startedAt(), now);
            items.add(new AgingTask(
                    o.taskId(),
                    o.title(),
                    o.columnId(),
                    o.column(),
                    o.startedAt(),
                    age,
                    seconds(o.enteredAt(), now),
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
