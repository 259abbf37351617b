package dev.agentkanban.analytics;

import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.TimeZones;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** Validated query parameters of the flow endpoints; each bad one is a 422 naming it. */
record FlowParams(LocalDate from, LocalDate to, ZoneId zone, FlowFilter filter) {

    static final int DEFAULT_DAYS = 30;
    static final int MAX_DAYS = 366;

    static FlowParams of(String from, String to, String tz, String epic, String tag, String assignee, Clock clock) {
        ZoneId zone = TimeZones.of(tz);
        LocalDate end = to == null ? LocalDate.now(clock.withZone(zone)) : date("to", to);
        LocalDate start = from == null ? end.minusDays(DEFAULT_DAYS - 1) : date("from", from);
        if (start.isAfter(end)) {
            throw ApiException.invalid("from", "must not be after to");
        }
        if (ChronoUnit.DAYS.between(start, end) + 1 > MAX_DAYS) {
            throw ApiException.invalid("from", "the range may span at most " + MAX_DAYS + " days");
        }
        return new FlowParams(
                start, end, zone, new FlowFilter(blankToNull(epic), blankToNull(tag), blankToNull(assignee)));
    }

    static LocalDate date(String field, String value) {
        LocalDate date;
        try {
            date = LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(field, "must be a date YYYY-MM-DD");
        }
        // the days after it are counted, and each day's bounds are instants in the caller's zone: a year
        // beyond 9999 overflowed the date arithmetic (500), and a day at either end of 1..9999 in a zone
        // far from UTC has a bound in year 0 or 10000, which PostgreSQL's timestamps do not take
        if (date.getYear() < 2 || date.getYear() > 9998) {
            throw ApiException.invalid(field, "must lie between the years 2 and 9998");
        }
        return date;
    }

    static int days(Integer days, int fallback, int max) {
        int n = days == null ? fallback : days;
        if (n < 1 || n > max) {
            throw ApiException.invalid("days", "must be between 1 and " + max);
        }
        return n;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
