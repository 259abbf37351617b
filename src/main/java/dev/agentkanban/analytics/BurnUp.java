package dev.agentkanban.analytics;

import java.time.LocalDate;
import java.util.List;

/**
 * Burn-up of an epic on a board: at the end of each local day, {@code scope} = tasks that carry the
 * epic now and existed then (created, not yet deleted), {@code done} = those of them completed then.
 */
record BurnUp(long boardId, String epic, LocalDate from, LocalDate to, String tz, List<Day> days) {

    public record Day(LocalDate date, long scope, long done) {}
}
