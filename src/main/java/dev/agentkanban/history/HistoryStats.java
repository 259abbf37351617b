package dev.agentkanban.history;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * Audit-trail counts per day of the zone {@code tz} (default UTC) over the last {@code days} days (today
 * included, every day present), with the most active actors of the window. {@code completed} counts
 * status changes to completed; {@code updated} counts field updates (priority, assignee, title, ...).
 */
record HistoryStats(
        int days,
        Long boardId,
        String tz,
        Instant since,
        Totals totals,
        List<Day> perDay,
        List<ActorActivity> mostActiveActors) {

    public record Day(LocalDate date, long created, long completed, long moved, long updated, long total) {}

    public record Totals(long created, long completed, long moved, long updated, long total) {}

    public record ActorActivity(String actor, long changes) {}
}
