package dev.agentkanban.platform.ratelimit;

import dev.agentkanban.platform.InvalidSetting;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request budget: {@code permits} requests per {@code period}, refilled gradually (a client that
 * spent its budget gets one request back every {@code period / permits}). Written as a plain number
 * (per minute) or {@code N/s}, {@code N/min}, {@code N/h}, optionally with a period count
 * ({@code 100/5min}).
 */
record Rate(long permits, Duration period) {

    private static final Pattern FORMAT = Pattern.compile(
            "(\\d{1,9})\\s*(?:/\\s*(\\d{0,6})\\s*(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hour|hours))?");

    Rate {
        if (permits < 1) {
            throw new IllegalArgumentException("a rate needs at least one request per period");
        }
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("a rate needs a positive period");
        }
    }

    /** Parses a setting's value; {@code setting} names it in the error (e.g. {@code RATE_LIMIT_BULK}). */
    static Rate parse(String setting, String value) {
        Matcher m = FORMAT.matcher(value == null ? "" : value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new InvalidSetting(
                    setting,
                    "must be a number of requests per minute (e.g. 60) or N/s, N/min, N/h; got '" + value + "'");
        }
        long permits = Long.parseLong(m.group(1));
        if (permits < 1) {
            throw new InvalidSetting(setting, "must allow at least 1 request; got '" + value + "'");
        }
        if (m.group(3) == null) {
            return new Rate(permits, Duration.ofMinutes(1));
        }
        long count = m.group(2).isEmpty() ? 1 : Long.parseLong(m.group(2));
        if (count < 1) {
            throw new InvalidSetting(setting, "needs a positive period; got '" + value + "'");
        }
        Duration unit = switch (m.group(3).charAt(0)) {
            case 's' -> Duration.ofSeconds(1);
            case 'm' -> Duration.ofMinutes(1);
            default -> Duration.ofHours(1);
        };
        return new Rate(permits, unit.multipliedBy(count));
    }

    Bandwidth bandwidth() {
        return Bandwidth.builder()
                .capacity(permits)
                .refillGreedy(permits, period)
                .build();
    }

    BucketConfiguration configuration() {
        return BucketConfiguration.builder().addLimit(bandwidth()).build();
    }

    /** A compact stable name, part of shared bucket keys so that a changed setting starts fresh buckets. */
    String key() {
        return permits + "per" + period.toSeconds() + "s";
    }

    @Override
    public String toString() {
        long seconds = period.toSeconds();
        String per =
                seconds == 1 ? "second" : seconds == 60 ? "minute" : seconds == 3600 ? "hour" : seconds + " seconds";
        return permits + " per " + per;
    }
}
