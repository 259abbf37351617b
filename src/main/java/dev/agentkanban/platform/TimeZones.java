package dev.agentkanban.platform;

import java.time.DateTimeException;
import java.time.ZoneId;

/** The {@code tz} query parameter of the endpoints that count per local day. */
public final class TimeZones {

    private TimeZones() {}

    /** The zone named by {@code tz} (IANA, e.g. Europe/Berlin); UTC when absent; a 422 on {@code tz} when unknown. */
    public static ZoneId of(String tz) {
        if (tz == null || tz.isBlank()) {
            return ZoneId.of("UTC");
        }
        try {
            return ZoneId.of(tz.trim());
        } catch (DateTimeException e) {
            throw ApiException.invalid("tz", "must be an IANA time zone such as Europe/Berlin or UTC");
        }
    }
}
