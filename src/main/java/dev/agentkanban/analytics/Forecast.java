package dev.agentkanban.analytics;

import java.time.LocalDate;
import java.util.List;

/**
 * A Monte Carlo forecast from a board's recent throughput (definitions in docs/analytics.md): each of
 * {@code runs} runs draws, for every day from {@code today} on, one day's completions at random (with
 * replacement) from {@code samples}, the completions per local day of the {@code history_days} days
 * before today. {@code when} answers "when will {@code count} tasks be done" and {@code how_many}
 * "how many will be done by {@code date}" (today and that date included).
 */
record Forecast(
        long boardId,
        LocalDate today,
        String tz,
        int historyDays,
        List<Long> samples,
        int runs,
        long seed,
        When when,
        HowMany howMany) {

    /**
     * The dates by which that share of the runs had finished {@code count} tasks (null when the recent
     * throughput is zero, or no run finished within {@link MonteCarlo#MAX_DAYS} days).
     */
    public record When(long count, LocalDate p50, LocalDate p85, LocalDate p95) {}

    /** At least this many tasks done by {@code date} in 50, 85 and 95 % of the runs. */
    public record HowMany(LocalDate date, int days, long p50, long p85, long p95) {}
}
