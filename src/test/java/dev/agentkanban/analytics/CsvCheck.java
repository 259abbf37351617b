package dev.agentkanban.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import tools.jackson.databind.JsonNode;

/** Compares a CSV download with the JSON rows it was made from: every header names a field, same values. */
final class CsvCheck {

    private CsvCheck() {}

    /** Splits on commas: the fixtures' texts hold none. {@code clock}: fields that follow the clock
     * (a time, or seconds until now), compared loosely. */
    static void sameAsJson(String csv, List<JsonNode> rows, String... clock) {
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
                        assertThat(Double.parseDouble(cells[c]))
                                .as(what)
                                .isCloseTo(
                                        v.asDouble(),
                                        org.assertj.core.api.Assertions.within(
                                                Math.max(0.1, Math.abs(v.asDouble()) / 20)));
                    } else {
                        assertThat(java.time.Instant.parse(cells[c])).as(what).isNotNull();
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
