package dev.agentkanban.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Compares a CSV download with the JSON rows it was made from: every header names a field, same values. */
final class CsvCheck {

    private CsvCheck() {}

    /** The same as {@link #sameAsJson(String, List, Duration, String...)} for tables that do not follow the clock. */
    static void sameAsJson(String csv, List<JsonNode> rows) {
        sameAsJson(csv, rows, Duration.ZERO);
    }

    /**
     * Splits on commas: the fixtures' texts hold none. {@code clock}: fields that follow the clock, the
     * two downloads being made at most {@code apart} from each other. An age in seconds (a field named
     * {@code seconds} or ending in {@code _seconds}) may differ by that time, and by nothing more; a time
     * must parse; any other number (a z-score, made of ages) is compared within 5%.
     */
    static void sameAsJson(String csv, List<JsonNode> rows, Duration apart, String... clock) {
        double drift = apart.toNanos() / 1e9 + 0.01; // the time between the two, and sums of whole milliseconds
        String[] lines = csv.split("\\r\\n");
        assertThat(lines).as(csv).hasSize(rows.size() + 1);
        String[] header = lines[0].split(",", -1);
        for (int r = 0; r < rows.size(); r++) {
            String[] cells = lines[r + 1].split(",", -1);
            assertThat(cells).as(lines[r + 1]).hasSize(header.length);
            for (int c = 0; c < header.length; c++) {
                JsonNode v = rows.get(r).get(header[c]);
                assertThat(v).as(header[c]).isNotNull();
                String what = header[c] + " of row " + r;
                if (List.of(clock).contains(header[c])) { // moved on between the two requests
                    if (v.isNumber()) {
                        boolean age = header[c].equals("seconds") || header[c].endsWith("_seconds");
                        assertThat(Double.parseDouble(cells[c]))
                                .as(what + (age ? " (downloads " + apart.toMillis() + " ms apart)" : ""))
                                .isCloseTo(v.asDouble(), within(age ? drift : Math.abs(v.asDouble()) / 20));
                    } else {
                        assertThat(Instant.parse(cells[c])).as(what).isNotNull();
                    }
                    continue;
                }
                if (v.isNull()) {
                    assertThat(cells[c]).as(what).isEmpty();
                } else if (v.isNumber()) {
                    assertThat(Double.parseDouble(cells[c])).as(what).isEqualTo(v.asDouble());
                } else {
                    assertThat(cells[c]).as(what).isEqualTo(v.asString());
                }
            }
        }
    }
}
