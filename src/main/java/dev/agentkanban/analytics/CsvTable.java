package dev.agentkanban.analytics;

import dev.agentkanban.platform.CsvCells;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * One table of figures: a header and rows, answered as JSON ({@code [{header: value, ...}, ...]}) or as
 * CSV (RFC 4180, UTF-8) when the client asks with {@code ?format=csv} or {@code Accept: text/csv}; a
 * text cell (a task's title, a column's name) is written so that no spreadsheet runs it ({@link CsvCells}).
 */
record CsvTable(String name, List<String> header, List<List<Object>> rows) {

    static final MediaType TEXT_CSV = new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8);

    String csv() {
        StringBuilder out = new StringBuilder();
        out.append(header.stream().map(CsvCells::text).collect(Collectors.joining(",")))
                .append("\r\n");
        for (List<Object> row : rows) {
            out.append(row.stream().map(CsvCells::of).collect(Collectors.joining(",")))
                    .append("\r\n");
        }
        return out.toString();
    }

    List<Map<String, Object>> json() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (List<Object> row : rows) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                m.put(header.get(i), row.get(i));
            }
            out.add(m);
        }
        return out;
    }

    static boolean wantsCsv(String format, String accept) {
        if (format != null) {
            return "csv".equalsIgnoreCase(format.trim());
        }
        return accept != null && accept.toLowerCase().contains("text/csv");
    }

    ResponseEntity<?> response(boolean csv) {
        if (!csv) {
            return ResponseEntity.ok(json());
        }
        return ResponseEntity.ok()
                .contentType(TEXT_CSV)
                .header("Content-Disposition", "attachment; filename=\"" + name + ".csv\"")
                .body(csv());
    }
}
