package dev.agentkanban.stats;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.agentkanban.board.ColumnKind;

/**
 * How long a task has sat in its column compared with the other tasks there (the seed 002 colour
 * coding): {@code z = (t - mean) / stdev}; z above 2 is critical, above 1 a warning, otherwise good.
 * Waiting is normal in a backlog and finished work in a done column, so those are always normal; when
 * every task has waited equally long (stdev 0, or a single task) nothing stands out and all are good.
 */
public enum StatusColor {
    GOOD,
    WARNING,
    CRITICAL,
    NORMAL;

    static final double WARNING_Z = 1.0;
    static final double CRITICAL_Z = 2.0;

    /**
     * The colour of a task that has spent {@code seconds} in a column of {@code kind} whose tasks
     * have the given mean and (sample) standard deviation of time in column.
     */
    public static StatusColor of(ColumnKind kind, double seconds, double mean, double stdev) {
        return Scale.of(kind, mean, stdev).colorAt(seconds);
    }

    /**
     * The rule for one column as times: a task is {@code base} until it has waited longer than
     * {@code warningAfterSeconds}, then a warning, and critical beyond {@code criticalAfterSeconds}
     * (both null when no wait makes a task stand out). The API hands this to clients, so that a card
     * whose time the statistics did not list is coloured by the server's rule, not a copy of it.
     */
    public record Scale(StatusColor base, Double warningAfterSeconds, Double criticalAfterSeconds) {

        static Scale of(ColumnKind kind, double mean, double stdev) {
            if (kind == ColumnKind.DONE || kind == ColumnKind.BACKLOG) {
                return new Scale(NORMAL, null, null);
            }
            if (!(stdev > 0)) {
                return new Scale(GOOD, null, null);
            }
            return new Scale(GOOD, mean + WARNING_Z * stdev, mean + CRITICAL_Z * stdev);
        }

        StatusColor colorAt(double seconds) {
            if (criticalAfterSeconds != null && seconds > criticalAfterSeconds) {
                return CRITICAL;
            }
            return warningAfterSeconds != null && seconds > warningAfterSeconds ? WARNING : base;
        }
    }

    @JsonValue
    @Override
    public String toString() {
        return name().toLowerCase();
    }
}
