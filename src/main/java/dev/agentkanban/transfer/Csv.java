package dev.agentkanban.transfer;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV: records end with CRLF; a field holding a comma, a quote, CR or LF is quoted, with its
 * quotes doubled. The reader also takes LF-only line ends and a leading byte-order mark, and keeps
 * line breaks inside quoted fields as they were.
 */
final class Csv {

    private Csv() {}

    /** A record and the (1-based) line it starts on. */
    record Row(int line, List<String> fields) {}

    /** The input is not CSV; {@code line} is where the reader gave up. */
    static final class MalformedCsv extends RuntimeException {
        final int line;

        MalformedCsv(int line, String message) {
            super("line " + line + ": " + message);
            this.line = line;
        }
    }

    static String record(List<String> fields) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(field(fields.get(i)));
        }
        return out.append("\r\n").toString();
    }

    static String field(String value) {
        if (value == null) {
            return "";
        }
        boolean quote = value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0;
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }

    /** All records; a blank line between records is skipped. */
    static List<Row> parse(String text) {
        List<Row> rows = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int line = 1;
        int rowStart = 1;
        boolean quoted = false;
        boolean afterQuote = false; // a quoted field just closed: only a separator may follow
        boolean fieldStarted = false;
        int i = text.startsWith("\uFEFF") ? 1 : 0;
        int n = text.length();
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < n && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                        afterQuote = true;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    field.append(c);
                }
                continue;
            }
            if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                afterQuote = false;
                fieldStarted = true;
            } else if (c == '\r' || c == '\n') {
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                if (fieldStarted || !field.isEmpty() || !fields.isEmpty() || afterQuote) {
                    fields.add(field.toString());
                    rows.add(new Row(rowStart, List.copyOf(fields)));
                }
                fields.clear();
                field.setLength(0);
                afterQuote = false;
                fieldStarted = false;
                line++;
                rowStart = line;
            } else if (afterQuote) {
                throw new MalformedCsv(line, "unexpected '" + c + "' after a closing quote (a quote inside a field is written as two)");
            } else if (c == '"' && field.isEmpty()) {
                quoted = true;
                fieldStarted = true;
            } else {
                field.append(c);
                fieldStarted = true;
            }
        }
        if (quoted) {
            throw new MalformedCsv(rowStart, "a quoted field is never closed");
        }
        if (fieldStarted || !field.isEmpty() || !fields.isEmpty() || afterQuote) {
            fields.add(field.toString());
            rows.add(new Row(rowStart, List.copyOf(fields)));
        }
        return rows;
    }
}
